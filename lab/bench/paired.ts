/**
 * A paired A/B design for "the same thing with and without X" on a noisy machine. On these
 * 2-core machines a 3-pod rollout varies by ±40 % from run to run (the kubelet notices a started
 * container on its next relist, every second) and drifts over minutes (namespaces finishing
 * deletion, other tenants), so measuring every untraced run first and every traced run after
 * measures the drift. Runs alternate in an ABBA order instead, which cancels a linear drift, and
 * the result is reported with each pair's own ratio so the spread is visible.
 */
import { seededRandom } from '../../controllers/shared/seeded-random.js';
import { median, percentile } from './stats.js';

export type Arm = 'A' | 'B';

/** Pure: ABBA ABBA … for `pairs` pairs (odd pairs end with AB). */
export function abbaOrder(pairs: number): Arm[] {
  if (!Number.isInteger(pairs) || pairs < 1) throw new RangeError(`pairs must be a positive whole number, not ${pairs}`);
  const order: Arm[] = [];
  for (let i = 0; i < pairs; i++) order.push(...(i % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)));
  return order;
}

export interface PairedSummary {
  medianA: number;
  medianB: number;
  /** median(B) / median(A). */
  ratioOfMedians: number;
  /** B / A within each pair, in run order. */
  pairRatios: number[];
  /** The median of pairRatios. */
  medianPairRatio: number;
  /** 90 % interval of ratioOfMedians from a paired bootstrap (pairs resampled whole). */
  interval: [number, number];
}

/**
 * Pure: the 5th and 95th percentiles of median(B) / median(A) over `resamples` bootstrap samples
 * of whole pairs. With few pairs it is wide, and that is the point: it shows what the runs can
 * and cannot tell apart.
 */
export function bootstrapRatioInterval(a: readonly number[], b: readonly number[], resamples = 2000, seed = 1): [number, number] {
  const pairs = Math.min(a.length, b.length);
  if (pairs === 0) throw new RangeError('no pairs to resample');
  const random = seededRandom(seed); // the same runs always give the same interval
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const sa: number[] = [];
    const sb: number[] = [];
    for (let i = 0; i < pairs; i++) {
      const k = Math.floor(random() * pairs);
      sa.push(a[k]!);
      sb.push(b[k]!);
    }
    ratios.push(median(sb)! / median(sa)!);
  }
  return [percentile(ratios, 5)!, percentile(ratios, 95)!];
}

/** Pure: results in run order (as abbaOrder gave them) → the summary; undefined without a full pair. */
export function summarizePaired(runs: ReadonlyArray<{ arm: Arm; value: number }>): PairedSummary | undefined {
  const a = runs.filter((r) => r.arm === 'A').map((r) => r.value);
  const b = runs.filter((r) => r.arm === 'B').map((r) => r.value);
  const pairs = Math.min(a.length, b.length);
  if (pairs === 0) return undefined;
  const pairRatios = Array.from({ length: pairs }, (_, i) => b[i]! / a[i]!);
  const medianA = median(a)!;
  const medianB = median(b)!;
  const interval = bootstrapRatioInterval(a.slice(0, pairs), b.slice(0, pairs));
  return { medianA, medianB, ratioOfMedians: medianB / medianA, pairRatios, medianPairRatio: median(pairRatios)!, interval };
}
