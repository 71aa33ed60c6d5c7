/**
 * Score normalisation helpers shared by plugins whose raw scores are counts or weight sums.
 */
import type { V1Node } from '@kubernetes/client-node';
import { StateKey } from './cycle-state.js';
import { MAX_NODE_SCORE, type NodeScore } from './interfaces.js';
import type { NodeInfo } from './node-info.js';

/**
 * Scale scores so the highest becomes `max` (integer division, as upstream's DefaultNormalizeScore).
 * With `reverse`, fewer is better: the result is max - scaled, and all-zero scores all become max.
 */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean, max = MAX_NODE_SCORE): void {
  const highest = Math.max(0, ...scores.map((s) => s.score));
  if (highest === 0) {
    if (reverse) for (const s of scores) s.score = max;
    return;
  }
  for (const s of scores) {
    const scaled = Math.trunc((max * s.score) / highest);
    s.score = reverse ? max - scaled : scaled;
  }
}

/** The runtime stores every node of the cycle's snapshot here (PreScore only sees feasible ones). */
export const ALL_NODES_KEY = new StateKey<readonly NodeInfo[]>('framework/all-nodes');

export function nodeName(node: V1Node | undefined): string {
  return node?.metadata?.name ?? '';
}
