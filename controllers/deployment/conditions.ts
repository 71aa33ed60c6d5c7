// Deployment conditions with upstream's timestamp rules (deployment_util.go):
// setting a condition that already has the same status and reason changes nothing (not even
// lastUpdateTime); a new reason with the same status keeps lastTransitionTime.
import type { V1DeploymentCondition, V1DeploymentStatus, V1ReplicaSetCondition } from '@kubernetes/client-node';

/** metav1.Time is serialised with whole seconds; truncating keeps what we compare equal to what we read back. */
export function wholeSeconds(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 1000) * 1000);
}

export function newCondition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, now: Date): V1DeploymentCondition {
  const t = wholeSeconds(now);
  return { type, status, reason, message, lastUpdateTime: t, lastTransitionTime: t };
}

export function getCondition(status: V1DeploymentStatus | undefined, type: string): V1DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** Returns the status with `condition` set (the input is not modified). */
export function setCondition(status: V1DeploymentStatus, condition: V1DeploymentCondition): V1DeploymentStatus {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return status;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  return { ...status, conditions: [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next] };
}

export function removeCondition(status: V1DeploymentStatus, type: string): V1DeploymentStatus {
  const conditions = (status.conditions ?? []).filter((c) => c.type !== type);
  return { ...status, conditions: conditions.length ? conditions : undefined };
}

/** A ReplicaSet's ReplicaFailure condition as the Deployment reports it. */
export function replicaSetToDeploymentCondition(c: V1ReplicaSetCondition): V1DeploymentCondition {
  return {
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
    lastTransitionTime: c.lastTransitionTime,
    lastUpdateTime: c.lastTransitionTime,
  };
}
