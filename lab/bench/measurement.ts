/**
 * What one bench measurement is: a descriptor its own module exports (lab/bench/measurements/*)
 * and the registry lists (measurements/index.ts), as lab/exercises/checks registers check kinds.
 * The runner (runner.ts) knows no measurement by name: it runs every chosen one's built-in side
 * first (kube-controller-manager's controllers on), then every lab side (off).
 */
import type { Progress } from '../base/progress.js';
import type { Clients } from '../../controllers/shared/kube.js';
import type { Measurement } from './results.js';

/** What every measurement may use while it runs. */
export interface BenchContext {
  admin: Clients;
  /** --runs: rollouts per side for the medians. */
  runs: number;
  /** --nodes: the simulated node counts sched-scale grows through. */
  nodeCounts: readonly number[];
  /** --timeout, in ms: how long any one wait may take. */
  timeoutMs: number;
  progress: Progress;
  /** <state>/bench: results.json and any file a measurement writes on the way. */
  dir: string;
  /** A fresh namespace (an old one of that name deleted first); deleted at the end whatever happens. */
  namespace(name: string): Promise<string>;
  /** Delete a namespace the bench is done with and wait, so later measurements' caches do not hold its pods. */
  dropNamespace(name: string): Promise<void>;
  /**
   * One piece of work that several measurements share, done on the first ask and its result (or
   * failure) handed to every later one: the built-in 300-pod burst serves rs-300-qps and rs-300-free.
   */
  once<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Adding simulated nodes, and taking them away again: kept in the bench's undo journal, so Ctrl-C or the next start removes what a killed bench added. */
  addingSimulatedNodes<T>(add: () => Promise<T>): Promise<T>;
  removingSimulatedNodes<T>(remove: () => Promise<T>): Promise<T>;
  /** ClusterRoleBindings (the bench's own kube-scheduler's and kube-controller-manager's), kept in the journal likewise. */
  clusterRoleBindings<T>(names: readonly string[], create: () => Promise<T>): Promise<T>;
  clusterRoleBindingsGone(names: readonly string[]): void;
}

/** The bench options a measurement reads (`lab bench --help` names them). */
export type BenchOption = '--runs' | '--timeout' | '--nodes';

/** One side of a measurement: it fills in `lab` or `builtin` (and notes) on its rows. */
export type Side = (ctx: BenchContext, rows: Measurement[]) => Promise<void>;

export interface BenchMeasurement {
  /** The name --only takes. */
  id: string;
  /** What it measures, one help line each (the help indents them under the id). */
  measures: readonly string[];
  options: readonly BenchOption[];
  /** Its result rows before anything runs (titles, units, notes); the first row takes a side's failure. */
  rows(opts: { runs: number; nodeCounts: readonly number[] }): Measurement[];
  /** The built-in side, run with kube-controller-manager's Deployment and ReplicaSet controllers on. */
  builtin?: Side;
  /**
   * The lab side, run with them off. `inSharedLab`: inside the one lab (its deployment, replicaset
   * and scheduler) the runner starts for every such measurement, rather than a set-up of its own.
   */
  lab?: { inSharedLab?: boolean; run: Side };
}

/**
 * Run one side; a failure is recorded on the row (appended to an earlier one, after `who:` when
 * given), and the other rows still run.
 */
export async function recordFailure(row: Measurement, work: () => Promise<void>, who?: string): Promise<void> {
  try {
    await work();
  } catch (err) {
    const message = who ? `${who}: ${(err as Error).message}` : (err as Error).message;
    row.error = row.error ? `${row.error}; ${message}` : message;
  }
}
