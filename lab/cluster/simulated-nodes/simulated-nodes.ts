/**
 * `lab nodes add|remove|list`: simulated nodes run by kwok next to the kind cluster's real ones.
 * Input is checked (options, memory, the cluster being up) before anything in the cluster changes.
 */
import { freemem } from 'node:os';
import { apiReachable } from '../lifecycle.js';
import { kubectl, kubectlJson } from '../kubectl.js';
import { buildKwokBinary, KWOK_VERSION } from './binary.js';
import { BadInputError, LabError } from '../../base/errors.js';
import { pollUntil } from '../../base/poll.js';
import type { Progress } from '../../base/progress.js';
import { kwokConfigYaml } from './kwok-config.js';
import { ensureKwok, kwokStatus, removeKwok, type KwokStatus } from './kwok-process.js';
import { batches, nodeManifests, nodesToRemove } from './manifests.js';
import { checkMemory, requireMemory, type MemoryCheck } from './memory.js';
import type { SimulatedNodeSpec } from './options.js';
import { isSimulatedNode, nodeRows, zoneCounts, type NodeObject, type NodeRow, type PodObject } from './node-table.js';

/**
 * Objects are created and deleted this many per kubectl call (kubectl sends one request at a
 * time), with this many calls at once: on a busy 2-core machine each request waits ~200 ms on the
 * API server, so four at a time cut removing 50 nodes and their 100 DaemonSet pods from 30 s.
 */
const BATCH = 25;
const CONCURRENT = 4;

/** `work` on each batch of `items`, CONCURRENT batches at a time; `done(n)` after each wave. */
async function inBatches<T>(items: readonly T[], work: (batch: T[]) => Promise<unknown>, done: (count: number) => void = () => undefined): Promise<void> {
  const all = batches(items, BATCH);
  let count = 0;
  for (let i = 0; i < all.length; i += CONCURRENT) {
    const wave = all.slice(i, i + CONCURRENT);
    await Promise.all(wave.map(work));
    count += wave.reduce((sum, b) => sum + b.length, 0);
    done(count);
  }
}

export async function requireCluster(): Promise<void> {
  if (!(await apiReachable())) {
    throw new BadInputError('the lab cluster is not up (its API server does not answer)', 'bring it up: `npx lab up` (then `npx lab status`)');
  }
}

async function clusterNodes(): Promise<NodeObject[]> {
  return (await kubectlJson<{ items: NodeObject[] }>(['get', 'nodes'])).items;
}

async function clusterPods(): Promise<PodObject[]> {
  return (await kubectlJson<{ items: PodObject[] }>(['get', 'pods', '--all-namespaces'])).items;
}

const isReady = (n: NodeObject) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

function availableMiB(): number {
  return freemem() / 2 ** 20;
}

export interface AddResult {
  added: string[];
  zones: Record<string, number>;
  simulatedTotal: number;
  memory: MemoryCheck;
  kwok: KwokStatus & { version: string; changed: string[] };
  timings: { buildMs: number; kwokMs: number; createMs: number; readyMs: number; totalMs: number };
}

async function waitUntil(what: string, timeoutMs: number, update: (detail: string) => void, check: () => Promise<{ done: boolean; detail: string }>): Promise<void> {
  let detail = '';
  const probe = async () => {
    const result = await check();
    update((detail = result.detail));
    return result.done;
  };
  const timedOut = () => new LabError(`${what}: still not done after ${Math.round(timeoutMs / 1000)} s (${detail})`, 'see `npx lab nodes list` and `npx lab node exec lab-control-plane -- journalctl -u lab-kwok -n 50`');
  await pollUntil(probe, { timeoutMs, timedOut });
}

/**
 * Deletes nodes and waits until they are gone, then the pods still bound to them, which no kubelet
 * will ever stop (nodes first: a pod deleted first would be replaced and bound to them again).
 */
async function deleteNodes(names: readonly string[], update: (detail: string) => void): Promise<number> {
  if (names.length === 0) return 0;
  const doomed = new Set(names);
  await inBatches(names, (batch) => kubectl(['delete', 'nodes', '--wait=false', '--ignore-not-found', ...batch], { timeoutMs: 120_000 }), (n) => update(`deleted ${n}/${names.length} nodes`));
  await waitUntil('removing the nodes', 60_000 + names.length * 200, update, async () => {
    const left = (await clusterNodes()).filter((n) => doomed.has(n.metadata.name)).length;
    return { done: left === 0, detail: `${names.length - left}/${names.length} nodes gone` };
  });
  const pods = (await clusterPods()).filter((p) => p.spec?.nodeName && doomed.has(p.spec.nodeName));
  const byNamespace = new Map<string, string[]>();
  for (const p of pods) byNamespace.set(p.metadata.namespace ?? 'default', [...(byNamespace.get(p.metadata.namespace ?? 'default') ?? []), p.metadata.name]);
  for (const [namespace, podNames] of byNamespace) {
    update(`deleting ${podNames.length} pod(s) that were bound to them in ${namespace}`);
    await inBatches(podNames, (batch) => kubectl(['delete', 'pods', '-n', namespace, '--grace-period=0', '--force', '--wait=false', '--ignore-not-found', ...batch], { timeoutMs: 120_000 }));
  }
  return pods.length;
}

/**
 * Adds `spec.count` simulated nodes and waits until every one is Ready. If something fails after
 * the first node was created, the nodes of this call are removed again (and kwok, when it was not
 * there before), so a failed add leaves the cluster as it found it.
 */
