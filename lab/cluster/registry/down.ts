import type { Progress } from '../../base/progress.js';
import { removeNodeMirrors } from './node-mirrors.js';
import { cleanStaleState, observeRegistry } from './observe.js';
import { registryPaths } from './paths.js';
import { stopProcess } from './process.js';
import { runningNodesIfDocker } from './running-nodes.js';
import { removeState } from './state.js';

export interface RegistryDownResult {
  /** How the process ended, or that none was running. */
  stopped: 'SIGTERM' | 'SIGKILL' | 'not running';
  pid?: number;
  cleaned?: string;
  /** The hosts files removed from each node. */
  nodes: { node: string; removed: string[] }[];
  notes: string[];
  /** The images stay here for the next `up`. */
  dataDir: string;
}

/**
 * `lab registry down`: the nodes stop using the mirror (the hosts files the lab wrote are removed;
 * config_path stays, harmless without them), then the registry stops (SIGTERM, SIGKILL after a
 * grace). The stored images stay.
 */
export async function registryDown(progress: Progress, graceMs = 10_000): Promise<RegistryDownResult> {
  const notes: string[] = [];
  let nodes: RegistryDownResult['nodes'] = [];
  const running = await runningNodesIfDocker();
  if (running) {
    if (running.length) {
      const found = await progress.step(`removing the lab's hosts.toml files from ${running.length} node(s)`, () => removeNodeMirrors(running));
      nodes = found.map(({ node, mirrors }) => ({ node, removed: Object.keys(mirrors) }));
    }
  } else notes.push('Docker does not answer: the nodes were not looked at');

  const found = await observeRegistry();
  const cleaned = cleanStaleState(found.verdict);
  if (cleaned) progress.info(cleaned);
  const state = found.verdict.kind === 'alive' ? found.verdict.state : undefined;
  let stopped: RegistryDownResult['stopped'] = 'not running';
  if (state) {
    stopped = await progress.step(`stopping the registry (pid ${state.pid})`, () => stopProcess(state.pid, state.binary, graceMs));
    removeState();
  }
  return { stopped, ...(state ? { pid: state.pid } : {}), ...(cleaned ? { cleaned } : {}), nodes, notes, dataDir: registryPaths().dataDir };
}
