import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readBuiltinControllers, setBuiltinControllers } from '../../lab/cluster/builtin-controllers.js';
import { REPO_ROOT, stateDir } from '../../lab/cluster/paths.js';
import { DirectoryCatalog } from '../../lab/exercises/catalog.js';
import { runExerciseEndToEnd, type EndToEndResult } from '../../lab/exercises/e2e.js';
import { startLabRun, type LabRunProcess } from './support.js';

/**
 * Issue 5's exercise tests: every exercise's worked solution, run by the lab against the real
 * cluster. Before the solution at least one check must fail; after it every check must pass.
 * Checks read the cluster and the session trace (<state>/trace/current.jsonl).
 */
const tracePath = join(stateDir(), 'trace', 'current.jsonl');

// Every shipped exercise, grouped by the setup its prerequisites ask for: the lab's controllers
// (built-in off) or the built-in ones. A new exercise file is tested without editing this file.
const exercises = await new DirectoryCatalog(join(REPO_ROOT, 'exercises'), REPO_ROOT).all();
const withLab = exercises.filter((e) => e.prerequisites.builtinControllers !== 'on').map((e) => e.id);
const withBuiltin = exercises.filter((e) => e.prerequisites.builtinControllers === 'on').map((e) => e.id);

function explain(result: EndToEndResult): string {
  const failing = (result.finalCheck ?? result.initialCheck).results.filter((r) => !r.pass);
  return [result.failure ?? '', ...failing.map((r) => `✗ ${r.title}: saw ${r.saw}; expected ${r.expected}`)].join('\n');
}

/** Gone: killed (the leader-election exercise SIGKILLs the leading lab, which is this one) or exited. */
function exited(run: LabRunProcess | undefined): boolean {
  return !run || run.child.exitCode !== null || run.child.signalCode !== null;
}

describe('exercises with the lab controllers (built-in off, `lab run --trace` up)', () => {
  let builtinBefore = true;
  let run: LabRunProcess | undefined;
  const startLab = () => startLabRun(['--trace', tracePath], ['deployment-controller', 'replicaset-controller', 'scheduler']);
  beforeAll(async () => {
    builtinBefore = (await readBuiltinControllers()).deploymentController;
    await setBuiltinControllers(false);
    run = await startLab();
  });
  // The leader-election exercise kills this lab and its reset stops the standby that took over:
  // whatever runs next gets a leading lab again (it takes over at once, the standby released).
  beforeEach(async () => {
    if (exited(run)) run = await startLab();
  }, 180_000);
  afterAll(async () => {
    if (!exited(run)) await run!.stop('SIGTERM');
    if (builtinBefore) await setBuiltinControllers(true);
  });

  it('covers every shipped exercise', () => {
    expect(withLab.length + withBuiltin.length).toBeGreaterThanOrEqual(10);
  });

  it.each(withLab)('%s: checks fail before the solution and pass after it', async (id) => {
    const result = await runExerciseEndToEnd(id, { timeoutMs: 180_000 });
    expect(result.initiallyFailing).toBe(true);
    expect(result.ok, explain(result)).toBe(true);
  }, 6 * 60_000);
});

describe('exercises with the built-in controllers (`lab trace` recording)', () => {
  let builtinBefore = true;
  let trace: ReturnType<typeof execa> | undefined;
  beforeAll(async () => {
    builtinBefore = (await readBuiltinControllers()).deploymentController;
    await setBuiltinControllers(true);
    trace = execa(process.execPath, [join(REPO_ROOT, 'lab', 'bin', 'lab.mjs'), 'trace', '--jsonl', tracePath], { reject: false, cwd: REPO_ROOT, buffer: false });
    await new Promise((r) => setTimeout(r, 3000));
  });
  afterAll(async () => {
    trace?.kill('SIGINT');
    await trace;
    await setBuiltinControllers(builtinBefore);
  });

  it.each(withBuiltin)('%s: checks fail before the solution and pass after it', async (id) => {
    const result = await runExerciseEndToEnd(id, { timeoutMs: 240_000 });
    expect(result.initiallyFailing).toBe(true);
    expect(result.ok, explain(result)).toBe(true);
  }, 8 * 60_000);
});
