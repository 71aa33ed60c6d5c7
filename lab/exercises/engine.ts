/**
 * The exercise engine: list, start, check, hint, solution, reset. Pure bookkeeping around the
 * ports: it never runs kubectl itself, so the whole flow is tested with a fake cluster and trace.
 */
import { BadInputError, LabError } from '../base/errors.js';
import { describeAction, withPlaceholders, type Action } from './action-schema.js';
import { findExercise, type ExerciseCatalog } from './catalog.js';
import { checkTitle, evaluateCheck, TRACE_CHECK_KINDS } from './checks/index.js';
import type { ActionOutcome, ActionRunner, ClusterPort, TraceSource } from './ports.js';
import type { CheckRecord, ExerciseProgress, ProgressFile, ProgressStore } from './progress.js';
import { namespaceOf, type Exercise } from './schema.js';
import type { Snapshot } from './snapshot.js';

export interface EngineDeps {
  catalog: ExerciseCatalog;
  cluster: ClusterPort;
  trace: TraceSource;
  actions: ActionRunner;
  progress: ProgressStore;
  now?: () => Date;
}

export type ExerciseStatus = 'not started' | 'started' | 'completed';

export interface ExerciseListing {
  number: number;
  id: string;
  title: string;
  goal: string;
  status: ExerciseStatus;
  current: boolean;
}

export interface PrerequisiteStatus {
  name: 'builtinControllers' | 'labControllers' | 'scheduler';
  wanted: string;
  /** true/false when the lab could tell, undefined when only the learner can. */
  met: boolean | undefined;
  advice: string;
}

export interface StartResult {
  exercise: Exercise;
  namespace: string;
  prerequisites: PrerequisiteStatus[];
  /** The previous exercise's cleanup, run because another one started (its namespace is kept). */
  previousCleanup?: { id: string; cleanup: ActionOutcome[] };
}

export interface CheckResultRecord extends CheckRecord {
  number: number;
  /** True for checks that read the trace (how it happened, not only the end state). */
  usesTrace: boolean;
}

export interface CheckReport {
  id: string;
  namespace: string;
  pass: boolean;
  traceAvailable: boolean;
  results: CheckResultRecord[];
  /** Set the first time every check passed. */
  completedAt?: string;
}

export interface HintResult {
  id: string;
  /** Every hint shown so far, the newest last. */
  hints: string[];
  total: number;
}

export interface SolutionResult {
  id: string;
  namespace: string;
  actions: string[];
  applied?: ActionOutcome[];
}

export interface StepResult {
  id: string;
  step: number;
  outcome: ActionOutcome;
}

export interface ResetResult {
  id: string;
  namespace: string;
  cleanup: ActionOutcome[];
}

export class ExerciseEngine {
  private readonly now: () => Date;

