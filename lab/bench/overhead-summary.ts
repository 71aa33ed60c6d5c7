/**
 * trace-overhead's numbers from its rollouts: pure, so a saved results.json can be summarized
 * again and the arithmetic is unit-tested.
 */
import type { OverheadSample } from './results.js';
import { pairRuns, summarizePaired, type Arm, type PairedSummary } from './paired.js';

export interface OverheadSummary {
  running: PairedSummary;
  bound: PairedSummary;
  cpu?: PairedSummary;
  pairs: number;
  rolloutsPerRun: number;
}

/** Pure: every rollout (tagged with its run and arm) → paired summaries of time to Running, to bound, and machine CPU. */
export function summarizeOverhead(samples: readonly OverheadSample[]): OverheadSummary | undefined {
  const runIds = [...new Set(samples.map((s) => s.run))].sort((x, y) => x - y);
  const runs = runIds.map((run) => {
    const rollouts = samples.filter((s) => s.run === run);
    return { arm: rollouts[0]!.arm as Arm, values: rollouts };
  });
  const pairs = pairRuns(runs);
  const of = (pick: (s: OverheadSample) => number | undefined) =>
    summarizePaired(pairs.map((p) => ({ a: p.a.map(pick).filter(isNumber), b: p.b.map(pick).filter(isNumber) })));
  const running = of((s) => s.ms);
  const bound = of((s) => s.boundMs);
  if (!running || !bound) return undefined;
  const cpu = samples.every((s) => s.cpuSeconds !== undefined) ? of((s) => s.cpuSeconds) : undefined;
  const rolloutsPerRun = Math.max(...runs.map((r) => r.values.length));
  return { running, bound, ...(cpu ? { cpu } : {}), pairs: pairs.length, rolloutsPerRun };
}

function isNumber(v: number | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

const range = ([low, high]: [number, number]) => `${low.toFixed(2)}–${high.toFixed(2)}`;

/** Pure: the summary as the bench's note lines. */
export function overheadNotes(s: OverheadSummary): string[] {
  const ms = (v: number) => `${Math.round(v)} ms`;
  const { running, bound, cpu } = s;
  return [
    `${s.pairs} pairs of runs in ABBA order, ${s.rolloutsPerRun} rollouts per run, a fresh lab per run (runLab with --trace: audit, etcd, kubelet, containerd, informer, decision, write taps)`,
    `median rollout to all Running: traced ${ms(running.medianB)} / untraced ${ms(running.medianA)} = ${running.ratioOfMedians.toFixed(2)}× (90 % interval, pairs resampled: ${range(running.interval)}); ratio of means ${running.ratioOfMeans.toFixed(2)}× (${range(running.meanInterval)}); per pair ${running.pairRatios.map((r) => r.toFixed(2)).join(' ')}`,
    `to all bound: ${ms(bound.medianB)} / ${ms(bound.medianA)} = ${bound.ratioOfMedians.toFixed(2)}× (${range(bound.interval)})`,
    ...(cpu ? [`machine CPU per rollout: ${cpu.medianB.toFixed(2)} s / ${cpu.medianA.toFixed(2)} s = ${cpu.ratioOfMedians.toFixed(2)}× (${range(cpu.interval)})`] : []),
  ];
}
