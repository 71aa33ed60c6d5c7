/**
 * Small statistics for measurements: percentiles, medians and ratios. The bench and `lab compare`
 * report these; they never assert a time, so nothing here has thresholds.
 */

/**
 * The p-th percentile (0..100) with linear interpolation between closest ranks (the "R-7" rule
 * spreadsheets use): p50 of [1,2,3,4] is 2.5. Undefined for an empty sample.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (p < 0 || p > 100 || Number.isNaN(p)) throw new RangeError(`percentile must be within 0..100, not ${p}`);
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return undefined;
  const sorted = [...finite].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const weight = rank - low;
  return sorted[low]! + (sorted[high]! - sorted[low]!) * weight;
}

export function median(values: readonly number[]): number | undefined {
  return percentile(values, 50);
}

/** lab / builtin, or undefined when either is missing or the divisor is zero. */
export function ratio(lab: number | undefined, builtin: number | undefined): number | undefined {
  if (lab === undefined || builtin === undefined || !Number.isFinite(lab) || !Number.isFinite(builtin) || builtin === 0) return undefined;
  return lab / builtin;
}

/**
 * A ratio for people: "1.25×", with a hint of what it means for a duration or a throughput.
 * `higherIsBetter` is true for throughputs (pods/s), false for durations and memory.
 */
export function formatRatio(value: number | undefined, higherIsBetter = false): string {
  if (value === undefined) return 'n/a';
  const text = `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
  if (Math.abs(value - 1) < 0.05) return `${text} (about the same)`;
  const labBetter = higherIsBetter ? value > 1 : value < 1;
  return `${text} (${labBetter ? 'lab better' : 'built-in better'})`;
}

/** Milliseconds for a table cell: "850 ms", "12.3 s". */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return 'n/a';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
