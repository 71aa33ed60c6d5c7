// Recreate strategy helpers (recreate.go): every old pod must be gone before new ones start.
import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { isPodTerminal } from '../shared/pods.js';
import { activeReplicaSets, sumStatusReplicas } from './replicasets.js';
import type { ScaleStep } from './rolling.js';

/** Scale every active old ReplicaSet to zero. */
export function planRecreateScaleDown(oldRSs: readonly V1ReplicaSet[]): ScaleStep[] {
  return activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
}

/**
 * True while any old ReplicaSet still reports pods, or any pod of an old ReplicaSet is not
 * finished (Failed and Succeeded pods no longer run, every other phase may).
 */
export function oldPodsRunning(newRS: V1ReplicaSet | undefined, oldRSs: readonly V1ReplicaSet[], podMap: ReadonlyMap<string, readonly V1Pod[]>): boolean {
  if (sumStatusReplicas(oldRSs) > 0) return true;
  for (const [rsUid, pods] of podMap) {
    if (newRS?.metadata?.uid && newRS.metadata.uid === rsUid) continue;
    if (pods.some((pod) => !isPodTerminal(pod))) return true;
  }
  return false;
}