export async function addSimulatedNodes(spec: SimulatedNodeSpec, progress: Progress): Promise<AddResult> {
  const started = Date.now();
  await requireCluster();
  const existing = await clusterNodes();
  const before = await kwokStatus();
  const memory = checkMemory(spec.count, availableMiB(), before.active);
  requireMemory(memory);

  const buildStart = Date.now();
  const binary = await buildKwokBinary(progress);
  const buildMs = Date.now() - buildStart;
  const kwokStart = Date.now();
  const noSimulatedBefore = existing.filter(isSimulatedNode).length === 0;
  const kwok = await progress
    .step(`kwok ${KWOK_VERSION} in the control-plane node (systemd unit lab-kwok)`, (update) => ensureKwok(binary.path, kwokConfigYaml(), update))
    .catch(async (error: unknown) => {
      if (!before.installed && noSimulatedBefore) await removeKwok().catch(() => undefined); // leave no crash-looping unit behind
      throw error;
    });
  const kwokMs = Date.now() - kwokStart;

  const manifests = nodeManifests(spec, existing.map((n) => n.metadata.name), KWOK_VERSION);
  const names = manifests.map((m) => m.metadata.name);
  const created: string[] = [];
  let createMs = 0;
  let readyMs = 0;
  try {
    const createStart = Date.now();
    await progress.step(`creating ${names.length} simulated node(s) ${names[0]}${names.length > 1 ? ` … ${names.at(-1)}` : ''}`, async (update) => {
      await inBatches(manifests, async (batch) => {
        await kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: batch }), timeoutMs: 300_000 });
        created.push(...batch.map((m) => m.metadata.name));
      }, (n) => update(`created ${n}/${names.length}`));
    });
    createMs = Date.now() - createStart;
    const readyStart = Date.now();
    const wanted = new Set(names);
    await progress.step('waiting until kwok reports them Ready', (update) =>
      waitUntil('simulated nodes becoming Ready', 60_000 + names.length * 300, update, async () => {
        const ready = (await clusterNodes()).filter((n) => wanted.has(n.metadata.name) && isReady(n)).length;
        return { done: ready === names.length, detail: `${ready}/${names.length} Ready` };
      }));
    readyMs = Date.now() - readyStart;
  } catch (error) {
    // Every name is new (numbers after the highest in use): deleting them all also catches a batch that failed half-way.
    progress.info(`adding failed; removing the node(s) this call created (${created.length} confirmed)`);
    await deleteNodes(names, () => undefined).catch(() => undefined);
    if (!before.installed && noSimulatedBefore) await removeKwok().catch(() => undefined);
    throw error;
  }
  const after = await clusterNodes();
  const rows = nodeRows(after.filter((n) => names.includes(n.metadata.name)), []);
  const status = await kwokStatus();
  return {
    added: names,
    zones: zoneCounts(rows),
    simulatedTotal: after.filter(isSimulatedNode).length,
    memory,
    kwok: { ...status, version: KWOK_VERSION, changed: kwok.changed },
    timings: { buildMs, kwokMs, createMs, readyMs, totalMs: Date.now() - started },
  };
}

export interface RemoveResult {
  removed: string[];
  podsDeleted: number;
  simulatedLeft: number;
  kwokRemoved: boolean;
  timings: { totalMs: number };
}

/**
 * Removes the `count` newest simulated nodes, or all of them ('all': also those a crashed add
 * left behind, found by label and name); with none left, kwok goes too.
 */
export async function removeSimulatedNodes(count: number | 'all', progress: Progress): Promise<RemoveResult> {
  const started = Date.now();
  await requireCluster();
  const simulated = (await clusterNodes()).filter(isSimulatedNode).map((n) => n.metadata.name);
  if (count !== 'all' && count > simulated.length) {
    throw new BadInputError(`there ${simulated.length === 1 ? 'is' : 'are'} only ${simulated.length} simulated node(s); cannot remove ${count}`, simulated.length ? `remove them all: npx lab nodes remove --simulated all` : 'nothing to remove');
  }
  const names = nodesToRemove(simulated, count);
  const podsDeleted = names.length
    ? await progress.step(`removing ${names.length} simulated node(s)`, (update) => deleteNodes(names, update))
    : 0;
  const simulatedLeft = simulated.length - names.length;
  let kwokRemoved = false;
  if (simulatedLeft === 0) {
    kwokRemoved = (await progress.step('removing kwok from the control-plane node', () => removeKwok())).removed;
  }
  return { removed: names, podsDeleted, simulatedLeft, kwokRemoved, timings: { totalMs: Date.now() - started } };
}

/** How many simulated nodes the cluster has (for the undo journal: how many a command added). */
export async function countSimulatedNodes(): Promise<number> {
  return (await clusterNodes()).filter(isSimulatedNode).length;
}

export interface ListResult {
  nodes: NodeRow[];
  real: number;
  simulated: number;
  zones: Record<string, number>;
  kwok: KwokStatus;
}

export async function listNodes(): Promise<ListResult> {
  await requireCluster();
  const [nodes, pods, kwok] = await Promise.all([clusterNodes(), clusterPods(), kwokStatus()]);
  const rows = nodeRows(nodes, pods);
  return {
    nodes: rows,
    real: rows.filter((r) => r.kind === 'real').length,
    simulated: rows.filter((r) => r.kind === 'simulated').length,
    zones: zoneCounts(rows.filter((r) => r.kind === 'simulated')),
    kwok,
  };
}
