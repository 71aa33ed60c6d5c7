// How many pods to create or which to delete (upstream ReplicaSetController.manageReplicas),
// and the slow-start batching of creates.
import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { podsToDelete } from './ranking.js';

export const BURST_REPLICAS = 500;
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export type ReplicaPlan =
  | { action: 'wait'; want: number; have: number; reason: string }
  | { action: 'none'; want: number; have: number; reason: string }
  | { action: 'create'; want: number; have: number; count: number; batches: number[]; reason: string }
  | { action: 'delete'; want: number; have: number; pods: V1Pod[]; reason: string };

export interface PlanInput {
  rs: V1ReplicaSet;
  /** Active pods the ReplicaSet owns (after adoption/release). */
  pods: V1Pod[];
  /** Pods of this ReplicaSet and its siblings, for the same-node rank. Defaults to `pods`. */
  relatedPods?: V1Pod[];
  /** False while creates/deletes from an earlier sync are still unobserved. */
  expectationsSatisfied: boolean;
  burstReplicas?: number;
  /** For the logarithmic age comparison when choosing pods to delete. */
  now?: Date;
}

/** Batch sizes 1, 2, 4, 8 ... whose sum is `count` (the last batch takes what is left). */
export function slowStartBatches(count: number, initialBatchSize = SLOW_START_INITIAL_BATCH_SIZE): number[] {
  const batches: number[] = [];
  let remaining = count;
  for (let size = Math.min(remaining, initialBatchSize); size > 0; size = Math.min(2 * size, remaining)) {
    batches.push(size);
    remaining -= size;
  }
  return batches;
}

export function planReplicas(input: PlanInput): ReplicaPlan {
  const want = input.rs.spec?.replicas ?? 1;
  const have = input.pods.length;
  const burst = input.burstReplicas ?? BURST_REPLICAS;
  if (!input.expectationsSatisfied) {
    return { action: 'wait', want, have, reason: `want ${want}, have ${have}, waiting for earlier creates/deletes to be observed` };
  }
  if (input.rs.metadata?.deletionTimestamp) {
    return { action: 'wait', want, have, reason: `want ${want}, have ${have}, ReplicaSet is being deleted` };
  }
  if (have === want) return { action: 'none', want, have, reason: `want ${want}, have ${have}, nothing to do` };
  // Creates and deletes are capped alike: at most `burst` per sync, the rest next time.
  const diff = Math.abs(want - have);
  const count = Math.min(diff, burst);
  const capped = diff > burst ? `, capped at burst ${burst}` : '';
  if (have < want) {
    const batches = slowStartBatches(count);
    const reason = `want ${want}, have ${have}, create ${count}${capped} (batches ${batches.join('+')}, expecting ${count} adds)`;
    return { action: 'create', want, have, count, batches, reason };
  }
  const pods = podsToDelete(input.pods, input.relatedPods ?? input.pods, count, input.now);
  const reason = `want ${want}, have ${have}, delete ${count}${capped}: ${pods.map((p) => p.metadata?.name).join(', ')} (expecting ${count} deletes)`;
  return { action: 'delete', want, have, pods, reason };
}

export interface SlowStartResult {
  succeeded: number;
  /** Creates that failed or were never attempted: the expectations to lower. */
  skipped: number;
  /** The first error of the failed batch, if any. */
  error?: unknown;
}

/**
 * Runs `create` `count` times in slow-start batches; a batch runs concurrently, and the first
 * batch with a failure stops the rest (so a quota error costs one call, not 500).
 */
export async function runSlowStart(
  count: number,
  create: () => Promise<void>,
  initialBatchSize = SLOW_START_INITIAL_BATCH_SIZE,
): Promise<SlowStartResult> {
  let succeeded = 0;
  for (const size of slowStartBatches(count, initialBatchSize)) {
    const results = await Promise.allSettled(Array.from({ length: size }, () => create()));
    succeeded += results.filter((r) => r.status === 'fulfilled').length;
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) return { succeeded, skipped: count - succeeded, error: failure.reason };
  }
  return { succeeded, skipped: 0 };
}
