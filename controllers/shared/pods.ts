// Small facts about a pod that every component asks.
import type { V1Pod } from '@kubernetes/client-node';

/** A pod in phase Succeeded or Failed has finished: its containers will not run again. */
export function isPodTerminal(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
