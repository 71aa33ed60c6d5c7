// DeploymentStatus as computed from the ReplicaSets (sync.go calculateStatus,
// deployment_util.go DeploymentComplete/DeploymentProgressing/DeploymentTimedOut).
import type { V1Deployment, V1DeploymentStatus, V1ReplicaSet } from '@kubernetes/client-node';
import { MAX_INT32, Reason } from './constants.js';
import { getCondition, newCondition, setCondition } from './conditions.js';
import { sumAvailableReplicas, sumReadyReplicas, sumSpecReplicas, sumStatusReplicas } from './replicasets.js';
import { epochMillisOrZero } from '../shared/time.js';
import { canonicalJson } from './hash.js';
import { deploymentReplicas, maxUnavailable } from './rolling.js';

/**
 * Counts from the ReplicaSets plus the Available condition. Other conditions are carried over.
 * status.terminatingReplicas is not set: it sits behind the DeploymentReplicaSetTerminatingReplicas
 * feature gate, alpha and off by default in v1.34.
 */
export function calculateStatus(allRSs: readonly (V1ReplicaSet | undefined)[], newRS: V1ReplicaSet | undefined, d: V1Deployment, now: Date): V1DeploymentStatus {
  const available = sumAvailableReplicas(allRSs);
  const unavailable = Math.max(0, sumSpecReplicas(allRSs) - available);
  let status: V1DeploymentStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: sumStatusReplicas(allRSs),
    updatedReplicas: sumStatusReplicas([newRS]),
    readyReplicas: sumReadyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    collisionCount: d.status?.collisionCount,
    conditions: d.status?.conditions ? [...d.status.conditions] : undefined,
  };
  const condition =
    available >= deploymentReplicas(d) - maxUnavailable(d)
      ? newCondition('Available', 'True', Reason.MinimumReplicasAvailable, 'Deployment has minimum availability.', now)
      : newCondition('Available', 'False', Reason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', now);
  status = setCondition(status, condition);
  return status;
}

/** All replicas updated and available, and the controller has seen the latest spec. */
export function deploymentComplete(d: V1Deployment, status: V1DeploymentStatus): boolean {
  const replicas = deploymentReplicas(d);
  return (
    (status.updatedReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas &&
    // Generations are JSON numbers, exact here (see shared/int64.ts).
    (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  );
}

/** Something moved since the recorded status: more updated/ready/available pods, or fewer old ones. */
export function deploymentProgressing(d: V1Deployment, next: V1DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOldReplicas = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOldReplicas = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOldReplicas < oldOldReplicas ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

export function hasProgressDeadline(d: V1Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== MAX_INT32;
}

/** No progress for progressDeadlineSeconds since the Progressing condition was last updated. */
export function deploymentTimedOut(d: V1Deployment, next: V1DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const condition = getCondition(next, 'Progressing');
  if (!condition) return false;
  if (condition.reason === Reason.NewReplicaSetAvailable) return false;
  if (condition.reason === Reason.ProgressDeadlineExceeded) return true;
  const deadline = epochMillisOrZero(condition.lastUpdateTime) + d.spec!.progressDeadlineSeconds! * 1000;
  return deadline < now.getTime();
}

/**
 * reflect.DeepEqual of two statuses as the API would store them: omitted numbers are 0,
 * timestamps compare as instants whether Date or string.
 */
export function statusEquals(a: V1DeploymentStatus | undefined, b: V1DeploymentStatus | undefined): boolean {
  return canonicalJson(normalizeStatus(a)) === canonicalJson(normalizeStatus(b));
}

function normalizeStatus(s: V1DeploymentStatus | undefined): unknown {
  return {
    observedGeneration: s?.observedGeneration ?? 0,
    replicas: s?.replicas ?? 0,
    updatedReplicas: s?.updatedReplicas ?? 0,
    readyReplicas: s?.readyReplicas ?? 0,
    availableReplicas: s?.availableReplicas ?? 0,
    unavailableReplicas: s?.unavailableReplicas ?? 0,
    terminatingReplicas: s?.terminatingReplicas ?? null,
    collisionCount: s?.collisionCount ?? null,
    conditions: (s?.conditions ?? []).map((c) => ({
      ...c,
      lastUpdateTime: c.lastUpdateTime ? epochMillisOrZero(c.lastUpdateTime) : null,
      lastTransitionTime: c.lastTransitionTime ? epochMillisOrZero(c.lastTransitionTime) : null,
    })),
  };
}
