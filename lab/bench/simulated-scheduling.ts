/**
 * Scheduling at scale (issue 15, item 2, the scheduler part, first cut): SIM_PODS pending pods
 * onto N simulated nodes (kwok's, `lab nodes add --simulated N`), default-scheduler and then
 * lab-scheduler on the same nodes in the same run. Per side: pods bound per second (as bind-rate:
 * bound pods over first create → last binding) and the create → bound latency p50 and p99.
 *
 * The nodes are added with the taint kwok users put on them and the pods tolerate it and select
 * type=kwok, so nothing else that runs on the cluster lands there meanwhile; the nodes this
 * measurement added are removed afterwards, whatever happens. Not yet measured here: the
 * schedulers at kube-scheduler's client limits vs unthrottled, their CPU seconds and peak RSS.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Progress } from '../base/progress.js';
import { addSimulatedNodes, removeSimulatedNodes } from '../cluster/simulated-nodes/simulated-nodes.js';
import { DEFAULTS, KWOK_ANNOTATION, SIMULATED_LABEL } from '../cluster/simulated-nodes/options.js';
import { inWatchedNamespace, type NamespaceKeeper } from './cluster.js';
import type { Measurement } from './results.js';
import { percentile } from '../base/stats.js';
import { benchPod, bindRate, inParallel, numberedNames } from './workloads.js';

export const SIM_PODS = 300;
export const SIM_SCALES = [10, 100] as const;
export type SimScale = (typeof SIM_SCALES)[number];

const TAINT = { key: KWOK_ANNOTATION.key, value: KWOK_ANNOTATION.value, effect: 'NoSchedule' as const };

/** A bench pod that only a simulated node takes: it selects type=kwok and tolerates their taint. */
export function simulatedNodePod(namespace: string, name: string, schedulerName: string): V1Pod {
  const pod = benchPod(namespace, name, schedulerName);
  pod.spec = { ...pod.spec!, nodeSelector: { [SIMULATED_LABEL.key]: SIMULATED_LABEL.value }, tolerations: [{ key: TAINT.key, operator: 'Equal', value: TAINT.value, effect: TAINT.effect }] };
  return pod;
}

export interface SchedulingSample {
  podsPerSecond?: number;
  p50Ms?: number;
  p99Ms?: number;
}

/** Pure: throughput and create → bound latencies, from when each pod was created and seen bound. */
export function schedulingSample(createdAt: ReadonlyMap<string, number>, boundAt: ReadonlyMap<string, number>): SchedulingSample {
  const latencies = [...boundAt].flatMap(([name, t]) => (createdAt.has(name) ? [t - createdAt.get(name)!] : []));
  const sample: SchedulingSample = {};
  const rate = bindRate([...createdAt.values()], [...boundAt.values()]);
  if (rate !== undefined) sample.podsPerSecond = rate;
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  if (p50 !== undefined) sample.p50Ms = p50;
  if (p99 !== undefined) sample.p99Ms = p99;
  return sample;
}

/** A fresh namespace for one side (namespace), dropped once that side is done (dropNamespace). */
export interface SimulatedSchedulingContext extends NamespaceKeeper {
  timeoutMs: number;
}

/**
 * A pod is refused until kube-controller-manager's service-account controller has made the new
 * namespace's `default` ServiceAccount: seconds when kube-controller-manager is busy or restarting.
 */
async function defaultServiceAccount(ctx: SimulatedSchedulingContext, ns: string): Promise<void> {
  const deadline = performance.now() + Math.min(ctx.timeoutMs, 120_000);
  for (;;) {
    try {
      await ctx.admin.core.readNamespacedServiceAccount({ namespace: ns, name: 'default' });
      return;
    } catch (error) {
      if ((error as { code?: number }).code !== 404 || performance.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** SIM_PODS pods for `schedulerName` onto the simulated nodes; the namespace is dropped after. */
export function scheduleOntoSimulatedNodes(ctx: SimulatedSchedulingContext, ns: string, schedulerName: string): Promise<SchedulingSample> {
  return inWatchedNamespace(ctx, ns, async (watch) => {
    await defaultServiceAccount(ctx, ns);
    const createdAt = new Map<string, number>();
    await inParallel(numberedNames('sim', SIM_PODS), 20, async (name) => {
      createdAt.set(name, performance.now());
      await ctx.admin.core.createNamespacedPod({ namespace: ns, body: simulatedNodePod(ns, name, schedulerName) });
    });
    await watch.until((w) => w.bound.size >= SIM_PODS, ctx.timeoutMs, `${SIM_PODS} pods bound by ${schedulerName}`);
    return schedulingSample(createdAt, watch.bound);
  });
}

/** The rows of one scale: pods/s (the ratio to read) and the p50/p99 latencies, each lab vs built-in. */
export function simulatedSchedulingRows(nodes: number): { rate: Measurement; p50: Measurement; p99: Measurement } {
  const base = `${SIM_PODS} pods onto ${nodes} simulated nodes`;
  const note = `kwok nodes (${DEFAULTS.cpu} CPU, ${DEFAULTS.memory}, ${DEFAULTS.pods} pods each, tainted ${TAINT.key}=${TAINT.value}:NoSchedule), pods tolerate it and select ${SIMULATED_LABEL.key}=${SIMULATED_LABEL.value}; pods created 20 at a time; both schedulers unthrottled by the bench`;
  return {
    rate: { id: `sched-sim-${nodes}`, title: `${base}: pods bound per second`, unit: 'pods/s', higherIsBetter: true, note },
    p50: { id: `sched-sim-${nodes}-p50`, title: `${base}: create → bound p50`, unit: 'ms', higherIsBetter: false },
    p99: { id: `sched-sim-${nodes}-p99`, title: `${base}: create → bound p99`, unit: 'ms', higherIsBetter: false },
  };
}

export function recordSample(rows: ReturnType<typeof simulatedSchedulingRows>, side: 'lab' | 'builtin', sample: SchedulingSample): void {
  if (sample.podsPerSecond !== undefined) rows.rate[side] = sample.podsPerSecond;
  if (sample.p50Ms !== undefined) rows.p50[side] = sample.p50Ms;
  if (sample.p99Ms !== undefined) rows.p99[side] = sample.p99Ms;
}

/**
 * Adds `nodes` simulated nodes, runs `sides` (each measures one scheduler on them), and removes the
 * nodes it added again, also when a side fails.
 */
export async function withSimulatedNodes<T>(nodes: number, progress: Progress, work: () => Promise<T>): Promise<T> {
  await addSimulatedNodes({ count: nodes, cpu: DEFAULTS.cpu, memory: DEFAULTS.memory, pods: DEFAULTS.pods, zones: ['zone-a', 'zone-b', 'zone-c'], labels: {}, taints: [TAINT] }, progress);
  try {
    return await work();
  } finally {
    await removeSimulatedNodes(nodes, progress);
  }
}
