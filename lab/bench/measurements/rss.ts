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

/** How long memory is watched after `lab run` leads, and the closing part of it that is reported. */
const OBSERVE_S = 90;
const HELD_WINDOW_S = 30;
/** The built-ins are read with a `docker exec`: every few seconds is enough for a steady process. */
const BUILTIN_EVERY_S = 5;

/** One reading, `atS` seconds after `lab run` led (MiB). */
export interface RssSample {
  atS: number;
  mib: number;
}

/**
 * Pure: the memory a process holds, as the median of its samples in the last `windowS` seconds
 * of the observation; undefined without any there. Not the first plateau: a Node process that has
 * just listed 2,000 pods keeps the list's garbage mapped until V8's memory reducer runs, some
 * 15–45 s later (measured here: 222 MiB for 15 s, then 175; under load 200 MiB for 40 s, then
 * 156), just as a Go process keeps freed heap until its scavenger returns it. Both sides are read
 * over the same window.
 */
export function heldMemoryMiB(samples: readonly RssSample[], endS: number, windowS = HELD_WINDOW_S): number | undefined {
  const recent = samples.filter((s) => s.atS > endS - windowS && s.atS <= endS).map((s) => s.mib).sort((a, b) => a - b);
  if (recent.length === 0) return undefined;
  const mid = recent.length >> 1;
  return recent.length % 2 === 1 ? recent[mid]! : (recent[mid - 1]! + recent[mid]!) / 2;
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
      const labProcess = startLabRunProcess(['run'], { logDir: join(ctx.dir, 'rss'), tag: 'lab-run' });
      try {
        await ctx.progress.step('starting `lab run` over those pods (until it leads all three Leases)', () => waitUntilLeading(ctx.admin, labProcess, LEASES, 120_000));
        const lab: RssSample[] = [];
        const builtin: RssSample[] = [];
        let last: ProcessStats | undefined;
        await ctx.progress.step(`watching both sides' memory for ${OBSERVE_S} s`, async (update) => {
          for (let atS = 1; atS <= OBSERVE_S; atS++) {
            await new Promise((r) => setTimeout(r, 1000));
            last = (await localProcessStats(labProcess.pid)) ?? last;
            if (last) lab.push({ atS, mib: last.rssMiB });
            if (atS % BUILTIN_EVERY_S !== 0) continue;
            const mib = await builtinComponentsRssMiB();
            if (mib !== undefined) builtin.push({ atS, mib });
            const labNow = last ? `${Math.round(last.rssMiB)} MiB` : '? (no /proc here)';
            update(`${atS} s: lab ${labNow}, built-in ${mib === undefined ? '?' : `${Math.round(mib)} MiB`} (${OBSERVE_S - atS} s left)`);
          }
        });
        const held = heldMemoryMiB(lab, OBSERVE_S);
        const builtinHeld = heldMemoryMiB(builtin, OBSERVE_S);
        if (held !== undefined) row!.lab = held;
        if (builtinHeld !== undefined) row!.builtin = builtinHeld;
        const peak = last ? `${Math.round(last.peakRssMiB)} MiB` : '?';
        row!.note = `median VmRSS over the last ${HELD_WINDOW_S} s of ${OBSERVE_S} s after \`lab run\` leads, both sides over the same seconds. lab: \`lab run\` as its own process (all three components; peak while it listed ${peak}); built-in: kube-controller-manager + kube-scheduler on the control-plane node (they cache every resource they watch, not only pods) — ns ${ns}`;
      } finally {
        await labProcess.stop();
        // sched-scale and rs-scale come next: their schedulers and controllers must not cache these too.
        await ctx.progress.step(`deleting its ${RSS_PODS} pods`, () => ctx.dropNamespace(ns));
      }
    },
  },
};
