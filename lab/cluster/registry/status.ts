import { listRepositories, type Repository } from './api.js';
import { nodeMirrorUrl } from './mirror-url.js';
import { readNodeMirrors } from './node-mirrors.js';
import { cleanStaleState, observeRegistry } from './observe.js';
import { registryPaths } from './paths.js';
import { runningNodesIfDocker } from './running-nodes.js';

export interface RegistryStatus {
  running: boolean;
  /** Why it is not running, when state.json names a registry that is not healthy. */
  problem?: string;
  cleaned?: string;
  pid?: number;
  url?: string;
  port?: number;
  listen?: string;
  version?: string;
  startedAt?: string;
  /** The URL the nodes use for it (through kind's gateway). */
  nodeMirrorUrl?: string;
  repositories: Repository[];
  /** Each running node: the mirrors the lab configured (host → URL), and whether they point at this registry. */
  nodes: { node: string; mirrors: Record<string, string>; usesThisRegistry: boolean }[];
  logFile: string;
  dataDir: string;
}

/** `lab registry status`: running (pid alive and /v2/ answering), what it serves, which nodes use it. */
export async function registryStatus(): Promise<RegistryStatus> {
  const found = await observeRegistry();
  const cleaned = cleanStaleState(found.verdict);
  const state = found.state;
  const repositories = found.running && state ? await listRepositories(state.url).catch(() => []) : [];
  const nodeNames = (await runningNodesIfDocker()) ?? [];
  const mirrorUrl = state && nodeNames.length ? await nodeMirrorUrl(state).catch(() => undefined) : undefined;
  const nodes = (await readNodeMirrors(nodeNames)).map(({ node, mirrors }) => ({
    node,
    mirrors,
    usesThisRegistry: !!mirrorUrl && Object.keys(mirrors).length > 0 && Object.values(mirrors).every((u) => u === mirrorUrl),
  }));
  return {
    running: found.running,
    ...(state && !found.running ? { problem: `pid ${state.pid} runs but ${state.url}/v2/ does not answer` } : {}),
    ...(cleaned ? { cleaned } : {}),
    ...(state ? { pid: state.pid, url: state.url, port: state.port, listen: state.listen, version: state.version, startedAt: state.startedAt } : {}),
    ...(mirrorUrl ? { nodeMirrorUrl: mirrorUrl } : {}),
    repositories,
    nodes,
    logFile: registryPaths().logPath,
    dataDir: registryPaths().dataDir,
  };
}
