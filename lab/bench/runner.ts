/**
 * The bench's runner over the registry (measurements/index.ts), knowing no measurement by name:
 * --only picks measurements, every chosen built-in side runs first (kube-controller-manager's
 * controllers on), then every lab side (off), so the controllers restart at most twice; last,
 * each row gets its lab / built-in ratio. The cluster-facing steps come in as BenchPhases, so
 * the order and the failure handling are unit-tested with fake measurements.
 */
import { BadInputError } from '../base/errors.js';
import { recordFailure, type BenchContext, type BenchMeasurement, type Side } from './measurement.js';
import { withRatios, type BenchResults } from './results.js';

/** `--only rollout,bind-rate` → the set of ids; an unknown id is bad input that lists the valid ones. */
export function parseOnly(text: string, ids: readonly string[], example: string): Set<string> {
  const chosen = text.split(',').map((id) => id.trim()).filter((id) => id !== '');
  const unknown = chosen.filter((id) => !ids.includes(id));
  if (chosen.length === 0 || unknown.length > 0) {
    throw new BadInputError(
      chosen.length === 0 ? '--only needs at least one measurement id' : `--only: unknown measurement ${unknown.map((u) => `"${u}"`).join(', ')}`,
      `choose among ${ids.join(', ')}, e.g. --only ${example}`,
    );
  }
  return new Set(chosen);
}

/** The chosen measurements in registry order (all without --only). */
export function selectMeasurements(measurements: readonly BenchMeasurement[], only?: ReadonlySet<string>): BenchMeasurement[] {
  return measurements.filter((m) => !only || only.has(m.id));
}

/** What the runner asks of the cluster around the measurements' sides. */
export interface BenchPhases {
  /** Before the built-in sides (only when one is chosen): the built-in controllers on. */
  builtinControllersOn(): Promise<void>;
  /** Before the lab sides, always: the built-in controllers off. */
  builtinControllersOff(): Promise<void>;
  /** Start the lab the `inSharedLab` sides share, run `work` in it, stop it. */
  inSharedLab(work: () => Promise<void>): Promise<void>;
}

/** The lab sides of `chosen` in `labSideOrder`; a lab side the order does not place is a registry mistake. */
export function labSidesInOrder(chosen: readonly BenchMeasurement[], labSideOrder: readonly string[]): BenchMeasurement[] {
  const withLab = chosen.filter((m) => m.lab);
  for (const m of withLab) {
    if (!labSideOrder.includes(m.id)) throw new Error(`bench measurement ${m.id} has a lab side but no place in LAB_SIDE_ORDER (lab/bench/measurements/index.ts)`);
  }
  return withLab.sort((a, b) => labSideOrder.indexOf(a.id) - labSideOrder.indexOf(b.id));
}

/** Runs the chosen measurements' sides in the bench's order; returns every row with its ratio. */
export async function runMeasurements(
  chosen: readonly BenchMeasurement[],
  labSideOrder: readonly string[],
  ctx: BenchContext,
  phases: BenchPhases,
): Promise<BenchResults['measurements']> {
  const rows = new Map(chosen.map((m) => [m.id, m.rows({ runs: ctx.runs, nodeCounts: ctx.nodeCounts })]));
  // A side's failure lands on its measurement's first row; the other measurements still run.
  const runSide = (m: BenchMeasurement, side: Side) => recordFailure(rows.get(m.id)![0]!, () => side(ctx, rows.get(m.id)!));
  const labSides = labSidesInOrder(chosen, labSideOrder);

  const builtinSides = chosen.filter((m) => m.builtin);
  if (builtinSides.length > 0) await phases.builtinControllersOn();
  for (const m of builtinSides) await runSide(m, m.builtin!);

  await phases.builtinControllersOff();
  const shared = labSides.filter((m) => m.lab!.inSharedLab);
  if (shared.length > 0) {
    await phases.inSharedLab(async () => {
      for (const m of shared) await runSide(m, m.lab!.run);
    });
  }
  for (const m of labSides.filter((s) => !s.lab!.inSharedLab)) await runSide(m, m.lab!.run);
  return withRatios(chosen.flatMap((m) => rows.get(m.id)!));
}

/** BenchContext.once: each key's work runs on the first ask; later asks share its promise (and its failure). */
export function onceByKey(): BenchContext['once'] {
  const started = new Map<string, Promise<unknown>>();
  return <T>(key: string, work: () => Promise<T>): Promise<T> => {
    if (!started.has(key)) started.set(key, work());
    return started.get(key) as Promise<T>;
  };
}
