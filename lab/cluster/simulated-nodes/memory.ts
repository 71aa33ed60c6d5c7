/**
 * Pure: whether this machine has the memory for N more simulated nodes. A simulated node costs no
 * container, but every component that caches nodes pays for it (the API server's watch cache,
 * etcd, kube-controller-manager, the schedulers, the lab's processes, each node's labnet) and kwok
 * holds it and its pods. The per-node and base costs are measured (see MEASURED below); the
 * estimate is refused when it exceeds the memory available now less a reserve for the pods and
 * processes a learner runs next.
 */
import { BadInputError } from '../../base/errors.js';

export interface MemoryCosts {
  kwokBaseMiB: number;
  perNodeMiB: number;
  reserveMiB: number;
}

/**
 * Measured on this lab's 2-core machine (3-node kind cluster, kwok v0.8.0, issue 15): kwok's RSS
 * was 55.7 MiB managing 10 nodes, 58.5 MiB managing 100 and 73 MiB managing 500; the three node
 * containers together grew by 75 MiB with 100 simulated nodes and by 248 MiB with 500 (kwok and
 * the two DaemonSet pods kwok keeps on each node included): about 0.5 MiB a node at 500. The lab's
 * own processes cache every node too (not measured), hence 0.6.
 */
export const MEASURED: MemoryCosts = {
  kwokBaseMiB: 56,
  perNodeMiB: 0.6,
  /** Kept free for what runs next (pods on the real nodes, lab run, a bench). */
  reserveMiB: 1024,
};

export interface MemoryCheck {
  adding: number;
  /** MiB the added nodes are expected to take (kwok's base included when it is not running yet). */
  estimateMiB: number;
  /** MiB they may take: available memory less the reserve. */
  limitMiB: number;
  availableMiB: number;
  reserveMiB: number;
  ok: boolean;
  /** The most nodes that fit now. */
  maxNodes: number;
}

export function estimateMiB(adding: number, kwokRunning: boolean, costs: MemoryCosts = MEASURED): number {
  return (kwokRunning ? 0 : costs.kwokBaseMiB) + adding * costs.perNodeMiB;
}

export function checkMemory(adding: number, availableMiB: number, kwokRunning: boolean, costs: MemoryCosts = MEASURED): MemoryCheck {
  const estimate = estimateMiB(adding, kwokRunning, costs);
  const limit = Math.max(0, availableMiB - costs.reserveMiB);
  const room = limit - (kwokRunning ? 0 : costs.kwokBaseMiB);
  const maxNodes = room > 0 ? Math.floor(room / costs.perNodeMiB) : 0;
  return { adding, estimateMiB: estimate, limitMiB: limit, availableMiB, reserveMiB: costs.reserveMiB, ok: estimate <= limit, maxNodes };
}

/** Refuses, with the estimate and the limit, when the nodes would not fit. */
export function requireMemory(check: MemoryCheck): void {
  if (check.ok) return;
  const mib = (n: number) => `${Math.round(n).toLocaleString('en-US')} MiB`;
  throw new BadInputError(
    `${check.adding.toLocaleString('en-US')} simulated nodes need about ${mib(check.estimateMiB)}; this machine can give them ${mib(check.limitMiB)} ` +
      `(${mib(check.availableMiB)} available less ${mib(check.reserveMiB)} kept free)`,
    check.maxNodes > 0 ? `add at most ${check.maxNodes.toLocaleString('en-US')} now, or free memory first` : 'free memory first (stop other work, or remove simulated nodes: npx lab nodes remove --simulated all)',
  );
}
