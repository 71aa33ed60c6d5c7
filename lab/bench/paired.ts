/**
 * A paired A/B design for "the same thing with and without X" on a noisy machine. On these
 * 2-core machines a 3-pod rollout varies by ±40 % from run to run (the kubelet notices a started
 * container on its next relist, every second) and drifts over minutes (namespaces finishing
 * deletion, other tenants), so measuring every untraced run first and every traced run after
 * measures the drift. Runs alternate in an ABBA order instead, which cancels a linear drift, and
 * the result is reported with each pair's own ratio so the spread is visible.
 */
import { seededRandom } from '../../controllers/shared/seeded-random.js';
import { median, percentile } from '../base/stats.js';

export type Arm = 'A' | 'B';

/** Pure: ABBA ABBA … for `pairs` pairs (odd pairs end with AB). */
export function abbaOrder(pairs: number): Arm[] {
  if (!Number.isInteger(pairs) || pairs < 1) throw new RangeError(`pairs must be a positive whole number, not ${pairs}`);
  const order: Arm[] = [];
  for (let i = 0; i < pairs; i++) order.push(...(i % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)));
  return order;
}

/** One pair of runs: every value (rollout) of its untraced run A and of its traced run B. */
export interface RunPair {
  a: number[];
  b: number[];
}

export interface PairedSummary {
  /** Median of every A value, and of every B value, pooled over the runs. */
  medianA: number;
  medianB: number;
  /** medianB / medianA: the headline. A median of many rollouts, so one slow rollout moves it little. */
  ratioOfMedians: number;
  /** mean(B) / mean(A), pooled: counts the slow rollouts in full, so it is shown beside the median. */
  ratioOfMeans: number;
  /** mean(b) / mean(a) within each pair, in run order. */
  pairRatios: number[];
  /** 90 % intervals of both ratios, from a bootstrap that resamples whole pairs. */
  interval: [number, number];
  meanInterval: [number, number];
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/**
 * Pure: the 5th and 95th percentiles of `statistic` over `resamples` bootstrap samples of whole
 * pairs (a pair's rollouts stay together: rollouts of one run share that run's machine state, so
 * resampling them one by one would claim more certainty than the runs give). With few pairs the
 * interval is wide, and that is the point: it shows what the runs can and cannot tell apart.
 */
export function bootstrapPairsInterval(
  pairs: readonly RunPair[],
  statistic: (a: number[], b: number[]) => number,
  resamples = 2000,
  seed = 1,
): [number, number] {
  if (pairs.length === 0) throw new RangeError('no pairs to resample');
  const random = seededRandom(seed); // the same runs always give the same interval
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[Math.floor(random() * pairs.length)]!;
      a.push(...pair.a);
      b.push(...pair.b);
    }
    values.push(statistic(a, b));
  }
  return [percentile(values, 5)!, percentile(values, 95)!];
}

const ratioOfMedians = (a: number[], b: number[]) => median(b)! / median(a)!;
const ratioOfMeans = (a: number[], b: number[]) => mean(b) / mean(a);

/** Pure: the pairs of runs (each with its rollouts) → the summary; undefined without a pair holding values on both sides. */
export function summarizePaired(pairs: readonly RunPair[]): PairedSummary | undefined {
  const whole = pairs.filter((p) => p.a.length > 0 && p.b.length > 0);
  if (whole.length === 0) return undefined;
  const a = whole.flatMap((p) => p.a);
  const b = whole.flatMap((p) => p.b);
  return {
    medianA: median(a)!,
    medianB: median(b)!,
    ratioOfMedians: ratioOfMedians(a, b),
    ratioOfMeans: ratioOfMeans(a, b),
    pairRatios: whole.map((p) => mean(p.b) / mean(p.a)),
    interval: bootstrapPairsInterval(whole, ratioOfMedians),
    meanInterval: bootstrapPairsInterval(whole, ratioOfMeans),
  };
}

/** Pure: values tagged with their run's arm, in run order (as abbaOrder gave them) → the pairs: the k-th A run with the k-th B run. */
export function pairRuns<T>(runs: ReadonlyArray<{ arm: Arm; values: T[] }>): Array<{ a: T[]; b: T[] }> {
  const as = runs.filter((r) => r.arm === 'A');
  const bs = runs.filter((r) => r.arm === 'B');
  return Array.from({ length: Math.min(as.length, bs.length) }, (_, k) => ({ a: as[k]!.values, b: bs[k]!.values }));
}
