import { BadInputError, LabError } from '../../base/errors.js';
import type { Progress } from '../../base/progress.js';
import { requireDocker } from '../image/docker-images.js';
import { listNodeContainers } from '../nodes.js';
import { buildRegistryBinary } from './binary.js';
import { nodeMirrorUrl, pushAddress } from './mirror-url.js';
import { configureNodeMirrors, nodeReaches, type NodeMirrorResult } from './node-mirrors.js';
import { cleanStaleState, observeRegistry } from './observe.js';
import { DEFAULT_REGISTRY_PORT, registryPaths } from './paths.js';
import { portHolder, portIsFree } from './port.js';
import { stopProcess } from './process.js';
import { pushLocalImages, REGISTRY_IMAGES, type PushedImage } from './push.js';
import { startRegistry } from './start.js';
import { removeState } from './state.js';

export interface RegistryUpOptions {
  port?: number;
  listen?: string;
  startTimeoutMs?: number;
}

export interface RegistryUpResult {
  url: string;
  port: number;
  listen: string;
  pid: number;
  /** It was already up and healthy; nothing was started. */
  alreadyRunning: boolean;
  /** What a stale state.json said, when one was cleaned first. */
  cleaned?: string;
  binary: { path: string; cached: boolean };
  images: PushedImage[];
  /** Workload images this machine's Docker does not have (not pushed). */
  missingImages: string[];
  /** The URL the nodes pull through, when they were configured. */
  nodeMirrorUrl?: string;
  nodes: NodeMirrorResult[];
  notes: string[];
  timings: { buildMs: number; startMs: number; pushMs: number; nodesMs: number; totalMs: number };
  logFile: string;
  dataDir: string;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;

/** The first of the next ports that is free, to suggest instead of a taken one. */
async function nextFreePort(listen: string, port: number): Promise<number | undefined> {
  for (let p = port + 1; p <= Math.min(port + 20, 65535); p++) if (await portIsFree(listen, p).catch(() => false)) return p;
  return undefined;
}

async function requirePortFree(listen: string, port: number): Promise<void> {
  if (await portIsFree(listen, port)) return;
  const holder = await portHolder(port);
  const free = await nextFreePort(listen, port);
  throw new BadInputError(
    `port ${port} is already in use${holder ? ` by ${holder}` : ' by another process'}; the registry cannot listen on ${listen}:${port}`,
    `pick another port: \`npx lab registry up --port ${free ?? port + 1}\`${holder ? '' : ' (`ss -ltnp` as root names the process)'}`,
  );
}

/**
 * `lab registry up`: starts the registry (or finds it up), pushes the workload images Docker has,
 * and points the kind nodes' containerd at it. Safe to repeat.
 */
export async function registryUp(progress: Progress, opts: RegistryUpOptions = {}): Promise<RegistryUpResult> {
  const began = Date.now();
  await requireDocker();
  const found = await observeRegistry();
  const cleaned = cleanStaleState(found.verdict);
  if (cleaned) progress.info(cleaned);
  let state = found.state;
  if (state && !found.running) {
    progress.info(`the registry (pid ${state.pid}) runs but does not answer ${state.url}/v2/; restarting it`);
    await stopProcess(state.pid, state.binary, 5000);
    removeState();
    state = undefined;
  }
  const listen = opts.listen ?? state?.listen ?? '0.0.0.0';
  const port = opts.port ?? state?.port ?? DEFAULT_REGISTRY_PORT;
  if (state && port !== state.port) {
    await requirePortFree(listen, port);
    throw new BadInputError(`the lab registry already runs on port ${state.port} (pid ${state.pid})`, `use it as it is (\`npx lab registry up\`), or move it: \`npx lab registry down && npx lab registry up --port ${port}\``);
  }
  if (state && opts.listen && opts.listen !== state.listen) {
    throw new BadInputError(`the lab registry already listens on ${state.listen}`, `move it: \`npx lab registry down && npx lab registry up --listen ${opts.listen}\``);
  }
  let timings = { buildMs: 0, startMs: 0 };
  let cached = true;
  const alreadyRunning = !!state;
  if (state) progress.info(`the registry is already up: ${state.url} (pid ${state.pid}, distribution ${state.version})`);
  else {
    await requirePortFree(listen, port);
    const binary = await buildRegistryBinary(progress);
    const startedAt = Date.now();
    state = await progress.step(`starting the registry on ${listen}:${port}`, (update) =>
      startRegistry(binary.path, { listen, port, timeoutMs: opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS }, update));
    cached = binary.cached;
    timings = { buildMs: binary.durationMs, startMs: Date.now() - startedAt };
  }

  const pushStarted = Date.now();
  const address = pushAddress(state.listen, state.port);
  const { pushed, missing } = await progress.step(`pushing the workload images to ${address}`, (update) => pushLocalImages(REGISTRY_IMAGES, address, update));
  const pushMs = Date.now() - pushStarted;
  const notes: string[] = [];
  if (missing.length) notes.push(`not in Docker here, so not pushed: ${missing.join(', ')}`);

  const nodesStarted = Date.now();
  const nodes = (await listNodeContainers()).filter((n) => n.running).map((n) => n.name);
  const mirrorUrl = nodes.length ? await nodeMirrorUrl(state) : undefined;
  let configured: NodeMirrorResult[] = [];
  if (!nodes.length) notes.push('no running kind cluster: no nodes to configure (`npx lab up` configures new nodes while the registry runs)');
  else if (!mirrorUrl) notes.push(`the registry listens on ${state.listen} only, which the kind nodes cannot reach: nodes not configured (use --listen 0.0.0.0)`);
  else {
    configured = await progress.step(`pointing ${nodes.length} node(s) at ${mirrorUrl} (registry.k8s.io, docker.io, lab.local)`, (update) => configureNodeMirrors(nodes, mirrorUrl, update));
    if (!(await nodeReaches(nodes[0]!, mirrorUrl))) notes.push(`node ${nodes[0]} cannot open ${mirrorUrl}/v2/ (a firewall on this host?): its pulls will go to the upstream registries`);
  }
  return {
    url: state.url, port: state.port, listen: state.listen, pid: state.pid, alreadyRunning, ...(cleaned ? { cleaned } : {}),
    binary: { path: state.binary, cached }, images: pushed, missingImages: missing,
    ...(mirrorUrl && configured.length ? { nodeMirrorUrl: mirrorUrl } : {}), nodes: configured, notes,
    timings: { ...timings, pushMs, nodesMs: Date.now() - nodesStarted, totalMs: Date.now() - began },
    logFile: registryPaths().logPath, dataDir: registryPaths().dataDir,
  };
}
