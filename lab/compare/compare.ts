/**
 * `lab compare SCENARIO`: the same scenario, once with Kubernetes' own controllers and
 * default-scheduler, once with the lab's (built-in controllers off), each traced; then the end
 * states, actions, latencies and API requests side by side, with the differences explained.
 *
 * The built-in side is traced by a session of ours on the cluster's taps; the lab side by runLab's
 * own session (runLab({ trace })), which adds the lab's informer, decision and write taps.
 *
 * The built-in controllers' state and the namespaces are kept in an undo journal
 * (lab/cluster/undo-journal.ts): Ctrl-C puts them back, and a kill leaves them for the next start.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Progress } from '../base/progress.js';
import { readBuiltinControllers, setBuiltinControllers } from '../cluster/builtin-controllers.js';
import { openUndoJournal, putBackOnInterrupt, putRightAfterCrashes } from '../cluster/undo-journal.js';
import { adminKubeconfigPath, stateDir } from '../cluster/paths.js';
import { clientsFor, loadKubeConfig } from '../../controllers/shared/kube.js';
import { refuseIfAnotherLabRuns } from '../run/another-lab.js';
import { correlate } from '../trace/correlate.js';
import { readJsonlFile } from '../trace/export/jsonl.js';
import { filterEntries } from '../trace/filter.js';
import type { TraceEntry } from '../trace/schema.js';
import { renderExport } from '../trace/session.js';
import { writeFile } from 'node:fs/promises';
import { actionSequence, alignSequences, formatAction, requestCounts, type Action, type RequestCounts } from './actions.js';
import { recreateNamespace } from '../cluster/namespaces.js';
import { performStep, settle, snapshot, type CordonJournal } from './cluster-io.js';
import { startClusterTrace } from '../trace/cluster-session.js';
import { diffEndStates, normaliseEndState, templateHashes, type EndState, type StateDifference } from './end-state.js';
import { explain } from './explain.js';
import { hopSamples, summariseHops, type HopSummary } from './latency.js';
import { startLab, type LabProcess } from '../run/lab-process.js';
import { diffStories, type StoryDiffChapter } from './story-diff.js';
import { buildStory } from '../trace/story.js';
import { namespaceFor, schedulerNameFor, type Scenario, type Side, type StepMemory } from './scenarios.js';

export interface SideResult {
  side: Side;
  namespace: string;
  schedulerName: string;
  /** From the first step to the last step's end. */
  durationMs: number;
  traceEntries: number;
  endState: EndState;
  templateHashes: string[];
  actions: Action[];
  requests: RequestCounts;
  hops: HopSummary[];
  files: { jsonl: string; mermaid: string; html: string };
}

export interface Comparison {
  scenario: string;
  description: string;
  endStateSame: boolean;
  endStateDiff: StateDifference[];
  sides: Record<Side, SideResult>;
  /** The two action sequences lined up ("-" where one side has no counterpart). */
  actionsSideBySide: Array<{ builtin?: string; lab?: string }>;
  /** Each request's numbered steps on both sides, lined up, with marks where they differ. */
  storiesSideBySide: StoryDiffChapter[];
  explanations: string[];
  builtinControllersRestoredTo: boolean;
}

export interface CompareOptions {
  progress: Progress;
  timeoutSeconds?: number;
}

function analyse(side: Side, namespace: string, entries: TraceEntry[], raw: Awaited<ReturnType<typeof snapshot>>, durationMs: number, files: SideResult['files']): SideResult {
  return {
    side,
    namespace,
    schedulerName: schedulerNameFor(side),
    durationMs,
    traceEntries: entries.length,
    endState: normaliseEndState(raw),
    templateHashes: templateHashes(raw),
    actions: actionSequence(entries, namespace),
    requests: requestCounts(entries, namespace),
    hops: summariseHops(hopSamples(entries, namespace)),
    files,
  };
}

/** A side's own entries (its namespace), linked as `lab trace export` links them: what its diagrams and story tell. */
function sideEntries(entries: readonly TraceEntry[], namespace: string): TraceEntry[] {
  return filterEntries(correlate(entries), { namespace });
}

async function writeDiagrams(selected: readonly TraceEntry[], dir: string, side: Side, title: string): Promise<{ mermaid: string; html: string }> {
  const mermaid = join(dir, `${side}.mmd`);
  const html = join(dir, `${side}.html`);
  await writeFile(mermaid, await renderExport('mermaid', selected, { title }), 'utf8');
  await writeFile(html, await renderExport('html', selected, { title }), 'utf8');
  return { mermaid, html };
}

async function runSteps(scenario: Scenario, namespace: string, schedulerName: string, timeoutSeconds: number, progress: Progress, memory: StepMemory, journal: CordonJournal): Promise<number> {
  const started = Date.now();
  for (const step of scenario.steps) {
    await progress.step(`${namespace}: ${step.do}`, () => performStep(step, namespace, schedulerName, memory, journal, timeoutSeconds));
  }
  return Date.now() - started;
}

