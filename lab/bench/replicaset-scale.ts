/**
 * The controllers at scale (issue 15, item 2): one ReplicaSet of RS_SCALE_PODS pods on simulated
 * nodes, kube-controller-manager's ReplicaSet controller against the lab's, each a fresh process
 * of its own, at kube-controller-manager's client limits (20 QPS, burst 30) and unthrottled:
 *   built-in: a kube-controller-manager pod of the bench's, --controllers=replicaset
 *             (bench-kube-controller-manager.ts); the control plane's own one is off (lab phase);
 *   lab: `lab run --only replicaset` (lab-run-process.ts).
 * The pods select the simulated nodes and tolerate their taint; the control plane's kube-scheduler
 * binds them for both sides, and kwok makes them Running and Ready. Per side: ms from the
 * ReplicaSet's create to its last pod created and to status.readyReplicas = replicas, and the
 * process's CPU seconds over that window and its peak RSS. A one-pod ReplicaSet first proves the
 * controller runs (its start-up is not measured).
 */
import { join } from 'node:path';
import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { Progress } from '../base/progress.js';
import { KCM_DEFAULT_LIMITS, type ClientLimits } from '../base/token-bucket.js';
import { LIMIT_MODES, limitModeLabel, limitsIn, type LimitMode } from './limit-modes.js';
import { addSimulatedNodes, removeSimulatedNodes } from '../cluster/simulated-nodes/simulated-nodes.js';
import { DEFAULTS } from '../cluster/simulated-nodes/options.js';
import { benchWorker, componentLifetimeSeconds, createBenchComponent, deleteBenchBindings, withComponentState } from './bench-component-pod.js';
import { BENCH_KCM, BENCH_KCM_MARKER, benchKubeControllerManager } from './bench-kube-controller-manager.js';
import { inWatchedNamespace, type PodWatch } from './cluster.js';
import { limitArgs, startLabRunProcess, unlessExited } from './lab-run-process.js';
import { recordFailure, type BenchContext } from './measurement.js';
import { localProcessStats, nodeProcessStats, type ProcessStats } from './process-stats.js';
import type { Measurement } from './results.js';
import { simulatedNodePod, TAINT } from './simulated-scheduling.js';
import { benchReplicaSet } from './workloads.js';

export const RS_SCALE_PODS = 2000;
/** 110 pods a node less the two DaemonSet pods: 25 nodes hold 2,700. */
export const RS_SCALE_NODES = 25;
const limits = (mode: LimitMode): ClientLimits | undefined => limitsIn(mode, KCM_DEFAULT_LIMITS);
const START_TIMEOUT_MS = 180_000;

export function rsModeLabel(mode: LimitMode): string {
  return limitModeLabel(mode, KCM_DEFAULT_LIMITS, 'kube-controller-manager');
}

export interface RsScaleRows {
  created: Measurement;
  ready: Measurement;
  cpu: Measurement;
  rss: Measurement;
}

/** Pure: the four rows of one mode, ids rs-scale-2000-<mode>[-ready|-cpu|-rss]. */
export function rsScaleRows(mode: LimitMode): RsScaleRows {
  const id = `rs-scale-${RS_SCALE_PODS}-${mode}`;
  const base = `one ReplicaSet of ${RS_SCALE_PODS} pods on ${RS_SCALE_NODES} simulated nodes, ${rsModeLabel(mode)}`;
  const limit = limits(mode);
  const note = `built-in: a fresh kube-controller-manager (the control plane's image) as a pod on a worker, --controllers=replicaset --kube-api-qps=${limit ? limit.qps : -1} --kube-api-burst=${limit ? limit.burst : 100}; ` +
    `lab: a fresh \`lab run --only replicaset\`${limit ? ` --kube-api-qps ${limit.qps} --kube-api-burst ${limit.burst}` : ''}; the control plane's kube-scheduler binds the pods for both, kwok runs them`;
  return {
    created: { id, title: `${base}: create → last pod created`, unit: 'ms', higherIsBetter: false, note },
    ready: { id: `${id}-ready`, title: `${base}: create → status.readyReplicas ${RS_SCALE_PODS}`, unit: 'ms', higherIsBetter: false },
    cpu: { id: `${id}-cpu`, title: `${base}: controller CPU seconds over that`, unit: 'CPU s', higherIsBetter: false },
    rss: { id: `${id}-rss`, title: `${base}: controller peak RSS (VmHWM)`, unit: 'MiB', higherIsBetter: false },
  };
}

