/**
 * rss: memory with 2,000 pods in the caches, like for like: `lab run` (deployment, replicaset and
 * scheduler) as its own process, against kube-controller-manager + kube-scheduler, each a process
 * of its own on the control-plane node; the bench (which creates the pods) is outside both.
 */
import { join } from 'node:path';
import { leaseNameFor } from '../../run/leadership.js';
import { builtinComponentsRssMiB } from '../cluster.js';
import { startLabRunProcess, waitUntilLeading } from '../lab-run-process.js';
import type { BenchMeasurement } from '../measurement.js';
import { localProcessStats, type ProcessStats } from '../process-stats.js';
import { benchPod, inParallel, numberedNames, UNSCHEDULED } from '../workloads.js';

const RSS_PODS = 2000;
const LEASES = [leaseNameFor('deployment'), leaseNameFor('replicaset'), leaseNameFor('scheduler')];

/**
 * Pure: the RSS has settled when the last `window` samples (MiB, one a second) stay within
 * `tolerance` (a fraction) of their mean: the informers have listed and the heap has stopped growing.
 */
export function rssSettled(samples: readonly number[], window = 3, tolerance = 0.02): boolean {
  if (samples.length < window) return false;
  const last = samples.slice(-window);
  const mean = last.reduce((a, b) => a + b, 0) / window;
  return last.every((s) => Math.abs(s - mean) <= mean * tolerance);
}

export const rss: BenchMeasurement = {
  id: 'rss',
  measures: ['memory with 2,000 pods in the caches: `lab run` as its own process vs kube-controller-manager + kube-scheduler'],
  options: ['--timeout'],
  rows: () => [{ id: 'rss', title: `memory with ${RSS_PODS} pods in the caches`, unit: 'MiB', higherIsBetter: false }],
  lab: {
    // Its pods stay until it has measured: the registry runs it after the measurements they would slow.
    async run(ctx, [row]) {
      const ns = await ctx.progress.step(`creating ${RSS_PODS} pods no scheduler serves`, async () => {
        const name = await ctx.namespace('bench-rss');
        await inParallel(numberedNames('rss', RSS_PODS), 50, (pod) => ctx.admin.core.createNamespacedPod({ namespace: name, body: benchPod(name, pod, UNSCHEDULED) }));
        return name;
      });
      const lab = startLabRunProcess(['run'], { logDir: join(ctx.dir, 'rss'), tag: 'lab-run' });
      try {
        await ctx.progress.step('starting `lab run` over those pods (until it leads all three Leases)', () => waitUntilLeading(ctx.admin, lab, LEASES, 120_000));
        const samples: number[] = [];
        let last: ProcessStats | undefined;
        await ctx.progress.step('waiting until its memory settles', async (update) => {
          for (let i = 0; i < 60 && !rssSettled(samples); i++) {
            await new Promise((r) => setTimeout(r, 1000));
            last = await localProcessStats(lab.pid);
            if (last) samples.push(last.rssMiB);
            update(`${samples.length} s: ${last ? `${Math.round(last.rssMiB)} MiB` : 'no /proc here'}`);
          }
        });
        if (last) row!.lab = last.rssMiB;
        row!.builtin = await builtinComponentsRssMiB();
        const settled = rssSettled(samples) ? `settled after ${samples.length} s` : `not settled within ${samples.length} s`;
        row!.note = `lab: VmRSS of \`lab run\` (its own process, all three components, ${settled}; peak ${last ? Math.round(last.peakRssMiB) : '?'} MiB); built-in: kube-controller-manager + kube-scheduler VmRSS on the control-plane node (they cache every resource they watch, not only pods) — ns ${ns}`;
      } finally {
        await lab.stop();
        // sched-scale and rs-scale come next: their schedulers and controllers must not cache these too.
        await ctx.progress.step(`deleting its ${RSS_PODS} pods`, () => ctx.dropNamespace(ns));
      }
    },
  },
};
