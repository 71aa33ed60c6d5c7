/**
 * trace-overhead: the lab's rollout traced (every tap) / untraced, in ABBA order, at least
 * MIN_OVERHEAD_PAIRS pairs whatever --runs says; also to-bound time and machine CPU ratios.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startLab } from '../../run/lab-process.js';
import type { BenchContext, BenchMeasurement } from '../measurement.js';
import { overheadNotes, summarizeOverhead } from '../overhead-summary.js';
import { abbaOrder } from '../paired.js';
import type { OverheadSample } from '../results.js';
import { rolloutOnce, type RolloutResult } from './rollout.js';

/** The fewest pairs trace-overhead takes, whatever --runs says: fewer cannot tell 5 % from noise here. */
export const MIN_OVERHEAD_PAIRS = 6;
const OVERHEAD_SETTLE_MS = 5000;
/**
 * Rollouts per lab in trace-overhead. One 3-pod rollout varies by ±40 % (each pod waits 0–1 s for
 * its kubelet's next relist, and the rollout waits for the last of three), so one rollout per run
 * would need ~100 pairs to see 5 %. Five per run give five times the rollouts for a fraction of
 * the cost: a run's start-up and settling are paid once, and its namespaces are deleted together
 * after it (a namespace takes ~13 s to go), never while a rollout is measured. The summary pools
 * the rollouts (overhead-summary.ts) and resamples whole pairs of runs for its interval.
 */
export const OVERHEAD_ROLLOUTS_PER_RUN = 5;
const BETWEEN_ROLLOUTS_MS = 2000;

/** One run of one arm: a fresh lab (traced or not), OVERHEAD_ROLLOUTS_PER_RUN rollouts, its namespaces dropped after. */
function overheadRun(ctx: BenchContext, index: number, total: number, traced: boolean, tracePath: string): Promise<RolloutResult[]> {
  const label = `${traced ? 'traced' : 'untraced'} run ${index}/${total} (${OVERHEAD_ROLLOUTS_PER_RUN} rollouts)`;
  const namespaces = Array.from({ length: OVERHEAD_ROLLOUTS_PER_RUN }, (_, k) => `bench-overhead-${index}-${k + 1}`);
  return ctx.progress.step(label, async (update) => {
    const lab = startLab({ command: 'lab bench', only: ['deployment', 'replicaset', 'scheduler'], ...(traced ? { trace: tracePath } : {}) });
    const rollouts: RolloutResult[] = [];
    try {
      await lab.ready;
      // The traced lab takes longer to start (seven more processes, two more caches); without a
      // pause the untraced arm would start while the nodes still tear down the last run's pods.
      await new Promise((r) => setTimeout(r, OVERHEAD_SETTLE_MS));
      for (const [k, ns] of namespaces.entries()) {
        if (k > 0) await new Promise((r) => setTimeout(r, BETWEEN_ROLLOUTS_MS));
        update(`rollout ${k + 1}/${namespaces.length}`);
        rollouts.push(await rolloutOnce(ctx, ns, 'lab-scheduler', { keepNamespace: true }));
      }
    } finally {
      await lab.stop();
      update('deleting its namespaces');
      await Promise.all(namespaces.map((ns) => ctx.dropNamespace(ns)));
    }
    return rollouts;
  });
}

/**
 * The lab's rollout untraced (A) and traced with every tap (B), in ABBA order. Each run starts its
 * own lab (runLab, with --trace for B), so both arms pay the same start-up. Every rollout is kept
 * in the results file (`samples`).
 */
export const traceOverhead: BenchMeasurement = {
  id: 'trace-overhead',
  measures: [
    "the lab's rollout traced (every tap) / untraced, in ABBA order, at least",
    `${MIN_OVERHEAD_PAIRS} pairs whatever --runs says; also to-bound time and machine CPU ratios`,
  ],
  options: ['--runs', '--timeout'],
  rows: () => [{ id: 'trace-overhead', title: 'rollout with taps / without (lab)', unit: 'ratio', higherIsBetter: false }],
  lab: {
    async run(ctx, [row]) {
      const tracePath = join(ctx.dir, 'rollout-traced.jsonl');
      try {
        const samples: OverheadSample[] = [];
        const order = abbaOrder(Math.max(ctx.runs, MIN_OVERHEAD_PAIRS));
        for (const [i, arm] of order.entries()) {
          const rollouts = await overheadRun(ctx, i + 1, order.length, arm === 'B', tracePath);
          samples.push(...rollouts.map((r, k) => ({ run: i + 1, arm, rollout: k + 1, ...r })));
        }
        const summary = summarizeOverhead(samples);
        if (!summary) throw new Error('no complete untraced/traced pair');
        Object.assign(row!, { lab: summary.running.ratioOfMedians, note: overheadNotes(summary).join('; '), samples });
      } finally {
        await rm(tracePath, { force: true }).catch(() => {});
      }
    },
  },
};