export function allRsScaleRows(): Measurement[] {
  return LIMIT_MODES.flatMap((mode) => Object.values(rsScaleRows(mode)));
}

/** A ReplicaSet whose pods only the simulated nodes take, bound by default-scheduler. */
export function simulatedReplicaSet(namespace: string, name: string, replicas: number): V1ReplicaSet {
  const rs = benchReplicaSet(namespace, name, replicas);
  const { nodeSelector, tolerations } = simulatedNodePod(namespace, 'template', 'default-scheduler').spec!;
  const template = rs.spec!.template;
  return { ...rs, spec: { ...rs.spec!, template: { ...template, spec: { ...template!.spec!, schedulerName: 'default-scheduler', nodeSelector, tolerations } } } };
}

export interface RsSideResult {
  createdMs: number;
  readyMs?: number;
  before?: ProcessStats;
  after?: ProcessStats;
}

/** Pure: a side's numbers onto its rows. */
export function recordRsSide(rows: RsScaleRows, side: 'lab' | 'builtin', r: RsSideResult): void {
  rows.created[side] = r.createdMs;
  if (r.readyMs !== undefined) rows.ready[side] = r.readyMs;
  if (r.before && r.after) rows.cpu[side] = r.after.cpuSeconds - r.before.cpuSeconds;
  if (r.after) rows.rss[side] = r.after.peakRssMiB;
}

async function readyReplicas(ctx: BenchContext, ns: string, name: string): Promise<number> {
  return (await ctx.admin.apps.readNamespacedReplicaSetStatus({ namespace: ns, name })).status?.readyReplicas ?? 0;
}

/**
 * Pure: where the ReplicaSet `name`'s pods stood when readyReplicas stopped short, from the bench's
 * watch: which part of the chain (controller, scheduler, kwok, status) did not keep up.
 */
export function stuckAt(ready: number, watch: Pick<PodWatch, 'created' | 'bound' | 'running'>, name: string): string {
  const of = (seen: ReadonlyMap<string, number>) => [...seen.keys()].filter((pod) => pod.startsWith(`${name}-`)).length;
  return `${ready} ready; of its pods the bench saw ${of(watch.created)} created, ${of(watch.bound)} bound, ${of(watch.running)} Running`;
}

