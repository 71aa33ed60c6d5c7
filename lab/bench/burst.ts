/**
 * One ReplicaSet of BURST_PODS pods no scheduler serves: how long its controller takes to create
 * them all. rs-300-qps, rs-300-free and trace-rate each run it.
 */
import type { BenchContext } from './measurement.js';
import { inWatchedNamespace } from './cluster.js';
import { benchReplicaSet } from './workloads.js';

export const BURST_PODS = 300;

/** ms from the ReplicaSet's create to the last pod created; the namespace is dropped after. */
export function burst(ctx: BenchContext, ns: string): Promise<{ ms: number; spanMs: number }> {
  return inWatchedNamespace(ctx, ns, async (watch) => {
    const t0 = performance.now();
    await ctx.admin.apps.createNamespacedReplicaSet({ namespace: ns, body: benchReplicaSet(ns, 'burst', BURST_PODS) });
    await watch.until((w) => w.created.size >= BURST_PODS, ctx.timeoutMs, `${BURST_PODS} pods created in ${ns}`);
    const ms = Math.max(...watch.created.values()) - t0;
    return { ms, spanMs: ms };
  });
}

/** The built-in ReplicaSet controller's burst, run once for rs-300-qps and rs-300-free together. */
export function builtinBurst(ctx: BenchContext): Promise<{ ms: number }> {
  return ctx.once('builtin-burst', () => ctx.progress.step(`built-in ReplicaSet controller: ${BURST_PODS} pods`, () => burst(ctx, 'bench-burst-builtin')));
}
