/** rollout: a 3-replica Deployment → all pods Running, median of --runs per side. */
import { median } from '../../base/stats.js';
import { deploymentManifest } from '../../cluster/workload-image.js';
import { inWatchedNamespace } from '../cluster.js';
import { machineBusySeconds } from '../cpu.js';
import type { BenchContext, BenchMeasurement } from '../measurement.js';

export interface RolloutResult {
  /** Deployment create → all 3 pods Running. */
  ms: number;
  /** Deployment create → all 3 pods bound (the controllers' and scheduler's share, before the kubelets). */
  boundMs: number;
  /** Machine CPU seconds spent in that time (undefined off Linux). */
  cpuSeconds?: number;
}

/**
 * Create a 3-replica Deployment → all 3 pods Running. The namespace is deleted after (and waited
 * for) unless `keepNamespace`: the caller then drops it when the pods' teardown cannot overlap a
 * measured rollout (trace-overhead does).
 */
export function rolloutOnce(ctx: BenchContext, ns: string, schedulerName: string, opts: { keepNamespace?: boolean } = {}): Promise<RolloutResult> {
  return inWatchedNamespace(ctx, ns, async (watch) => {
    const cpuBefore = await machineBusySeconds();
    const t0 = performance.now();
    await ctx.admin.apps.createNamespacedDeployment({ namespace: ns, body: deploymentManifest(ns, 3, schedulerName) as never });
    await watch.until((w) => w.running.size >= 3, ctx.timeoutMs, `3 pods Running in ${ns}`);
    const cpuAfter = await machineBusySeconds();
    const result: RolloutResult = { ms: Math.max(...watch.running.values()) - t0, boundMs: Math.max(...watch.bound.values()) - t0 };
    if (cpuBefore !== undefined && cpuAfter !== undefined) result.cpuSeconds = cpuAfter - cpuBefore;
    return result;
  }, opts);
}

async function rolloutMedian(ctx: BenchContext, side: string, schedulerName: string): Promise<number | undefined> {
  const times: number[] = [];
  for (let i = 1; i <= ctx.runs; i++) {
    times.push((await ctx.progress.step(`${side}: rollout ${i}/${ctx.runs}`, () => rolloutOnce(ctx, `bench-rollout-${side}-${i}`, schedulerName))).ms);
  }
  return median(times);
}

export const rollout: BenchMeasurement = {
  id: 'rollout',
  measures: ['3-replica Deployment → all pods Running, median of --runs per side'],
  options: ['--runs', '--timeout'],
  rows: ({ runs }) => [
    {
      id: 'rollout', title: '3-replica Deployment → all Running (median)', unit: 'ms', higherIsBetter: false,
      note: `median of ${runs} run(s) each side; lab = its controllers + lab-scheduler, built-in = kube-controller-manager + default-scheduler`,
    },
  ],
  async builtin(ctx, [row]) {
    row!.builtin = await rolloutMedian(ctx, 'builtin', 'default-scheduler');
  },
  lab: {
    inSharedLab: true,
    async run(ctx, [row]) {
      row!.lab = await rolloutMedian(ctx, 'lab', 'lab-scheduler');
    },
  },
};
