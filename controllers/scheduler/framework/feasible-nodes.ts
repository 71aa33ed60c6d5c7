/**
 * How many feasible nodes a scheduling cycle looks for before it stops filtering (upstream's
 * numFeasibleNodesToFind in schedule_one.go, and percentageOfNodesToScore in its configuration).
 * In a large cluster kube-scheduler does not filter every node for every pod: once it has found
 * enough that fit, it scores those. Each cycle starts where the last one stopped, so every node
 * gets its turn. Below 100 nodes every node is filtered, as before.
 */

/** Below this many nodes all are filtered; above it, never fewer than this many are looked for. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** The adaptive percentage never goes below this. */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
/** The adaptive percentage: 50 %, less 1 % for every 125 nodes. */
const BASE_PERCENTAGE_OF_NODES_TO_SCORE = 50;

/**
 * Pure: the number of feasible nodes to find among `numAllNodes`. `percentage` is the profile's
 * percentageOfNodesToScore: undefined or 0 for the adaptive default, else 1–100. Integer
 * arithmetic throughout, as upstream's int32s.
 */
export function numFeasibleNodesToFind(percentage: number | undefined, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage ?? 0;
  if (pct === 0) {
    pct = BASE_PERCENTAGE_OF_NODES_TO_SCORE - Math.trunc(numAllNodes / 125);
    if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const numNodes = Math.trunc((numAllNodes * pct) / 100);
  return numNodes < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : numNodes;
}
