// The event reasons are wire strings: kubectl, the trace and the exercises' checks match them, so
// each component's named constants must keep upstream's spelling.
import { describe, expect, it } from 'vitest';
import { EventReason as DeploymentReason } from '../../controllers/deployment/constants.js';
import { EventReason as ReplicaSetReason } from '../../controllers/replicaset/constants.js';
import { EventReason as SchedulerReason } from '../../controllers/scheduler/constants.js';

describe('event reasons', () => {
  it('the ReplicaSet controller uses the built-in controller\'s reasons', () => {
    expect(ReplicaSetReason).toEqual({ SuccessfulCreate: 'SuccessfulCreate', FailedCreate: 'FailedCreate', SuccessfulDelete: 'SuccessfulDelete', FailedDelete: 'FailedDelete' });
  });
  it('the scheduler uses kube-scheduler\'s reasons', () => {
    expect(SchedulerReason).toEqual({ Scheduled: 'Scheduled', FailedScheduling: 'FailedScheduling', Preempted: 'Preempted' });
  });
  it('the Deployment controller uses the built-in controller\'s reasons', () => {
    expect(DeploymentReason).toEqual({ ScalingReplicaSet: 'ScalingReplicaSet', SelectingAll: 'SelectingAll', RollbackRevisionNotFound: 'DeploymentRollbackRevisionNotFound', RollbackTemplateUnchanged: 'DeploymentRollbackTemplateUnchanged', RollbackDone: 'DeploymentRollback', FailedRSCreate: 'ReplicaSetCreateError' });
  });
});
