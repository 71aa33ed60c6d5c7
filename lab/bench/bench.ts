/**
 * `lab bench`: the lab's components against Kubernetes' own, on the same cluster in the same run.
 * Reports values and lab / built-in ratios; it never asserts a time. The measurements are the
 * registry's (measurements/index.ts) and runner.ts orders them; this file gives them the cluster:
 * the admin clients, the namespaces (deleted at the end whatever happens), the built-in
 * controllers (put back as they were) and the lab the rollout and bind-rate share. Both are kept in
 * an undo journal too (lab/cluster/undo-journal.ts), so Ctrl-C puts them back and a kill leaves
 * them for the next start to put right.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Progress } from '../base/progress.js';
import { readBuiltinControllers, setBuiltinControllers } from '../cluster/builtin-controllers.js';
import { openUndoJournal, putBackOnInterrupt, putRightAfterCrashes, type UndoJournal } from '../cluster/undo-journal.js';
import { stateDir } from '../cluster/paths.js';
import { refuseIfAnotherLabRuns } from '../run/another-lab.js';
import { startLab } from '../run/lab-process.js';
import { deleteNamespace, recreateNamespace } from '../cluster/namespaces.js';
import type { Clients } from '../../controllers/shared/kube.js';
import { adminClients, waitForDefaultServiceAccount } from './cluster.js';
import { stopLabRunProcesses } from './lab-run-process.js';
import type { BenchContext } from './measurement.js';
import { LAB_SIDE_ORDER, MEASUREMENTS } from './measurements/index.js';
import type { BenchResults } from './results.js';
import { SCALE_NODES } from './scheduler-scale.js';
import { onceByKey, runMeasurements, selectMeasurements, type BenchPhases } from './runner.js';

export interface BenchOptions {
  runs: number;
  /** sched-scale's simulated node counts (default SCALE_NODES). */
  nodeCounts?: readonly number[];
  /** Only these measurements (default: all). */
  only?: ReadonlySet<string>;
  progress: Progress;
  timeoutSeconds?: number;
}

/** How long a new namespace may wait for its default ServiceAccount. */
const DEFAULT_SERVICE_ACCOUNT_TIMEOUT_MS = 120_000;

/** The context every measurement runs with; the journal holds the namespaces not yet deleted. */
function benchContext(opts: BenchOptions, admin: Clients, dir: string, journal: UndoJournal): BenchContext {
  return {
    admin,
    runs: opts.runs,
    nodeCounts: opts.nodeCounts ?? SCALE_NODES,
    timeoutMs: (opts.timeoutSeconds ?? 300) * 1000,
    progress: opts.progress,
    dir,
    async namespace(name) {
      await journal.namespace(name, () => recreateNamespace(name, { 'k8s-flow-lab/bench': 'true' }));
      await waitForDefaultServiceAccount(admin, name, Math.min((opts.timeoutSeconds ?? 300) * 1000, DEFAULT_SERVICE_ACCOUNT_TIMEOUT_MS));
      return name;
    },
    async dropNamespace(name) {
      // A failure leaves it in the journal: the final clean-up tries again.
      if ((await deleteNamespace(name, { bestEffort: true })) === undefined) journal.namespaceGone(name);
    },
    once: onceByKey(),
    addingSimulatedNodes: (add) => journal.addingSimulatedNodes(add),
    removingSimulatedNodes: (remove) => journal.removingSimulatedNodes(remove),
    clusterRoleBindings: (names, create) => journal.clusterRoleBindings(names, create),
    clusterRoleBindingsGone: (names) => journal.clusterRoleBindingsGone(names),
  };
}

export async function runBench(opts: BenchOptions): Promise<BenchResults & { file: string }> {
  const { progress, runs } = opts;
  const dir = join(stateDir(), 'bench');
  const admin = adminClients();
  await refuseIfAnotherLabRuns(admin.coordination);
  // Before reading `before`: a bench or compare killed mid-run may have left the built-ins switched.
  await putRightAfterCrashes(progress);
  const before = await readBuiltinControllers();
  const wasOn = before.deploymentController && before.replicasetController;
  const startedAt = new Date().toISOString();
  await mkdir(dir, { recursive: true });
  const journal = openUndoJournal('bench');
  journal.recordBuiltinControllers(wasOn);
  const interrupt = putBackOnInterrupt(journal, progress, stopLabRunProcesses);
  const ctx = benchContext(opts, admin, dir, journal);
  // Every switch and namespace goes through the journal: after Ctrl-C its put-back owns the cluster.
  const phases: BenchPhases = {
    async builtinControllersOn() {
      if (!wasOn) await progress.step('built-in controllers on (~30 s)', () => journal.change(() => setBuiltinControllers(true, progress)));
    },
    async builtinControllersOff() {
      await progress.step('built-in controllers off (~30 s)', () => journal.change(() => setBuiltinControllers(false, progress)));
    },
    async inSharedLab(work) {
      const lab = startLab({ command: 'lab bench', only: ['deployment', 'replicaset', 'scheduler'] });
      try {
        await progress.step("starting the lab's components", () => lab.ready);
        await work();
      } finally {
        await lab.stop();
      }
    },
  };
  let measurements: BenchResults['measurements'];
  try {
    measurements = await runMeasurements(selectMeasurements(MEASUREMENTS, opts.only), LAB_SIDE_ORDER, ctx, phases);
  } finally {
    try {
      // The namespaces, bindings and nodes still recorded, and the built-ins as they were: the
      // same undo as Ctrl-C's. If the built-ins cannot be switched back it throws and the record stays.
      await progress.step('putting the cluster back as it was', () => journal.finish(progress));
    } finally {
      interrupt.dispose();
    }
  }
  const results: BenchResults = { startedAt, runs, measurements };
  const file = join(dir, 'results.json');
  await writeFile(file, JSON.stringify(results, null, 2) + '\n', 'utf8');
  return { ...results, file };
}
