// RollingUpdate arithmetic (deployment_util.go, rolling.go): how far the new ReplicaSet may
// surge and how far the old ones may shrink. Every function returns planned scale steps; the
// caller turns them into actions.
import type { IntOrString, V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import {
  byCreationTimestamp,
  specReplicas,
  sumAvailableReplicas,
  sumSpecReplicas,
} from './replicasets.js';

/** One planned change of a ReplicaSet's spec.replicas. */
export interface ScaleStep {
  rs: V1ReplicaSet;
  replicas: number;
  /**
   * Write the desired/max-replicas annotations even when the size does not change (the
   * proportional-scaling path of upstream calls scaleReplicaSet, not ...AndRecordEvent).
   */
  refreshAnnotations?: boolean;
}

export function deploymentReplicas(d: V1Deployment): number {
  return d.spec?.replicas ?? 1;
}

/** apps/v1 defaults the strategy to RollingUpdate. */
export function isRollingUpdate(d: V1Deployment): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/**
 * intstr.GetScaledValueFromIntOrPercent: an int is taken as is, "N%" is N percent of `total`,
 * rounded up or down. Any other string is an error.
 */
export function scaledValueFromIntOrPercent(value: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  const match = /^(-?\d+)%$/.exec(value);
  if (!match) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage (${value})`);
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * Absolute maxSurge and maxUnavailable for `desired` replicas. Surge rounds up, unavailable
 * rounds down; if both end up 0 the rollout could never progress, so unavailable becomes 1.
 */
export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = scaledValueFromIntOrPercent(maxSurge, desired, true);
  let unavailable = scaledValueFromIntOrPercent(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: V1Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, deploymentReplicas(d)).surge;
}

/** Never more than spec.replicas; 0 for Recreate or a Deployment scaled to zero. */
export function maxUnavailable(d: V1Deployment): number {
  const replicas = deploymentReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  const { unavailable } = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas);
  return Math.min(unavailable, replicas);
}

export function minAvailable(d: V1Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  return deploymentReplicas(d) - maxUnavailable(d);
}

/**
 * The pods a ReplicaSet may still have: its spec, or more while its controller has not yet acted on
 * a scale-down (status.replicas still counts the pods it is about to delete).
 *
 * Deliberate difference from upstream, which sums spec.replicas only: when the controllers are
 * killed between the Deployment controller shrinking an old ReplicaSet and the ReplicaSet
 * controller deleting the pod, upstream's rule lets the new ReplicaSet grow while the old pod still
 * runs, one pod past replicas + maxSurge (seen in this lab's SIGKILL test). Counting the pods not
 * yet deleted keeps the promise "never more than replicas + maxSurge pods"; in a healthy rollout it
 * only waits for the old ReplicaSet's next status write (milliseconds).
 */
export function podsItMayStillHave(rs: V1ReplicaSet): number {
  return Math.max(specReplicas(rs), rs.status?.replicas ?? 0);
}

/** How many replicas the new ReplicaSet should have now (NewRSNewReplicas). */
export function newRSNewReplicas(d: V1Deployment, allRSs: readonly V1ReplicaSet[], newRS: V1ReplicaSet): number {
  const replicas = deploymentReplicas(d);
  const strategy = d.spec?.strategy?.type ?? 'RollingUpdate';
  if (strategy === 'Recreate') return replicas;
  if (strategy !== 'RollingUpdate') throw new Error(`deployment type ${strategy} isn't supported`);
  const surge = scaledValueFromIntOrPercent(d.spec?.strategy?.rollingUpdate?.maxSurge, replicas, true);
  const current = allRSs.reduce((sum, rs) => sum + podsItMayStillHave(rs), 0);
  const maxTotalPods = replicas + surge;
  if (current >= maxTotalPods) return specReplicas(newRS);
  const scaleUpCount = Math.min(maxTotalPods - current, replicas - specReplicas(newRS));
  return specReplicas(newRS) + scaleUpCount;
}

/** reconcileNewReplicaSet: the new ReplicaSet's target size, or undefined when it is already right. */
export function planNewReplicaSetScale(
  d: V1Deployment,
  allRSs: readonly V1ReplicaSet[],
  newRS: V1ReplicaSet,
): ScaleStep | undefined {
  const desired = deploymentReplicas(d);
  const current = specReplicas(newRS);
  if (current === desired) return undefined;
  const target = current > desired ? desired : newRSNewReplicas(d, allRSs, newRS);
  return target === current ? undefined : { rs: newRS, replicas: target };
}

/**
 * reconcileOldReplicaSets: first remove unhealthy old pods (they cost no availability), then
 * scale old ReplicaSets down as far as maxUnavailable allows. `oldRSs` are the active old ones.
 */
export function planOldReplicaSetsScaleDown(
  d: V1Deployment,
  allRSs: readonly V1ReplicaSet[],
  oldRSs: readonly V1ReplicaSet[],
  newRS: V1ReplicaSet,
): ScaleStep[] {
  if (sumSpecReplicas(oldRSs) === 0) return [];
  const minAvail = deploymentReplicas(d) - maxUnavailable(d);
  const newRSUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  // Unavailable pods of the new ReplicaSet count against the budget, so a crash-looping new
  // ReplicaSet never lets us remove healthy old pods.
  const maxScaledDown = sumSpecReplicas(allRSs) - minAvail - newRSUnavailable;
  if (maxScaledDown <= 0) return [];

  const cleanup = cleanupUnhealthyReplicas(oldRSs, maxScaledDown);
  const scaleDown = scaleDownOldReplicaSetsForRollingUpdate(d, [...cleanup.oldRSs, newRS], cleanup.oldRSs);
  return [...cleanup.steps, ...scaleDown.steps];
}

/** Scale old ReplicaSets down by their unavailable replicas, oldest first, at most maxCleanupCount in total. */
export function cleanupUnhealthyReplicas(
  oldRSs: readonly V1ReplicaSet[],
  maxCleanupCount: number,
): { steps: ScaleStep[]; scaledDown: number; oldRSs: V1ReplicaSet[] } {
  const sorted = [...oldRSs].sort(byCreationTimestamp);
  const steps: ScaleStep[] = [];
  let scaledDown = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (scaledDown >= maxCleanupCount) break;
    const rs = sorted[i]!;
    const replicas = specReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanupCount - scaledDown, replicas - available);
    const target = replicas - count;
    if (target > replicas) {
      throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata?.namespace}/${rs.metadata?.name} ${replicas} -> ${target}`);
    }
    steps.push({ rs, replicas: target });
    sorted[i] = withSpecReplicas(rs, target);
    scaledDown += count;
  }
  return { steps, scaledDown, oldRSs: sorted };
}

/** Scale old ReplicaSets down, oldest first, while available pods stay above minAvailable. */
export function scaleDownOldReplicaSetsForRollingUpdate(
  d: V1Deployment,
  allRSs: readonly V1ReplicaSet[],
  oldRSs: readonly V1ReplicaSet[],
): { steps: ScaleStep[]; scaledDown: number } {
  const minAvail = deploymentReplicas(d) - maxUnavailable(d);
  const available = sumAvailableReplicas(allRSs);
  if (available <= minAvail) return { steps: [], scaledDown: 0 };
  const budget = available - minAvail;
  const steps: ScaleStep[] = [];
  let scaledDown = 0;
  for (const rs of [...oldRSs].sort(byCreationTimestamp)) {
    if (scaledDown >= budget) break;
    const replicas = specReplicas(rs);
    if (replicas === 0) continue;
    const count = Math.min(replicas, budget - scaledDown);
    steps.push({ rs, replicas: replicas - count });
    scaledDown += count;
  }
  return { steps, scaledDown };
}

export function withSpecReplicas(rs: V1ReplicaSet, replicas: number): V1ReplicaSet {
  return { ...rs, spec: { ...rs.spec!, replicas } };
}
