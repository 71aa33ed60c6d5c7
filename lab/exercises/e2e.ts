/**
 * runExerciseEndToEnd(id): the proof that an exercise works. Reset, start, check (some check must
 * fail: the exercise is not solved by doing nothing), apply the worked solution, then check again
 * until everything passes or the time is up. Returns what happened at each stage.
 */
import type { ActionOutcome } from './ports.js';
import type { CheckReport, ExerciseEngine } from './engine.js';

export interface EndToEndOptions {
  /** Default: the engine wired to the real cluster (lab/exercises/default-engine.ts). */
  engine?: ExerciseEngine;
  /** How long to keep re-checking after the solution ran. Default 180 s. */
  timeoutMs?: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  clock?: () => number;
}

export interface EndToEndResult {
  id: string;
  ok: boolean;
  /** Why not ok, in one sentence. */
  failure?: string;
  initialCheck: CheckReport;
  /** True when at least one check failed before the solution (as it must). */
  initiallyFailing: boolean;
  solution: ActionOutcome[];
  finalCheck?: CheckReport;
  /** How many checks ran after the solution. */
  attempts: number;
  durationMs: number;
}

export async function runExerciseEndToEnd(id: string, opts: EndToEndOptions = {}): Promise<EndToEndResult> {
  const engine = opts.engine ?? (await import('./default-engine.js')).createDefaultEngine();
  const clock = opts.clock ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const pollMs = opts.pollMs ?? 2_000;
  const began = clock();

  await engine.reset(id).catch(() => undefined); // a fresh namespace; nothing to reset is fine
  try {
    return await solveAndCheck(engine, id, { clock, sleep, timeoutMs, pollMs, began });
  } finally {
    // Leave the cluster as we found it: the exercise's cleanup (taints, built-in controllers) and
    // its namespace, so the next exercise tested starts from the same cluster a learner would have.
    await engine.reset(id).catch(() => undefined);
  }
}

interface Timing {
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  timeoutMs: number;
  pollMs: number;
  began: number;
}

async function solveAndCheck(engine: ExerciseEngine, id: string, { clock, sleep, timeoutMs, pollMs, began }: Timing): Promise<EndToEndResult> {
  const { exercise } = await engine.start(id);
  const initialCheck = await engine.check(exercise.id);
  const initiallyFailing = !initialCheck.pass;
  const base = { id: exercise.id, initialCheck, initiallyFailing };
  if (!initiallyFailing) {
    return { ...base, ok: false, failure: 'every check passed before the solution ran', solution: [], attempts: 0, durationMs: clock() - began };
  }

  const { applied = [] } = await engine.solution(exercise.id, true);
  const failed = applied.find((a) => !a.ok);
  if (failed) {
    return { ...base, ok: false, failure: `solution action failed: ${failed.command}: ${failed.output}`, solution: applied, attempts: 0, durationMs: clock() - began };
  }

  let attempts = 0;
  let finalCheck: CheckReport;
  for (;;) {
    attempts++;
    finalCheck = await engine.check(exercise.id);
    if (finalCheck.pass || clock() - began >= timeoutMs) break;
    await sleep(pollMs);
  }
  const failing = finalCheck.results.filter((r) => !r.pass);
  return {
    ...base,
    ok: finalCheck.pass,
    ...(finalCheck.pass ? {} : { failure: `checks still failing after ${attempts} attempt(s): ${failing.map((r) => `#${r.number} ${r.title}: saw ${r.saw}`).join(' | ')}` }),
    solution: applied,
    finalCheck,
    attempts,
    durationMs: clock() - began,
  };
}
