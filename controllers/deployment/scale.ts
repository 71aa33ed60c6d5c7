// Scaling a Deployment whose spec.replicas changed (sync.go scale(), deployment_util.go):
// the desired/max-replicas annotations remember the size each ReplicaSet was scaled for, so a
// later resize can spread new replicas over all active ReplicaSets in proportion.
import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION } from './constants.js';
import { activeReplicaSets, byCreationTimestamp, bySizeNewer, bySizeOlder, specReplicas, sumSpecReplicas } from './replicasets.js';
import { deploymentReplicas, isRollingUpdate, maxSurge, type ScaleStep } from './rolling.js';

const MAX_INT32 = 2147483647;

/** A non-negative int32 annotation, or undefined when missing or malformed (upstream logs and ignores). */
export function nonNegativeInt32Annotation(rs: V1ReplicaSet, key: string): number | undefined {
  const raw = rs.metadata?.annotations?.[key];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return value > MAX_INT32 ? undefined : value;
}

export const desiredReplicasAnnotation = (rs: V1ReplicaSet) => nonNegativeInt32Annotation(rs, DESIRED_REPLICAS_ANNOTATION);
export const maxReplicasAnnotation = (rs: V1ReplicaSet) => nonNegativeInt32Annotation(rs, MAX_REPLICAS_ANNOTATION);

/** The two annotation values a ReplicaSet of `d` should carry right now. */
export function replicasAnnotationsFor(d: V1Deployment): { desired: number; max: number } {
  const desired = deploymentReplicas(d);
  return { desired, max: desired + maxSurge(d) };
}

export function replicasAnnotationsNeedUpdate(rs: V1ReplicaSet, desired: number, max: number): boolean {
  const annotations = rs.metadata?.annotations;
  if (!annotations) return true;
  return annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || annotations[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** Returns a copy with both annotations set, and whether anything changed. */
export function withReplicasAnnotations(rs: V1ReplicaSet, desired: number, max: number): { rs: V1ReplicaSet; changed: boolean } {
  const changed = replicasAnnotationsNeedUpdate(rs, desired, max);
  const annotations = { ...(rs.metadata?.annotations ?? {}) };
  annotations[DESIRED_REPLICAS_ANNOTATION] = String(desired);
  annotations[MAX_REPLICAS_ANNOTATION] = String(max);
  return { rs: { ...rs, metadata: { ...rs.metadata, annotations } }, changed };
}

/** Go's math.Round: halves away from zero. */
export function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/**
 * How many replicas `rs` should gain (or lose, negative) so that it keeps its share of the
 * Deployment: its size times newMax / oldMax, where oldMax comes from its max-replicas
 * annotation (or the Deployment's status.replicas when the annotation is missing).
 */
export function replicaSetFraction(rs: V1ReplicaSet, d: V1Deployment): number {
  const replicas = specReplicas(rs);
  if (deploymentReplicas(d) === 0) return -replicas;
  const deploymentMaxReplicas = deploymentReplicas(d) + maxSurge(d);
  let maxBeforeScale = maxReplicasAnnotation(rs);
  if (maxBeforeScale === undefined || maxBeforeScale === 0) {
    maxBeforeScale = d.status?.replicas ?? 0;
    if (maxBeforeScale === 0) return 0;
  }
  return roundHalfAwayFromZero((replicas * deploymentMaxReplicas) / maxBeforeScale) - replicas;
}

/** The fraction, capped by what is still left to add (or remove). */
export function replicaSetProportion(rs: V1ReplicaSet | undefined, d: V1Deployment, toAdd: number, added: number): number {
  if (!rs || specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** The new ReplicaSet runs all replicas, was scaled for this size, and all are available. */
export function isSaturated(d: V1Deployment, rs: V1ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const raw = rs.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return false;
  const replicas = deploymentReplicas(d);
  return specReplicas(rs) === replicas && Number(raw) === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

/**
 * The only active ReplicaSet, or the newest one when none is active; undefined when several
 * are active (then scaling must be proportional).
 */
export function findActiveOrLatest(newRS: V1ReplicaSet | undefined, oldRSs: readonly V1ReplicaSet[]): V1ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreationTimestamp(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** A ReplicaSet still carries a desired-replicas annotation for a different Deployment size. */
export function isScalingEvent(d: V1Deployment, newRS: V1ReplicaSet | undefined, oldRSs: readonly V1ReplicaSet[]): boolean {
  return activeReplicaSets([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== deploymentReplicas(d);
  });
}

/** sync.go scale(): the steps that bring all ReplicaSets to the Deployment's new size. */
export function planScale(d: V1Deployment, newRS: V1ReplicaSet | undefined, oldRSs: readonly V1ReplicaSet[]): ScaleStep[] {
  const replicas = deploymentReplicas(d);
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    return specReplicas(activeOrLatest) === replicas ? [] : [{ rs: activeOrLatest, replicas }];
  }
  // A finished rollout may still have old ReplicaSets with pods: clean them up.
  if (isSaturated(d, newRS)) {
    return activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
  }
  if (!isRollingUpdate(d)) return [];

  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowedSize = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowedSize - sumSpecReplicas(all);
  // Scale-ups go to the biggest (newest on ties), scale-downs hit the biggest (oldest on ties).
  if (toAdd > 0) all.sort(bySizeNewer);
  else if (toAdd < 0) all.sort(bySizeOlder);

  let added = 0;
  const sizes = all.map((rs) => {
    if (toAdd === 0) return specReplicas(rs);
    const proportion = replicaSetProportion(rs, d, toAdd, added);
    added += proportion;
    return specReplicas(rs) + proportion;
  });
  // Rounding leftovers go to the first ReplicaSet in the order above.
  if (all.length > 0 && toAdd !== 0) sizes[0] = Math.max(0, sizes[0]! + toAdd - added);
  return all.map((rs, i) => ({ rs, replicas: sizes[i]!, refreshAnnotations: true }));
}
