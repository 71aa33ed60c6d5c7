/**
 * bin-packing.ts — prefer the FULLEST node the pod still fits on (MostAllocated style).
 *
 * Packing pods tightly leaves whole nodes empty, which a cluster autoscaler can then remove.
 * The default profile does the opposite (LeastAllocated spreads load), so this file exports a
 * whole `profile`: it keeps every default filter (a pod must still FIT) but replaces all the
 * default scorers with this one, so the packing is not voted down.
 *
 * Run it:   npx lab run --only scheduler --scheduler examples/schedulers/bin-packing.ts
 * (Built-in alternative, no code: a --scheduler-config with `scoringStrategy: { type: MostAllocated }`
 * and, as upstream's docs say, default spreading switched off, or its weight-2 score splits the
 * replicas anyway: `pluginConfig: [{ name: PodTopologySpread, args: { defaultingType: List, defaultConstraints: [] } }]`.)
 */
import { MAX_NODE_SCORE, type NodeInfo, type ScorePlugin } from '../../controllers/scheduler/framework/index.js';
import { podRequests } from '../../controllers/scheduler/framework/resources.js';
import type { ProfileContext } from '../../lab/run/plugin-loader.js';

/** Which resources count, and how much each matters. cpu is in millicores, memory in bytes. */
export const RESOURCES: Record<string, number> = { cpu: 1, memory: 1 };

/** 0..100: how full `nodeInfo` would be with the pod on it, averaged over RESOURCES by weight. */
export function fullness(nodeInfo: NodeInfo, podRequest: Record<string, number>): number {
  let weighted = 0;
  let weights = 0;
  for (const [resource, weight] of Object.entries(RESOURCES)) {
    const allocatable = nodeInfo.allocatable[resource] ?? 0;
    if (allocatable <= 0) continue; // the node does not offer it: it does not count either way
    // nonZeroRequested counts 100m cpu / 200Mi memory for containers without requests, so a node
    // full of "best effort" pods does not look empty.
    const requested = (nodeInfo.nonZeroRequested[resource] ?? 0) + (podRequest[resource] ?? 0);
    weighted += weight * Math.min(1, requested / allocatable) * MAX_NODE_SCORE;
    weights += weight;
  }
  return weights === 0 ? 0 : Math.round(weighted / weights);
}

export const BinPacking: ScorePlugin = {
  name: 'BinPacking',
  // Already in 0..100, so no scoreExtensions/normalizeScore is needed.
  score(_state, pod, nodeInfo) {
    return fullness(nodeInfo, podRequests(pod, { nonZero: true }));
  },
};

/**
 * A profile function receives the defaults and returns what to run. Here: the default profile
 * (its QueueSort, filters, binder ...) with `score` replaced by BinPacking at weight 1.
 */
export function profile(ctx: ProfileContext) {
  const defaults = ctx.defaultProfile();
  return { ...defaults, plugins: { ...defaults.plugins, score: [{ plugin: BinPacking, weight: 1 }] } };
}
