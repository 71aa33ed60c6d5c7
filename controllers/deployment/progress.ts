// The Progressing condition and the progress-deadline clock (progress.go, sync.go
// checkPausedConditions, the create-failure branch of getNewReplicaSet).
import type { V1Deployment, V1DeploymentCondition, V1DeploymentStatus, V1ReplicaSet } from '@kubernetes/client-node';
import { Reason } from './constants.js';
import { getCondition, newCondition, removeCondition, replicaSetToDeploymentCondition, setCondition } from './conditions.js';
import { epochMillisOrZero } from '../shared/time.js';
import { calculateStatus, deploymentComplete, deploymentProgressing, deploymentTimedOut, hasProgressDeadline } from './status.js';

/** syncRolloutStatus: calculateStatus plus the Progressing and ReplicaFailure conditions. */
export function rolloutStatus(allRSs: readonly (V1ReplicaSet | undefined)[], newRS: V1ReplicaSet | undefined, d: V1Deployment, now: Date): V1DeploymentStatus {
  let status = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) status = removeCondition(status, 'Progressing');

  const current = getCondition(d.status, 'Progressing');
  // Once complete, a Deployment stays complete until a new rollout; do not re-evaluate.
  const alreadyComplete = status.replicas === status.updatedReplicas && current?.reason === Reason.NewReplicaSetAvailable;
  if (hasProgressDeadline(d) && !alreadyComplete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata?.name}"` : `Deployment "${d.metadata?.name}"`;
    if (deploymentComplete(d, status)) {
      status = setCondition(status, newCondition('Progressing', 'True', Reason.NewReplicaSetAvailable, `${subject} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      // Progress refreshes lastUpdateTime (restarting the deadline) but keeps lastTransitionTime.
      const condition = newCondition('Progressing', 'True', Reason.ReplicaSetUpdated, `${subject} is progressing.`, now);
      if (current) {
        if (current.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
        status = removeCondition(status, 'Progressing');
      }
      status = setCondition(status, condition);
    } else if (deploymentTimedOut(d, status, now)) {
      status = setCondition(status, newCondition('Progressing', 'False', Reason.ProgressDeadlineExceeded, `${subject} has timed out progressing.`, now));
    }
  }

  const failures = replicaFailures(allRSs, newRS);
  status = failures.length > 0 ? setCondition(status, failures[0]!) : removeCondition(status, 'ReplicaFailure');
  return status;
}

/** ReplicaFailure conditions of the new ReplicaSet, else of any ReplicaSet. */
export function replicaFailures(allRSs: readonly (V1ReplicaSet | undefined)[], newRS: V1ReplicaSet | undefined): V1DeploymentCondition[] {
  const of = (rs: V1ReplicaSet | undefined) =>
    (rs?.status?.conditions ?? []).filter((c) => c.type === 'ReplicaFailure').map(replicaSetToDeploymentCondition);
  const fromNew = of(newRS);
  return fromNew.length > 0 ? fromNew : allRSs.flatMap(of);
}

export type ProgressRequeue = { kind: 'rateLimited' } | { kind: 'after'; delayMs: number };

/**
 * requeueStuckDeployment: when nothing changed, check back right after the progress deadline
 * would pass, so ProgressDeadlineExceeded is reported without any watch event.
 */
export function progressCheckRequeue(d: V1Deployment, next: V1DeploymentStatus, now: Date): ProgressRequeue | undefined {
  const current = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !current) return undefined;
  if (deploymentComplete(d, next) || current.reason === Reason.ProgressDeadlineExceeded) return undefined;
  const after = epochMillisOrZero(current.lastUpdateTime) + d.spec!.progressDeadlineSeconds! * 1000 - now.getTime();
  if (after < 1000) return { kind: 'rateLimited' };
  return { kind: 'after', delayMs: after + 1000 };
}

/**
 * checkPausedConditions: Progressing=Unknown/DeploymentPaused while paused and
 * DeploymentResumed after, so time spent paused never counts against the deadline. Returns
 * the new status, or undefined when nothing changes.
 */
export function pausedConditionStatus(d: V1Deployment, now: Date): V1DeploymentStatus | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const current = getCondition(d.status, 'Progressing');
  if (current?.reason === Reason.ProgressDeadlineExceeded) return undefined;
  const pausedRecorded = current?.reason === Reason.DeploymentPaused;
  const paused = d.spec?.paused === true;
  if (paused && !pausedRecorded) {
    return setCondition(d.status ?? {}, newCondition('Progressing', 'Unknown', Reason.DeploymentPaused, 'Deployment is paused', now));
  }
  if (!paused && pausedRecorded) {
    return setCondition(d.status ?? {}, newCondition('Progressing', 'Unknown', Reason.DeploymentResumed, 'Deployment is resumed', now));
  }
  return undefined;
}

export function failedCreateMessage(rsName: string, error: string): string {
  return `Failed to create new replica set "${rsName}": ${error}`;
}

/** Progressing=False/ReplicaSetCreateError after a failed create, or undefined without a deadline. */
export function failedCreateStatus(d: V1Deployment, rsName: string, error: string, now: Date): V1DeploymentStatus | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  return setCondition(d.status ?? {}, newCondition('Progressing', 'False', Reason.FailedRSCreate, failedCreateMessage(rsName, error), now));
}