/** Warm-up, then the measured ReplicaSet; stats before and after its window. */
async function measureReplicaSet(ctx: BenchContext, ns: string, watch: PodWatch, stats: () => Promise<ProcessStats | undefined>, failed?: Promise<string>): Promise<RsSideResult> {
  await ctx.admin.apps.createNamespacedReplicaSet({ namespace: ns, body: simulatedReplicaSet(ns, 'warm-up', 1) });
  const warm = watch.until((w) => w.created.size >= 1, START_TIMEOUT_MS, 'the controller to create a first pod (its start-up)');
  await unlessExited(warm, failed, 'the controller created a first pod');
  const warmPods = watch.created.size;

  const before = await stats();
  const t0 = performance.now();
  await ctx.admin.apps.createNamespacedReplicaSet({ namespace: ns, body: simulatedReplicaSet(ns, 'scale', RS_SCALE_PODS) });
  await watch.until((w) => w.created.size >= warmPods + RS_SCALE_PODS, ctx.timeoutMs, `${RS_SCALE_PODS} pods created in ${ns}`);
  const createdMs = Math.max(...watch.created.values()) - t0;
  const deadline = performance.now() + ctx.timeoutMs;
  for (let ready = 0; (ready = await readyReplicas(ctx, ns, 'scale')) < RS_SCALE_PODS; ) {
    if (performance.now() > deadline) throw new Error(`status.readyReplicas of ${ns}/scale did not reach ${RS_SCALE_PODS} within ${Math.round(ctx.timeoutMs / 1000)} s: ${stuckAt(ready, watch, 'scale')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const readyMs = performance.now() - t0;
  const after = await stats();
  return { createdMs, readyMs, before, after };
}

export async function measureRsBuiltin(ctx: BenchContext, mode: LimitMode): Promise<RsSideResult> {
  const componentNs = await ctx.namespace(BENCH_KCM);
  const worker = await benchWorker();
  const component = benchKubeControllerManager(componentNs, limits(mode));
  try {
    await createBenchComponent(ctx, component, worker, componentLifetimeSeconds(ctx.timeoutMs, START_TIMEOUT_MS));
    const ns = `bench-rs-scale-${mode}-builtin`;
    return await inWatchedNamespace(ctx, ns, (watch) => measureReplicaSet(ctx, ns, watch, () => nodeProcessStats(worker, BENCH_KCM_MARKER))).catch(async (error: unknown) => {
      throw await withComponentState(ctx.admin, component, error);
    });
  } finally {
    // The controller goes first, so nothing recreates the pods the namespace's deletion removes.
    await ctx.dropNamespace(componentNs);
    await deleteBenchBindings(ctx, component);
  }
}

export async function measureRsLab(ctx: BenchContext, mode: LimitMode): Promise<RsSideResult> {
  const args = ['run', '--only', 'replicaset', ...limitArgs(limits(mode))];
  const lab = startLabRunProcess(args, { logDir: join(ctx.dir, 'rs-scale'), tag: `lab-replicaset-${mode}` });
  const ns = `bench-rs-scale-${mode}-lab`;
  try {
    await ctx.namespace(ns);
    return await inWatchedNamespace(ctx, ns, (watch) => measureReplicaSet(ctx, ns, watch, () => localProcessStats(lab.pid), lab.exited.then((how) => `${how}; its output: ${lab.logPath}`)), { keepNamespace: true });
  } finally {
    await lab.stop();
    await ctx.dropNamespace(ns);
  }
}

/** Adds the nodes, measures both sides in both modes, removes the nodes whatever happened. */
export async function measureRsAtScale(ctx: BenchContext, rows: Measurement[], progress: Progress): Promise<void> {
  await addSimulatedNodes({ count: RS_SCALE_NODES, cpu: DEFAULTS.cpu, memory: DEFAULTS.memory, pods: DEFAULTS.pods, zones: ['zone-a', 'zone-b', 'zone-c'], labels: {}, taints: [TAINT] }, progress);
  try {
    for (const [k, mode] of LIMIT_MODES.entries()) {
      const slice = rows.slice(4 * k, 4 * k + 4);
      const modeRows: RsScaleRows = { created: slice[0]!, ready: slice[1]!, cpu: slice[2]!, rss: slice[3]! };
      for (const side of ['builtin', 'lab'] as const) {
        const who = side === 'builtin' ? 'kube-controller-manager' : "the lab's ReplicaSet controller";
        await recordFailure(modeRows.created, async () => {
          const result = await progress.step(`${who}, ${rsModeLabel(mode)}: ${RS_SCALE_PODS} pods`, () => (side === 'builtin' ? measureRsBuiltin(ctx, mode) : measureRsLab(ctx, mode)));
          recordRsSide(modeRows, side, result);
        }, who);
      }
    }
  } finally {
    await removeSimulatedNodes(RS_SCALE_NODES, progress);
  }
}
