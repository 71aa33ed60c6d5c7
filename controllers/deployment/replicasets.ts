// Read-only views over a set of ReplicaSets: replica counts, filters and the orderings upstream
// sorts by (controller_utils.go). Nothing here mutates its input.
import type { V1ReplicaSet } from '@kubernetes/client-node';
import { epochMillisOrZero } from '../shared/time.js';

/** spec.replicas; the API server defaults it to 1. */
export function specReplicas(rs: V1ReplicaSet): number {
  return rs.spec?.replicas ?? 1;
}

type MaybeRS = V1ReplicaSet | undefined | null;
const present = (list: readonly MaybeRS[]): V1ReplicaSet[] => list.filter((rs): rs is V1ReplicaSet => !!rs);

export const sumSpecReplicas = (list: readonly MaybeRS[]): number =>
  present(list).reduce((n, rs) => n + specReplicas(rs), 0);
export const sumStatusReplicas = (list: readonly MaybeRS[]): number =>
  present(list).reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
export const sumReadyReplicas = (list: readonly MaybeRS[]): number =>
  present(list).reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
export const sumAvailableReplicas = (list: readonly MaybeRS[]): number =>
  present(list).reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);

/** ReplicaSets that currently want at least one pod. */
export function activeReplicaSets(list: readonly MaybeRS[]): V1ReplicaSet[] {
  return present(list).filter((rs) => specReplicas(rs) > 0);
}

/** Oldest first; equal timestamps are ordered by name. */
export function byCreationTimestamp(a: V1ReplicaSet, b: V1ReplicaSet): number {
  const ta = epochMillisOrZero(a.metadata?.creationTimestamp);
  const tb = epochMillisOrZero(b.metadata?.creationTimestamp);
  if (ta !== tb) return ta - tb;
  return compareStrings(a.metadata?.name ?? '', b.metadata?.name ?? '');
}

/** Largest first; ties go to the older ReplicaSet (used when scaling down proportionally). */
export function bySizeOlder(a: V1ReplicaSet, b: V1ReplicaSet): number {
  const d = specReplicas(b) - specReplicas(a);
  return d !== 0 ? d : byCreationTimestamp(a, b);
}

/** Largest first; ties go to the newer ReplicaSet (used when scaling up proportionally). */
export function bySizeNewer(a: V1ReplicaSet, b: V1ReplicaSet): number {
  const d = specReplicas(b) - specReplicas(a);
  return d !== 0 ? d : byCreationTimestamp(b, a);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sameReplicaSet(a: V1ReplicaSet, b: V1ReplicaSet): boolean {
  if (a.metadata?.uid && b.metadata?.uid) return a.metadata.uid === b.metadata.uid;
  return a.metadata?.name === b.metadata?.name && a.metadata?.namespace === b.metadata?.namespace;
}