export async function runComparison(scenario: Scenario, opts: CompareOptions): Promise<Comparison> {
  const { progress } = opts;
  const timeoutSeconds = opts.timeoutSeconds ?? 180;
  const dir = join(stateDir(), 'compare', scenario.name);
  await mkdir(dir, { recursive: true });
  // Trace files are appended to; a comparison reads only its own run.
  for (const side of ['builtin', 'lab']) await rm(join(dir, `${side}.jsonl`), { force: true });
  await refuseIfAnotherLabRuns(clientsFor(loadKubeConfig(adminKubeconfigPath()), 'k8s-flow-lab/compare').coordination);
  // Before reading `before`: a bench or compare killed mid-run may have left the built-ins switched.
  await putRightAfterCrashes(progress);
  const before = await readBuiltinControllers();
  const wasOn = before.deploymentController && before.replicasetController;
  const journal = openUndoJournal('compare');
  journal.recordBuiltinControllers(wasOn);
  // Every switch and namespace goes through the journal: after Ctrl-C its put-back owns the cluster.
  const interrupt = putBackOnInterrupt(journal, progress);
  const namespaces = { builtin: namespaceFor('builtin', scenario.name), lab: namespaceFor('lab', scenario.name) };
  let lab: LabProcess | undefined;
  const memories: Record<Side, StepMemory> = { builtin: {}, lab: {} };
  try {
    // Built-in side.
    if (!wasOn) await progress.step('turning the built-in controllers on (kube-controller-manager restarts)', () => journal.change(() => setBuiltinControllers(true, progress)));
    const nsB = namespaces.builtin;
    await progress.step(`fresh namespace ${nsB}`, () => journal.namespace(nsB, () => recreateNamespace(nsB)));
    const jsonlB = join(dir, 'builtin.jsonl');
    const session = await progress.step('starting the trace (audit, etcd, kubelet, containerd)', () => startClusterTrace({ jsonlPath: jsonlB }));
    let builtin: SideResult;
    let selectedB: TraceEntry[];
    try {
      const duration = await runSteps(scenario, nsB, schedulerNameFor('builtin'), timeoutSeconds, progress, memories.builtin, journal);
      await settle();
      const raw = await snapshot(nsB);
      await session.stop();
      const entries = session.entries();
      selectedB = sideEntries(entries, nsB);
      const diagrams = await writeDiagrams(selectedB, dir, 'builtin', `${scenario.name}: built-in controllers + default-scheduler`);
      builtin = analyse('builtin', nsB, entries, raw, duration, { jsonl: jsonlB, ...diagrams });
    } finally {
      await session.stop();
    }

    // Lab side.
    await progress.step('turning the built-in controllers off (kube-controller-manager restarts)', () => journal.change(() => setBuiltinControllers(false, progress)));
    const nsL = namespaces.lab;
    await progress.step(`fresh namespace ${nsL}`, () => journal.namespace(nsL, () => recreateNamespace(nsL)));
    const jsonlL = join(dir, 'lab.jsonl');
    lab = startLab({ only: ['deployment', 'replicaset', 'scheduler'], trace: jsonlL, command: 'lab compare' });
    const running = lab;
    await progress.step("starting the lab's controllers and lab-scheduler (traced)", () => running.ready);
    const durationL = await runSteps(scenario, nsL, schedulerNameFor('lab'), timeoutSeconds, progress, memories.lab, journal);
    await settle();
    const rawL = await snapshot(nsL);
    await progress.step("stopping the lab's components", () => running.stop());
    lab = undefined;
    const entriesL = await readJsonlFile(jsonlL);
    const selectedL = sideEntries(entriesL, nsL);
    const diagramsL = await writeDiagrams(selectedL, dir, 'lab', `${scenario.name}: the lab's controllers + lab-scheduler`);
    const labSide = analyse('lab', nsL, entriesL, rawL, durationL, { jsonl: jsonlL, ...diagramsL });

    const endStateDiff = diffEndStates(builtin.endState, labSide.endState);
    return {
      scenario: scenario.name,
      description: scenario.description,
      endStateSame: endStateDiff.length === 0,
      endStateDiff,
      sides: { builtin, lab: labSide },
      actionsSideBySide: alignSequences(builtin.actions, labSide.actions).map((row) => ({
        ...(row.builtin ? { builtin: formatAction(row.builtin) } : {}),
        ...(row.lab ? { lab: formatAction(row.lab) } : {}),
      })),
      storiesSideBySide: diffStories(buildStory(selectedB), buildStory(selectedL)),
      explanations: explain({
        endStateDiff,
        hashes: { builtin: builtin.templateHashes, lab: labSide.templateHashes },
        actions: { builtin: builtin.actions, lab: labSide.actions },
        requests: { builtin: builtin.requests, lab: labSide.requests },
        hops: { builtin: builtin.hops, lab: labSide.hops },
      }),
      builtinControllersRestoredTo: wasOn,
    };
  } finally {
    try {
      await lab?.stop();
      // Its namespaces, a node still cordoned, and the built-ins as they were: the same undo as
      // Ctrl-C's. If the built-ins cannot be switched back it throws and the record stays.
      await progress.step('putting the cluster back as it was', () => journal.finish(progress));
    } finally {
      interrupt.dispose();
    }
  }
}