  constructor(private readonly deps: EngineDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async list(): Promise<ExerciseListing[]> {
    const [exercises, progress] = await Promise.all([this.deps.catalog.all(), this.deps.progress.load()]);
    return exercises.map((e, i) => ({
      number: i + 1,
      id: e.id,
      title: e.title,
      goal: e.goal,
      status: statusOf(progress.exercises[e.id]),
      current: progress.current === e.id,
    }));
  }

  async get(id: string): Promise<Exercise> {
    return findExercise(this.deps.catalog, id);
  }

  /**
   * Creates the exercise namespace and (re)starts its progress from scratch. If another exercise
   * was current, its cleanup runs first: its cluster-wide changes (a taint on both workers, the
   * built-in controllers switched) would otherwise break the next exercise. Its namespace stays,
   * to look at; `reset` deletes it.
   */
  async start(id: string): Promise<StartResult> {
    const exercise = await this.get(id);
    const namespace = namespaceOf(exercise.id);
    const previousCleanup = await this.cleanUpPrevious(exercise.id);
    await this.deps.cluster.ensureNamespace(namespace, exercise.id);
    await this.update((p) => {
      p.current = exercise.id;
      p.exercises[exercise.id] = { startedAt: this.now().toISOString(), hintsShown: 0, solutionViewed: false };
    });
    return { exercise, namespace, prerequisites: await this.prerequisites(exercise), ...(previousCleanup ? { previousCleanup } : {}) };
  }

  /** The current exercise's cleanup actions when another one starts; undefined when there is none to run. */
  private async cleanUpPrevious(next: string): Promise<StartResult['previousCleanup']> {
    const { current } = await this.deps.progress.load();
    if (!current || current === next) return undefined;
    const previous = await this.get(current).catch(() => undefined); // its file may be gone
    if (!previous || previous.cleanup.length === 0) return undefined;
    return { id: previous.id, cleanup: await this.runCleanup(previous) };
  }

  /** Best effort: a taint that is already gone must not stop a reset or a start. */
  private async runCleanup(exercise: Exercise): Promise<ActionOutcome[]> {
    const namespace = namespaceOf(exercise.id);
    const outcomes: ActionOutcome[] = [];
    for (const action of exercise.cleanup) outcomes.push(await this.deps.actions.run(withPlaceholders(action, namespace), namespace));
    return outcomes;
  }

  async check(id?: string): Promise<CheckReport> {
    const { exercise, state } = await this.started(id);
    const snapshot = await this.snapshot(exercise, new Date(state.startedAt));
    const results: CheckResultRecord[] = exercise.checks.map((check, i) => {
      const result = evaluateCheck(check, snapshot);
      return { number: i + 1, title: checkTitle(check, result), kind: check.kind, usesTrace: TRACE_CHECK_KINDS.has(check.kind), ...result };
    });
    const pass = results.every((r) => r.pass);
    const at = this.now().toISOString();
    let completedAt: string | undefined;
    await this.update((p) => {
      const entry = p.exercises[exercise.id]!;
      entry.lastCheck = { at, pass, results: results.map(({ title, kind, pass: ok, saw, expected }) => ({ title, kind, pass: ok, saw, expected })) };
      if (pass && !entry.completedAt) entry.completedAt = at;
      completedAt = entry.completedAt;
    });
    return { id: exercise.id, namespace: snapshot.namespace, pass, traceAvailable: snapshot.traceAvailable, results, ...(completedAt ? { completedAt } : {}) };
  }

  /** Shows the next hint (hints come in order; after the last, all of them again). */
  async hint(id?: string): Promise<HintResult> {
    const { exercise } = await this.started(id);
    let shown = 0;
    await this.update((p) => {
      const entry = p.exercises[exercise.id]!;
      entry.hintsShown = Math.min(entry.hintsShown + 1, exercise.hints.length);
      shown = entry.hintsShown;
    });
    return { id: exercise.id, hints: exercise.hints.slice(0, shown), total: exercise.hints.length };
  }

  /** The worked solution as commands; with `apply`, the lab performs them in order, stopping at the first failure. */
  async solution(id: string | undefined, apply: boolean): Promise<SolutionResult> {
    const { exercise } = await this.started(id);
    const namespace = namespaceOf(exercise.id);
    const actions = exercise.solution.map((a) => withPlaceholders(a, namespace));
    await this.update((p) => {
      p.exercises[exercise.id]!.solutionViewed = true;
    });
    const result: SolutionResult = { id: exercise.id, namespace, actions: actions.map((a) => describeAction(a, namespace)) };
    if (apply) result.applied = await this.runAll(actions, namespace);
    return result;
  }

  /** Performs step N's action for the learner. */
  async runStep(id: string | undefined, stepNumber: number): Promise<StepResult> {
    const { exercise } = await this.started(id);
    const step = exercise.steps[stepNumber - 1];
    if (!step) throw new BadInputError(`exercise ${exercise.id} has steps 1 to ${exercise.steps.length}, not ${stepNumber}`);
    if (!step.action) {
      throw new BadInputError(`step ${stepNumber} of ${exercise.id} has nothing for the lab to do`, step.run ? `type it yourself: ${step.run}` : 'read it and carry on');
    }
    const namespace = namespaceOf(exercise.id);
    const outcome = await this.deps.actions.run(withPlaceholders(step.action, namespace), namespace);
    return { id: exercise.id, step: stepNumber, outcome };
  }

  /** Undoes the exercise: cleanup actions, the namespace, its progress. */
  async reset(id?: string): Promise<ResetResult> {
    const progress = await this.deps.progress.load();
    const exerciseId = id ?? progress.current;
    if (!exerciseId) throw new BadInputError('no exercise to reset', 'name one: npx lab exercise reset ID');
    const exercise = await this.get(exerciseId);
    const namespace = namespaceOf(exercise.id);
    const cleanup = await this.runCleanup(exercise);
    await this.deps.cluster.deleteNamespace(namespace);
    await this.update((p) => {
      delete p.exercises[exercise.id];
      if (p.current === exercise.id) delete p.current;
    });
    return { id: exercise.id, namespace, cleanup };
  }

  /** The Snapshot a check sees (exposed for `runExerciseEndToEnd` and debugging). */
  async snapshot(exercise: Exercise, since: Date): Promise<Snapshot> {
    const namespace = namespaceOf(exercise.id);
    const [objects, trace] = await Promise.all([this.deps.cluster.objects(namespace), this.deps.trace.entriesSince(since)]);
    return { namespace, takenAt: this.now(), objects, trace: trace ?? [], traceAvailable: trace !== undefined };
  }

  private async runAll(actions: Action[], namespace: string): Promise<ActionOutcome[]> {
    const outcomes: ActionOutcome[] = [];
    for (const action of actions) {
      const outcome = await this.deps.actions.run(action, namespace);
      outcomes.push(outcome);
      if (!outcome.ok) break;
    }
    return outcomes;
  }

  private async prerequisites(exercise: Exercise): Promise<PrerequisiteStatus[]> {
    const wanted = exercise.prerequisites;
    const builtin = await this.deps.cluster.builtinControllersEnabled();
    const wantBuiltin = wanted.builtinControllers === 'on';
    return [
      {
        name: 'builtinControllers',
        wanted: wanted.builtinControllers,
        met: builtin === undefined ? undefined : builtin === wantBuiltin,
        advice: wantBuiltin
          ? "kube-controller-manager's deployment and replicaset controllers must run: npx lab controllers builtin on"
          : "kube-controller-manager's deployment and replicaset controllers must be off, so only the lab's act: npx lab controllers builtin off",
      },
      {
        name: 'labControllers',
        wanted: String(wanted.labControllers),
        met: undefined,
        advice: wanted.labControllers
          ? "keep the lab's controllers running in another terminal: npx lab run --trace <the trace path below>"
          : "the lab's Deployment and ReplicaSet controllers must not run (stop `npx lab run`)",
      },
      {
        name: 'scheduler',
        wanted: wanted.scheduler,
        met: undefined,
        advice:
          wanted.scheduler === 'lab-scheduler'
            ? 'the pods ask for schedulerName: lab-scheduler, so `npx lab run` must be running the lab scheduler'
            : 'the pods use the default scheduler (kube-scheduler)',
      },
    ];
  }

  private async started(id: string | undefined): Promise<{ exercise: Exercise; state: ExerciseProgress }> {
    const progress = await this.deps.progress.load();
    const exerciseId = id ?? progress.current;
    if (!exerciseId) throw new BadInputError('no exercise started', 'start one: npx lab exercise start ID (see npx lab exercise list)');
    const exercise = await this.get(exerciseId);
    const state = progress.exercises[exercise.id];
    if (!state) throw new LabError(`exercise ${exercise.id} is not started`, `npx lab exercise start ${exercise.id}`);
    return { exercise, state };
  }

  private async update(change: (progress: ProgressFile) => void): Promise<void> {
    const progress = await this.deps.progress.load();
    change(progress);
    await this.deps.progress.save(progress);
  }
}

function statusOf(entry: ExerciseProgress | undefined): ExerciseStatus {
  if (!entry) return 'not started';
  return entry.completedAt ? 'completed' : 'started';
}
