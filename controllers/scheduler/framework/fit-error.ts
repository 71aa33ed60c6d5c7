/**
 * The FailedScheduling message, in kube-scheduler's FitError format:
 *   "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. preemption: ..."
 * Each filter reason is counted over the nodes that gave it; the "<count> <reason>" strings are
 * sorted as strings (so "10 ..." sorts before "2 ..."), exactly like upstream.
 */
import type { Status } from './status.js';

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export interface FitErrorInput {
  numAllNodes: number;
  /** Every rejected node's status. */
  nodeStatuses: ReadonlyMap<string, Status>;
  /** Set when PreFilter rejected the pod: replaces the per-node histogram. */
  preFilterMsg?: string;
  /** The PostFilter (preemption) message, appended as is. */
  postFilterMsg?: string;
}

export function reasonHistogram(nodeStatuses: ReadonlyMap<string, Status>): string[] {
  const counts = new Map<string, number>();
  for (const status of nodeStatuses.values()) {
    for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts].map(([reason, count]) => `${count} ${reason}`).sort(compareAsGoStrings);
}

// Go's sort.Strings compares bytes; for the ASCII messages here that is plain code-unit order.
function compareAsGoStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function fitErrorMessage(input: FitErrorInput): string {
  if (input.numAllNodes === 0) return NO_NODES_AVAILABLE;
  let message = `0/${input.numAllNodes} nodes are available:`;
  if (input.preFilterMsg) {
    message += ` ${input.preFilterMsg}.`;
  } else {
    const histogram = reasonHistogram(input.nodeStatuses);
    if (histogram.length > 0) message += ` ${histogram.join(', ')}.`;
  }
  if (input.postFilterMsg) message += ` ${input.postFilterMsg}`;
  return message;
}
