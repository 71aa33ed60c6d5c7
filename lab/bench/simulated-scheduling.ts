/**
 * Pods onto simulated nodes (kwok's, `lab nodes add --simulated N`), for scheduler-scale.ts: the
 * pods, the create → bound sample (pods bound per second, as bind-rate: bound pods over first
 * create → last binding, and the latency p50 and p99), and the warm-up that proves a scheduler runs.
 *
 * The nodes are added with the taint kwok users put on them and the pods tolerate it and select
 * type=kwok, so nothing else that runs on the cluster lands there meanwhile.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { AuditClock } from './audit-clock.js';
import { KWOK_ANNOTATION, SIMULATED_LABEL } from '../cluster/simulated-nodes/options.js';
import { type NamespaceKeeper, type PodWatch } from './cluster.js';
import { unlessExited } from './lab-run-process.js';
import { percentile } from '../base/stats.js';
import { benchPod, bindRate, inParallel, numberedNames } from './workloads.js';

export const TAINT = { key: KWOK_ANNOTATION.key, value: KWOK_ANNOTATION.value, effect: 'NoSchedule' as const };

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
 * Pods scheduled before the measured ones, as scheduler_perf's SchedulingBasic creates `initPods`
 * before its `measurePods` (500 before 1,000 at 500 nodes). Both schedulers start fresh for each
 * measurement, and a fresh Node process runs its first few hundred scheduling cycles 2–5× slower
 * than later ones while V8 compiles the hot code (an in-process run at 500 nodes: 3.0 ms a pod
 * for the first 100, 0.6–0.9 ms after); kube-scheduler, compiled ahead of time, has no such start.
 * 300 init pods and 300 measured ones fit the smallest scale (10 nodes of 110 pods, 2 taken by
 * DaemonSets).
 */
export const INIT_PODS = 300;

/**
 * A scheduling sample timed twice: `sample` by the API server (its audit log), unless the log
 * could not time it (`timedByWatch` says why; `sample` is then the watch's), and `watchSample` by
 * the bench's own watch (create sent, binding seen), for comparison.
 */
export interface TimedSample {
  sample: SchedulingSample;
  watchSample: SchedulingSample;
  timedByWatch?: string;
}

/** `count` pods named <prefix>-001… for `schedulerName`, 20 created at a time; the sample once every one is bound. */
export async function scheduleOntoSimulatedNodes(ctx: SimulatedSchedulingContext, ns: string, watch: PodWatch, schedulerName: string, count: number, prefix = 'sim'): Promise<SchedulingSample> {
  const { createdAt, names } = await createAndWaitBound(ctx, ns, watch, schedulerName, count, prefix);
  return watchSample(createdAt, names, watch);
}

/**
 * The same, timed by the API server too (`clock` started before the first create): the audit log
 * has the pods' creates and bindings a moment after the watch saw them bound, waited for here.
 */
export async function scheduleOntoSimulatedNodesTimed(ctx: SimulatedSchedulingContext, ns: string, watch: PodWatch, clock: AuditClock, schedulerName: string, count: number, prefix = 'sim'): Promise<TimedSample> {
  const { createdAt, names } = await createAndWaitBound(ctx, ns, watch, schedulerName, count, prefix);
  const watched = watchSample(createdAt, names, watch);
  try {
    await clock.until(names, AUDIT_LAG_TIMEOUT_MS);
  } catch (error) {
    return { sample: watched, watchSample: watched, timedByWatch: (error as Error).message };
  }
  const only = (times: ReadonlyMap<string, number>) => new Map(names.map((name) => [name, times.get(name)!]));
  return { sample: schedulingSample(only(clock.created), only(clock.bound)), watchSample: watched };
}

/** The API server writes an audit line as it answers; the tail reads it within its poll. */
const AUDIT_LAG_TIMEOUT_MS = 30_000;

async function createAndWaitBound(ctx: SimulatedSchedulingContext, ns: string, watch: PodWatch, schedulerName: string, count: number, prefix: string): Promise<{ createdAt: Map<string, number>; names: string[] }> {
  const createdAt = new Map<string, number>();
  await inParallel(numberedNames(prefix, count), 20, async (name) => {
    createdAt.set(name, performance.now());
    await ctx.admin.core.createNamespacedPod({ namespace: ns, body: simulatedNodePod(ns, name, schedulerName) });
  });
  const names = [...createdAt.keys()];
  await watch.until((w) => names.every((name) => w.bound.has(name)), ctx.timeoutMs, `${count} pods bound by ${schedulerName}`);
  return { createdAt, names };
}

/** Only these pods: the warm-up and init pods in the namespace are not part of the rate. */
function watchSample(createdAt: ReadonlyMap<string, number>, names: readonly string[], watch: PodWatch): SchedulingSample {
  return schedulingSample(createdAt, new Map(names.map((name) => [name, watch.bound.get(name)!])));
}

/**
 * One pod for `schedulerName`, waited for until bound: proof that the scheduler runs and its
 * caches have synced, so that its start-up is not part of what is measured next.
 */
export async function warmUp(ctx: SimulatedSchedulingContext, ns: string, watch: PodWatch, schedulerName: string, timeoutMs: number, failed?: Promise<string>): Promise<void> {
  await ctx.admin.core.createNamespacedPod({ namespace: ns, body: simulatedNodePod(ns, 'warm-up', schedulerName) });
  const bound = watch.until((w) => w.bound.has('warm-up'), timeoutMs, `${schedulerName} to bind a first pod (its start-up)`);
  await unlessExited(bound, failed, `${schedulerName} bound a first pod`);
}
