// The bench's runner over its registry, with fake measurements that log what runs when: selection,
// the order of the sides around the controllers' restarts, failures kept on their row, ratios.
import { describe, expect, it } from 'vitest';
import { BadInputError, ExitCode } from '../../../lab/base/errors.js';
import type { BenchContext, BenchMeasurement } from '../../../lab/bench/measurement.js';
import { labSidesInOrder, onceByKey, parseOnly, runMeasurements, selectMeasurements, type BenchPhases } from '../../../lab/bench/runner.js';
import type { Measurement } from '../../../lab/bench/results.js';

/** A fake measurement whose sides log `<id>:builtin` / `<id>:lab` and set the given values (or throw them). */
function fake(id: string, opts: { builtin?: number | Error; lab?: number | Error; shared?: boolean; rows?: number } = {}, log: string[] = []): BenchMeasurement {
  const setOrThrow = (value: number | Error, row: Measurement, side: 'lab' | 'builtin') => {
    log.push(`${id}:${side}`);
    if (value instanceof Error) throw value;
    row[side] = value;
  };
  return {
    id,
    measures: [`fake ${id}`],
    options: ['--timeout'],
    rows: ({ runs }) =>
      Array.from({ length: opts.rows ?? 1 }, (_, k) => ({ id: k === 0 ? id : `${id}-${k}`, title: `${id} (${runs} runs)`, unit: 'ms' as const, higherIsBetter: false })),
    ...(opts.builtin !== undefined ? { builtin: async (_ctx: BenchContext, [row]: Measurement[]) => setOrThrow(opts.builtin!, row!, 'builtin') } : {}),
    ...(opts.lab !== undefined ? { lab: { inSharedLab: opts.shared ?? false, run: async (_ctx: BenchContext, [row]: Measurement[]) => setOrThrow(opts.lab!, row!, 'lab') } } : {}),
  };
}

/** Phases that log instead of touching a cluster. */
function fakePhases(log: string[]): BenchPhases {
  return {
    builtinControllersOn: async () => void log.push('controllers on'),
    builtinControllersOff: async () => void log.push('controllers off'),
    inSharedLab: async (work) => {
      log.push('shared lab start');
      await work();
      log.push('shared lab stop');
    },
  };
}

/** The context the runner hands to the sides; the fakes use only `runs`. */
const ctx = { runs: 3, timeoutMs: 1000, dir: '/nowhere', once: onceByKey() } as unknown as BenchContext;

function badInput(work: () => unknown): BadInputError {
  try {
    work();
  } catch (err) {
    if (err instanceof BadInputError) return err;
    throw err;
  }
  throw new Error('expected bad input');
}

describe('bench registry selection', () => {
  const registry = [fake('alpha'), fake('beta'), fake('gamma')];

  it('takes every measurement without --only, and the chosen ones in registry order with it', () => {
    expect(selectMeasurements(registry).map((m) => m.id)).toEqual(['alpha', 'beta', 'gamma']);
    const only = parseOnly(' gamma,alpha,,', ['alpha', 'beta', 'gamma'], 'alpha');
    expect(selectMeasurements(registry, only).map((m) => m.id)).toEqual(['alpha', 'gamma']);
  });

  it('an unknown --only name is bad input (exit 2) that names it and lists every valid name', () => {
    const error = badInput(() => parseOnly('alpha,nosuch', ['alpha', 'beta', 'gamma'], 'alpha,beta'));
    expect(error.exitCode).toBe(ExitCode.BadInput);
    expect(error.message).toBe('--only: unknown measurement "nosuch"');
    expect(error.fix).toBe('choose among alpha, beta, gamma, e.g. --only alpha,beta');
  });

  it('an empty --only is bad input too', () => {
    expect(badInput(() => parseOnly(' , ', ['alpha'], 'alpha')).message).toBe('--only needs at least one measurement id');
  });
});

describe('bench runner', () => {
  it('runs every built-in side with the controllers on, then the shared-lab sides in one lab, then the rest in lab order', async () => {
    const log: string[] = [];
    const chosen = [
      fake('a', { builtin: 1, lab: 2 }, log),
      fake('b', { lab: 2 }, log),
      fake('c', { builtin: 1, lab: 2, shared: true }, log),
      fake('d', { lab: 2, shared: true }, log),
    ];
    await runMeasurements(chosen, ['d', 'c', 'b', 'a'], ctx, fakePhases(log));
    expect(log).toEqual([
      'controllers on', 'a:builtin', 'c:builtin',
      'controllers off', 'shared lab start', 'd:lab', 'c:lab', 'shared lab stop',
      'b:lab', 'a:lab',
    ]);
  });

  it('leaves the controllers alone before and starts no shared lab when nothing needs them; always turns them off for the lab sides', async () => {
    const log: string[] = [];
    await runMeasurements([fake('solo', { lab: 5 }, log)], ['solo'], ctx, fakePhases(log));
    expect(log).toEqual(['controllers off', 'solo:lab']);
  });

  it('a failing side is recorded on its first row, both sides\' failures joined, and the other measurements still run', async () => {
    const log: string[] = [];
    const rows = await runMeasurements(
      [fake('broken', { builtin: new Error('no pods'), lab: new Error('timed out'), rows: 2 }, log), fake('fine', { builtin: 10, lab: 20 }, log)],
      ['broken', 'fine'],
      ctx,
      fakePhases(log),
    );
    expect(rows.map((r) => [r.id, r.error])).toEqual([
      ['broken', 'no pods; timed out'],
      ['broken-1', undefined],
      ['fine', undefined],
    ]);
    expect(log).toContain('fine:lab');
  });

  it('returns every row of the chosen measurements in registry order, with lab / built-in ratios where both sides have a value', async () => {
    const rows = await runMeasurements(
      [fake('slower', { builtin: 200, lab: 300 }), fake('zero', { builtin: 0, lab: 5 }), fake('lab-only', { lab: 7 }), fake('two', { builtin: 4, lab: 2, rows: 2 })],
      ['lab-only', 'two', 'zero', 'slower'],
      ctx,
      fakePhases([]),
    );
    expect(rows.map((r) => r.id)).toEqual(['slower', 'zero', 'lab-only', 'two', 'two-1']);
    expect(rows.map((r) => r.ratio)).toEqual([1.5, undefined, undefined, 0.5, undefined]);
    expect(rows[0]!.title).toBe('slower (3 runs)'); // rows are made with the context's --runs
  });

  it('a lab side without a place in the lab order is a registry mistake, named', () => {
    expect(() => labSidesInOrder([fake('placed', { lab: 1 }), fake('forgotten', { lab: 1 })], ['placed'])).toThrow(/forgotten has a lab side but no place in LAB_SIDE_ORDER/);
  });

  it('once: shared work runs on the first ask only, and its failure reaches every asker', async () => {
    const once = onceByKey();
    let runs = 0;
    const work = async () => ++runs;
    expect([await once('burst', work), await once('burst', work), await once('other', work)]).toEqual([1, 1, 2]);
    const failing = () => Promise.reject(new Error('burst failed'));
    await expect(once('bad', failing)).rejects.toThrow('burst failed');
    await expect(once('bad', async () => 0)).rejects.toThrow('burst failed');
  });
});
