// ReplicaSet status from its pods (upstream calculateStatus / updateReplicaSetStatus).
import type { V1Pod, V1ReplicaSet, V1ReplicaSetCondition, V1ReplicaSetStatus } from '@kubernetes/client-node';
import { selectorMatches } from '../shared/labels.js';
import { epochMillisOrUndefined } from '../shared/time.js';
import { EventReason } from './constants.js';
import { isPodReady } from './ranking.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

/** Ready for longer than minReadySeconds (strictly), or ready at all when minReadySeconds is 0. */
export function isPodAvailable(pod: V1Pod, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const readySince = epochMillisOrUndefined(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);
  return readySince !== undefined && readySince + minReadySeconds * 1000 < now.getTime();
}

/**
 * The status to write. `pods` are the active pods the ReplicaSet owns; `manageError` is the error
 * of this sync's creates/deletes, which sets a ReplicaFailure condition (removed once a sync
 * succeeds).
 */
export function computeStatus(rs: V1ReplicaSet, pods: V1Pod[], manageError: unknown, now: Date): V1ReplicaSetStatus {
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  // An empty label set matches every pod, like labels.Set{}.AsSelector().
  const templateSelector = { matchLabels: rs.spec?.template?.metadata?.labels ?? {} };
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (selectorMatches(templateSelector, pod.metadata?.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, now)) available++;
    }
  }

  let conditions = [...(rs.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageError && !failure) {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? EventReason.FailedCreate : diff > 0 ? EventReason.FailedDelete : undefined;
    const condition: V1ReplicaSetCondition = {
      type: REPLICA_FAILURE,
      status: 'True',
      lastTransitionTime: now,
      message: manageError instanceof Error ? manageError.message : String(manageError),
      ...(reason ? { reason } : {}),
    };
    conditions.push(condition);
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }

  return {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata?.generation,
    ...(conditions.length > 0 ? { conditions } : {}),
  };
}

function sameConditions(a: V1ReplicaSetCondition[] = [], b: V1ReplicaSetCondition[] = []): boolean {
  if (a.length !== b.length) return false;
  return a.every((c, i) => {
    const d = b[i]!;
    return (
      c.type === d.type &&
      c.status === d.status &&
      c.reason === d.reason &&
      c.message === d.message &&
      epochMillisOrUndefined(c.lastTransitionTime) === epochMillisOrUndefined(d.lastTransitionTime)
    );
  });
}

/** Whether writing `next` would change anything (counts, conditions, or an unobserved generation). */
export function statusChanged(rs: V1ReplicaSet, next: V1ReplicaSetStatus): boolean {
  const current = rs.status ?? { replicas: 0 };
  return (
    (current.replicas ?? 0) !== next.replicas ||
    (current.fullyLabeledReplicas ?? 0) !== (next.fullyLabeledReplicas ?? 0) ||
    (current.readyReplicas ?? 0) !== (next.readyReplicas ?? 0) ||
    (current.availableReplicas ?? 0) !== (next.availableReplicas ?? 0) ||
    // Generations are JSON numbers, exact here (see shared/int64.ts).
    current.observedGeneration !== rs.metadata?.generation ||
    !sameConditions(current.conditions, next.conditions)
  );
}
