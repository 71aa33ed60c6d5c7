/** The engine wired to the real cluster, the session trace files and progress in the state directory. */
import { join } from 'node:path';
import { REPO_ROOT, stateDir } from '../cluster/paths.js';
import { KubectlActionRunner } from './actions.js';
import { DirectoryCatalog } from './catalog.js';
import { ExerciseEngine } from './engine.js';
import { KubectlCluster } from './kube-cluster.js';
import { FileProgressStore, progressPath } from './progress.js';
import { currentTracePath, standbyTracePath, traceDir } from '../trace/files.js';
import { JsonlTraceSource, schedulerTracesIn } from './trace-source.js';

export function exercisesDirectory(): string {
  return join(REPO_ROOT, 'exercises');
}

export function createDefaultEngine(): ExerciseEngine {
  const state = stateDir();
  return new ExerciseEngine({
    catalog: new DirectoryCatalog(exercisesDirectory(), REPO_ROOT),
    cluster: new KubectlCluster(),
    trace: new JsonlTraceSource(currentTracePath(state), standbyTracePath(state)).alsoReading(() => schedulerTracesIn(traceDir(state))),
    actions: new KubectlActionRunner(),
    progress: new FileProgressStore(progressPath(state)),
  });
}
