import type { V1Pod } from '@kubernetes/client-node';
import { MAX_NODE_SCORE, type ScorePlugin } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { DEFAULT_SCORING_RESOURCES, requestedAfterPlacing, type ResourceWeight } from './node-resources-fit.js';

/**
 * How evenly a node's resources would be used: 100 × (1 − standard deviation of the
 * requested/allocatable fractions). Uses the real requests (no 100m/200Mi stand-ins).
 */
export function balancedAllocationScore(pod: V1Pod, nodeInfo: NodeInfo, resources: readonly ResourceWeight[] = DEFAULT_SCORING_RESOURCES): number {
  const fractions = requestedAfterPlacing(pod, nodeInfo, resources, false)
    .filter((row) => row.allocatable > 0)
    .map((row) => Math.min(row.requested / row.allocatable, 1));
  if (fractions.length === 0) return MAX_NODE_SCORE;
  let std: number;
  if (fractions.length === 2) {
    std = Math.abs(fractions[0]! - fractions[1]!) / 2;
  } else {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((sum, f) => sum + (f - mean) ** 2, 0) / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export function createBalancedAllocation(args: { resources?: ResourceWeight[] } = {}): ScorePlugin {
  const resources = args.resources ?? DEFAULT_SCORING_RESOURCES;
  return {
    name: 'NodeResourcesBalancedAllocation',
    score: (_state, pod, nodeInfo) => balancedAllocationScore(pod, nodeInfo, resources),
  };
}
