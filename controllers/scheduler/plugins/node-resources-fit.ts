import type { V1Pod } from '@kubernetes/client-node';
import { StateKey, type CycleState } from '../framework/cycle-state.js';
import type { FilterPlugin, PreFilterPlugin, ScorePlugin } from '../framework/interfaces.js';
import { MAX_NODE_SCORE } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { podRequests, type ResourceAmounts } from '../framework/resources.js';
import { Code, Status, success } from '../framework/status.js';

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated';

export interface ResourceWeight {
  name: string;
  weight: number;
}

export interface NodeResourcesFitArgs {
  scoringStrategy?: { type?: ScoringStrategyType; resources?: ResourceWeight[] };
}

export const DEFAULT_SCORING_RESOURCES: readonly ResourceWeight[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

export interface InsufficientResource {
  resource: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
  /** The pod asks for more than the node has in total: no eviction would help. */
  unresolvable: boolean;
}

/** Every resource the pod cannot get on the node, in upstream's order: pods, cpu, memory, storage, extended. */
export function insufficientResources(request: ResourceAmounts, nodeInfo: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const allowedPods = nodeInfo.allocatable.pods ?? 0;
  if (nodeInfo.pods.length + 1 > allowedPods) {
    out.push({ resource: 'pods', reason: 'Too many pods', requested: 1, used: nodeInfo.pods.length, capacity: allowedPods, unresolvable: false });
  }
  const ordered = ['cpu', 'memory', 'ephemeral-storage', ...Object.keys(request).filter((r) => !['cpu', 'memory', 'ephemeral-storage', 'pods'].includes(r)).sort()];
  for (const resource of ordered) {
    const wanted = request[resource] ?? 0;
    if (wanted <= 0) continue;
    const capacity = nodeInfo.allocatable[resource] ?? 0;
    const used = nodeInfo.requested[resource] ?? 0;
    if (wanted > capacity - used) {
      out.push({ resource, reason: `Insufficient ${resource}`, requested: wanted, used, capacity, unresolvable: wanted > capacity });
    }
  }
  return out;
}

export function fitsRequest(request: ResourceAmounts, nodeInfo: NodeInfo): Status {
  const missing = insufficientResources(request, nodeInfo);
  if (missing.length === 0) return success();
  const code = missing.some((m) => m.unresolvable) ? Code.UnschedulableAndUnresolvable : Code.Unschedulable;
  return new Status(code, missing.map((m) => m.reason));
}

/** LeastAllocated: the share of the node still free, 0..100 (0 when the pod would overflow it). */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** MostAllocated: the share of the node in use after placing the pod, 0..100 (capped when overflowing). */
export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

/**
 * What a node would have requested if the pod landed there, per scored resource. cpu and memory
 * use the non-zero variants (100m/200Mi for a missing request); extended resources the pod does
 * not ask for, or the node does not have, are left out so they neither help nor hurt.
 */
export function requestedAfterPlacing(pod: V1Pod, nodeInfo: NodeInfo, resources: readonly ResourceWeight[], nonZero = true) {
  const podRequest = podRequests(pod, { nonZero });
  const rows: { name: string; weight: number; requested: number; allocatable: number }[] = [];
  for (const { name, weight } of resources) {
    const allocatable = nodeInfo.allocatable[name] ?? 0;
    const isExtended = !['cpu', 'memory', 'ephemeral-storage'].includes(name);
    if (isExtended && (!(podRequest[name] ?? 0) || allocatable === 0)) continue;
    const onNode = nonZero && (name === 'cpu' || name === 'memory') ? nodeInfo.nonZeroRequested[name] : nodeInfo.requested[name];
    rows.push({ name, weight, requested: (onNode ?? 0) + (podRequest[name] ?? 0), allocatable });
  }
  return rows;
}

export function resourceAllocationScore(
  pod: V1Pod,
  nodeInfo: NodeInfo,
  strategy: ScoringStrategyType,
  resources: readonly ResourceWeight[],
): number {
  const scoreOf = strategy === 'MostAllocated' ? mostRequestedScore : leastRequestedScore;
  let weighted = 0;
  let weights = 0;
  for (const row of requestedAfterPlacing(pod, nodeInfo, resources)) {
    weighted += scoreOf(row.requested, row.allocatable) * row.weight;
    weights += row.weight;
  }
  return weights === 0 ? 0 : Math.trunc(weighted / weights);
}

const POD_REQUEST = new StateKey<ResourceAmounts>('NodeResourcesFit/request');

function requestOf(state: CycleState, pod: V1Pod): ResourceAmounts {
  return state.read(POD_REQUEST) ?? podRequests(pod);
}

/**
 * PreFilter: compute the pod's effective requests once.
 * Filter: requests must fit in allocatable minus what bound and assumed pods already request;
 *   the pod count must stay within allocatable pods ("Too many pods").
 * Score: LeastAllocated (spread, default) or MostAllocated (bin-pack), weighted over resources.
 */
export function createNodeResourcesFit(args: NodeResourcesFitArgs = {}): PreFilterPlugin & FilterPlugin & ScorePlugin {
  const strategy = args.scoringStrategy?.type ?? 'LeastAllocated';
  const resources = args.scoringStrategy?.resources ?? DEFAULT_SCORING_RESOURCES;
  for (const r of resources) {
    if (!Number.isInteger(r.weight) || r.weight < 1 || r.weight > MAX_NODE_SCORE) {
      throw new Error(`NodeResourcesFit: weight of resource "${r.name}" must be an integer in 1..100, got ${r.weight}`);
    }
  }
  return {
    name: 'NodeResourcesFit',
    preFilter(state, pod) {
      state.write(POD_REQUEST, podRequests(pod));
      return {};
    },
    filter(state, pod, nodeInfo) {
      return fitsRequest(requestOf(state, pod), nodeInfo);
    },
    score(_state, pod, nodeInfo) {
      return resourceAllocationScore(pod, nodeInfo, strategy, resources);
    },
  };
}
