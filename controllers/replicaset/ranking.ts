// Which pods a ReplicaSet deletes first when scaling down: upstream's ActivePodsWithRanks.Less
// (pkg/controller/controller_utils.go) with its default feature gates (PodDeletionCost and
// LogarithmicScaleDown on). The first pod in the sorted list is deleted first.
import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { controllerRefOf } from '../shared/owner-refs.js';
import { isPodTerminal } from '../shared/pods.js';
import { epochMillisOrUndefined } from '../shared/time.js';

export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

export interface RankedPod {
  pod: V1Pod;
  /** Active pods of the same owner(s) on this pod's node: more siblings → deleted first. */
  rank: number;
}

export function isPodActive(pod: V1Pod): boolean {
  return !isPodTerminal(pod) && !pod.metadata?.deletionTimestamp;
}

function readyCondition(pod: V1Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: V1Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** When the pod became ready; undefined when it is not ready or the time is unknown. */
export function podReadyTime(pod: V1Pod): number | undefined {
  return isPodReady(pod) ? epochMillisOrUndefined(readyCondition(pod)?.lastTransitionTime) : undefined;
}

export function maxContainerRestarts(pod: V1Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));
}

/** The pod-deletion-cost annotation; invalid or missing values count as 0, as upstream. */
export function podDeletionCost(pod: V1Pod): number {
  const raw = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (raw === undefined || !/^-?\d+$/.test(raw.trim())) return 0;
  const cost = Number(raw.trim());
  return cost >= -(2 ** 31) && cost <= 2 ** 31 - 1 ? cost : 0;
}

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const phaseOrdinal = (pod: V1Pod) => PHASE_ORDINAL[pod.status?.phase ?? ''] ?? 0;

/** Missing times sort first, otherwise the later time first. */
function laterOrMissingFirst(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

/** Buckets of age on a log2 scale of nanoseconds (as upstream), so similar ages tie. */
function logarithmicAge(t: number, now: number): number {
  const ageNanos = (now - t) * 1e6;
  return ageNanos > 0 ? Math.floor(Math.log2(ageNanos)) : -1;
}

/**
 * "Newer first" for ready times and creation times. With `now`, times whose ages fall into the
 * same power-of-two bucket tie and are ordered by UID, which spreads deletions pseudo-randomly.
 */
function newerFirst(a: V1Pod, ta: number | undefined, b: V1Pod, tb: number | undefined, now: number | undefined): boolean {
  if (now === undefined || ta === undefined || tb === undefined) return laterOrMissingFirst(ta, tb);
  const diff = logarithmicAge(ta, now) - logarithmicAge(tb, now);
  if (diff === 0) return (a.metadata?.uid ?? '') < (b.metadata?.uid ?? '');
  return diff < 0;
}

/** True if a should be deleted before b. */
export function deletesBefore(a: RankedPod, b: RankedPod, now?: Date): boolean {
  const pa = a.pod;
  const pb = b.pod;
  const nodeA = pa.spec?.nodeName ?? '';
  const nodeB = pb.spec?.nodeName ?? '';
  // 1. unassigned before assigned
  if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return nodeA === '';
  // 2. Pending before Unknown before Running
  if (phaseOrdinal(pa) !== phaseOrdinal(pb)) return phaseOrdinal(pa) < phaseOrdinal(pb);
  // 3. not ready before ready
  if (isPodReady(pa) !== isPodReady(pb)) return !isPodReady(pa);
  // 4. lower pod-deletion-cost first
  if (podDeletionCost(pa) !== podDeletionCost(pb)) return podDeletionCost(pa) < podDeletionCost(pb);
  // 5. more siblings on the same node first
  if (a.rank !== b.rank) return a.rank > b.rank;
  const nowMs = now?.getTime();
  // 6. more recently ready first
  if (isPodReady(pa) && isPodReady(pb)) {
    const ra = podReadyTime(pa);
    const rb = podReadyTime(pb);
    if (ra !== rb) return newerFirst(pa, ra, pb, rb, nowMs);
  }
  // 7. more restarts first
  if (maxContainerRestarts(pa) !== maxContainerRestarts(pb)) return maxContainerRestarts(pa) > maxContainerRestarts(pb);
  // 8. newer first
  const ca = epochMillisOrUndefined(pa.metadata?.creationTimestamp);
  const cb = epochMillisOrUndefined(pb.metadata?.creationTimestamp);
  if (ca !== cb) return newerFirst(pa, ca, pb, cb, nowMs);
  return false;
}

export function compareForDeletion(now?: Date): (a: RankedPod, b: RankedPod) => number {
  return (a, b) => (deletesBefore(a, b, now) ? -1 : deletesBefore(b, a, now) ? 1 : 0);
}

/** Ranks each pod by the number of active related pods on its node (upstream getPodsRankedByRelatedPodsOnSameNode). */
export function rankByRelatedPodsOnSameNode(podsToRank: V1Pod[], relatedPods: V1Pod[]): RankedPod[] {
  const activeOnNode = new Map<string, number>();
  for (const pod of relatedPods) {
    if (!isPodActive(pod)) continue;
    const node = pod.spec?.nodeName ?? '';
    activeOnNode.set(node, (activeOnNode.get(node) ?? 0) + 1);
  }
  return podsToRank.map((pod) => ({ pod, rank: activeOnNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
}

/** The `count` pods to delete first out of `pods`. */
export function podsToDelete(pods: V1Pod[], relatedPods: V1Pod[], count: number, now?: Date): V1Pod[] {
  if (count >= pods.length) return pods.slice(0, count);
  return rankByRelatedPodsOnSameNode(pods, relatedPods)
    .sort(compareForDeletion(now))
    .slice(0, count)
    .map((ranked) => ranked.pod);
}

/**
 * Pods of this ReplicaSet and of its siblings (ReplicaSets with the same controller, e.g. one
 * Deployment's old and new ReplicaSets): the rank counts them all, so a scale-down spreads pods.
 */
export function relatedPods(rs: V1ReplicaSet, allReplicaSets: V1ReplicaSet[], podsInNamespace: V1Pod[]): V1Pod[] {
  const owner = controllerRefOf(rs);
  const relatedUids = new Set<string>([rs.metadata?.uid ?? '']);
  if (owner) {
    for (const other of allReplicaSets) {
      if (other.metadata?.namespace === rs.metadata?.namespace && controllerRefOf(other)?.uid === owner.uid) {
        relatedUids.add(other.metadata?.uid ?? '');
      }
    }
  }
  return podsInNamespace.filter((pod) => {
    const ref = controllerRefOf(pod);
    return ref !== undefined && relatedUids.has(ref.uid);
  });
}
