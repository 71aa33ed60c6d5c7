/**
 * The bench's results as data, and how they are shown. Each measurement has a value for the lab and
 * one for the built-in side (either may be missing when that part failed), a unit, and whether
 * higher is better; the ratio is always lab / built-in.
 */
import { formatMs, formatRatio, ratio } from '../base/stats.js';
import { renderTable } from '../base/table.js';

export type Unit = 'ms' | 'pods/s' | 'MiB' | 'CPU s' | 'entries/s' | 'count' | 'ratio';

export interface Measurement {
  id: string;
  title: string;
  unit: Unit;
  lab?: number;
  builtin?: number;
  higherIsBetter: boolean;
  /** How it was measured (limits applied, runs taken...). */
  note?: string;
  /** Why a side is missing. */
  error?: string;
  /** Every rollout behind the value (trace-overhead), for a reader who wants the spread, not the summary. */
  samples?: OverheadSample[];
}

/** One rollout of trace-overhead: its run (1-based, in run order), arm (A untraced, B traced) and times. */
export interface OverheadSample {
  run: number;
  arm: 'A' | 'B';
  rollout: number;
  ms: number;
  boundMs: number;
  cpuSeconds?: number;
}

export interface BenchResults {
  startedAt: string;
  runs: number;
  measurements: Array<Measurement & { ratio?: number }>;
}

export function withRatios(measurements: readonly Measurement[]): BenchResults['measurements'] {
  return measurements.map((m) => {
    const r = ratio(m.lab, m.builtin);
    return r === undefined ? { ...m } : { ...m, ratio: r };
  });
}

export function formatValue(value: number | undefined, unit: Unit): string {
  if (value === undefined) return 'n/a';
  if (unit === 'ms') return formatMs(value);
  if (unit === 'count') return String(Math.round(value));
  if (unit === 'ratio') return `${value.toFixed(2)}×`;
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${unit}`;
}

/** The bench's table: one row per measurement, then its notes and errors underneath. */
export function renderResults(results: BenchResults): string {
  const rows = results.measurements.map((m) => [
    m.title,
    formatValue(m.lab, m.unit),
    m.builtin === undefined && m.unit === 'ratio' ? '' : formatValue(m.builtin, m.unit),
    m.unit === 'ratio' || m.unit === 'count' ? '' : formatRatio(m.ratio, m.higherIsBetter),
  ]);
  const table = renderTable(['measurement', 'lab', 'built-in', 'lab / built-in'], rows, ['left', 'right', 'right', 'left']);
  const notes = results.measurements.flatMap((m) => [
    ...(m.note ? [`  ${m.id}: ${m.note}`] : []),
    ...(m.error ? [`  ${m.id}: failed: ${m.error}`] : []),
  ]);
  return [table, ...(notes.length ? ['', 'notes:', ...notes] : [])].join('\n');
}
