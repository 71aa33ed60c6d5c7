/**
 * `lab bench`: the lab's components against Kubernetes' own, on the same cluster in the same run.
 * Reports values and lab / built-in ratios; it never asserts a time.
 *
 * Order keeps kube-controller-manager restarts to two: every built-in measurement first (built-in
 * controllers on), then every lab measurement (off); the controllers are put back as they were.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Progress } from '../base/progress.js';
import { readBuiltinControllers, setBuiltinControllers } from '../cluster/builtin-controllers.js';
import { stateDir } from '../cluster/paths.js';
import { refuseIfAnotherLabRuns } from '../run/another-lab.js';
import { deploymentManifest } from '../cluster/workload-image.js';
import { startClusterTrace } from '../trace/cluster-session.js';
import { startLab } from '../run/lab-process.js';
import type { Clients } from '../../controllers/shared/kube.js';
import { adminClients, builtinComponentsRssMiB, deleteNamespaceAndWait, freshNamespace, startLabReplicaSetController, watchPods } from './cluster.js';
import { withRatios, type BenchResults, type Measurement, type OverheadSample } from './results.js';
import { machineBusySeconds } from './cpu.js';
import { abbaOrder } from './paired.js';
import { overheadNotes, summarizeOverhead } from './overhead-summary.js';
import { median } from '../base/stats.js';
import { KCM_DEFAULT_LIMITS, TokenBucket } from './token-bucket.js';
import { benchPod, benchReplicaSet, bindRate, inParallel, numberedNames, perSecond, UNSCHEDULED } from './workloads.js';
import { recordSample, scheduleOntoSimulatedNodes, SIM_PODS, SIM_SCALES, simulatedSchedulingRows, withSimulatedNodes } from './simulated-scheduling.js';

/** The measurement ids, in the order they run; `--only` picks among them. */
export const MEASUREMENT_IDS = ['rollout', 'rs-300-qps', 'rs-300-free', 'bind-rate', 'rss', 'trace-overhead', 'trace-rate', 'sched-sim'] as const;
export type MeasurementId = (typeof MEASUREMENT_IDS)[number];

export interface BenchOptions {
  runs: number;
  /** Only these measurements (default: all). */
  only?: ReadonlySet<MeasurementId>;
  progress: Progress;
  timeoutSeconds?: number;
}

const BURST_PODS = 300;
const BIND_PODS = 100;
const RSS_PODS = 2000;

interface Context {
  admin: Clients;
  timeoutMs: number;
  progress: Progress;
  /** Namespaces made, deleted at the end whatever happens. */
  namespaces: Set<string>;
}

async function namespace(ctx: Context, name: string): Promise<string> {
  ctx.namespaces.add(name);
  await freshNamespace(ctx.admin.core, name);
  return name;
}

/** Delete a namespace the bench is done with and wait, so later measurements' caches do not hold its pods. */
async function dropNamespace(ctx: Context, ns: string): Promise<void> {
  try {
    await deleteNamespaceAndWait(ctx.admin.core, ns);
    ctx.namespaces.delete(ns);
  } catch {
    // left in ctx.namespaces: the final clean-up tries again
  }
}

interface RolloutResult {
  /** Deployment create → all 3 pods Running. */
  ms: number;
  /** Deployment create → all 3 pods bound (the controllers' and scheduler's share, before the kubelets). */
  boundMs: number;
  /** Machine CPU seconds spent in that time (undefined off Linux). */
  cpuSeconds?: number;
}

/**
 * (a) create a 3-replica Deployment → all 3 pods Running. The namespace is deleted after (and
 * waited for) unless `keepNamespace`: the caller then drops it when the pods' teardown cannot
 * overlap a measured rollout.
 */
async function rolloutOnce(ctx: Context, ns: string, schedulerName: string, opts: { keepNamespace?: boolean } = {}): Promise<RolloutResult> {
  await namespace(ctx, ns);
  const watch = await watchPods(ctx.admin, ns);
  try {
    const cpuBefore = await machineBusySeconds();
    const t0 = performance.now();
    await ctx.admin.apps.createNamespacedDeployment({ namespace: ns, body: deploymentManifest(ns, 3, schedulerName) as never });
    await watch.until((w) => w.running.size >= 3, ctx.timeoutMs, `3 pods Running in ${ns}`);
    const cpuAfter = await machineBusySeconds();
    const result: RolloutResult = { ms: Math.max(...watch.running.values()) - t0, boundMs: Math.max(...watch.bound.values()) - t0 };
    if (cpuBefore !== undefined && cpuAfter !== undefined) result.cpuSeconds = cpuAfter - cpuBefore;
    return result;
  } finally {
    watch.stop();
    if (!opts.keepNamespace) await dropNamespace(ctx, ns);
  }
}

async function rolloutMedian(ctx: Context, side: string, schedulerName: string, runs: number): Promise<number | undefined> {
  const times: number[] = [];
  for (let i = 1; i <= runs; i++) {
    times.push((await ctx.progress.step(`${side}: rollout ${i}/${runs}`, () => rolloutOnce(ctx, `bench-rollout-${side}-${i}`, schedulerName))).ms);
  }
  return median(times);
}

/** The fewest pairs trace-overhead takes, whatever --runs says: fewer cannot tell 5 % from noise here. */
export const MIN_OVERHEAD_PAIRS = 6;
const OVERHEAD_SETTLE_MS = 5000;
/**
 * Rollouts per lab in trace-overhead. One 3-pod rollout varies by ±40 % (each pod waits 0–1 s for
 * its kubelet's next relist, and the rollout waits for the last of three), so one rollout per run
 * would need ~100 pairs to see 5 %. Five per run give five times the rollouts for a fraction of
 * the cost: a run's start-up and settling are paid once, and its namespaces are deleted together
 * after it (a namespace takes ~13 s to go), never while a rollout is measured. The summary pools
 * the rollouts (overhead-summary.ts) and resamples whole pairs of runs for its interval.
 */
export const OVERHEAD_ROLLOUTS_PER_RUN = 5;
const BETWEEN_ROLLOUTS_MS = 2000;

/**
 * (e) the lab's rollout untraced (A) and traced with every tap (B), in ABBA order. Each run starts
 * its own lab (runLab, with --trace for B), does OVERHEAD_ROLLOUTS_PER_RUN rollouts and stops it,
 * so both arms pay the same start-up. Every rollout is kept in the results file (`samples`).
 */
async function traceOverhead(ctx: Context, pairs: number, tracePath: string): Promise<Measurement> {
  const samples: OverheadSample[] = [];
  const order = abbaOrder(pairs);
  for (const [i, arm] of order.entries()) {
    const traced = arm === 'B';
    const label = `${traced ? 'traced' : 'untraced'} run ${i + 1}/${order.length} (${OVERHEAD_ROLLOUTS_PER_RUN} rollouts)`;
    const namespaces = Array.from({ length: OVERHEAD_ROLLOUTS_PER_RUN }, (_, k) => `bench-overhead-${i + 1}-${k + 1}`);
    const result = await ctx.progress.step(label, async (update) => {
      const lab = startLab({ command: 'lab bench', only: ['deployment', 'replicaset', 'scheduler'], ...(traced ? { trace: tracePath } : {}) });
      const rollouts: RolloutResult[] = [];
      try {
        await lab.ready;
        // The traced lab takes longer to start (seven more processes, two more caches); without a
        // pause the untraced arm would start while the nodes still tear down the last run's pods.
        await new Promise((r) => setTimeout(r, OVERHEAD_SETTLE_MS));
        for (const [k, ns] of namespaces.entries()) {
          if (k > 0) await new Promise((r) => setTimeout(r, BETWEEN_ROLLOUTS_MS));
          update(`rollout ${k + 1}/${namespaces.length}`);
          rollouts.push(await rolloutOnce(ctx, ns, 'lab-scheduler', { keepNamespace: true }));
        }
      } finally {
        await lab.stop();
        update('deleting its namespaces');
        await Promise.all(namespaces.map((ns) => dropNamespace(ctx, ns)));
      }
      return rollouts;
    });
    samples.push(...result.map((r, k) => ({ run: i + 1, arm, rollout: k + 1, ...r })));
  }
  const summary = summarizeOverhead(samples);
  if (!summary) throw new Error('no complete untraced/traced pair');
  return {
    id: 'trace-overhead', title: 'rollout with taps / without (lab)', unit: 'ratio', higherIsBetter: false,
    lab: summary.running.ratioOfMedians, note: overheadNotes(summary).join('; '), samples,
  };
}

/** (b) one ReplicaSet of 300 pods no scheduler serves: ms from its create to the last pod created. */
async function burst(ctx: Context, ns: string): Promise<{ ms: number; spanMs: number }> {
  await namespace(ctx, ns);
  const watch = await watchPods(ctx.admin, ns);
  try {
    const t0 = performance.now();
    await ctx.admin.apps.createNamespacedReplicaSet({ namespace: ns, body: benchReplicaSet(ns, 'burst', BURST_PODS) });
    await watch.until((w) => w.created.size >= BURST_PODS, ctx.timeoutMs, `${BURST_PODS} pods created in ${ns}`);
    const ms = Math.max(...watch.created.values()) - t0;
    return { ms, spanMs: ms };
  } finally {
    watch.stop();
    await dropNamespace(ctx, ns);
  }
}

/** (c) 100 pending pods for `schedulerName`: pods bound per second. */
async function bindThroughput(ctx: Context, ns: string, schedulerName: string): Promise<number | undefined> {
  await namespace(ctx, ns);
  const watch = await watchPods(ctx.admin, ns);
  try {
    const createdAt: number[] = [];
    await inParallel(numberedNames('bind', BIND_PODS), 20, async (name) => {
      createdAt.push(performance.now());
      await ctx.admin.core.createNamespacedPod({ namespace: ns, body: benchPod(ns, name, schedulerName) });
    });
    await watch.until((w) => w.bound.size >= BIND_PODS, ctx.timeoutMs, `${BIND_PODS} pods bound by ${schedulerName}`);
    return bindRate(createdAt, [...watch.bound.values()]);
  } finally {
    watch.stop();
    await dropNamespace(ctx, ns);
  }
}

/** Run one side of a measurement; a failure is recorded on the row (the other rows still run). */
async function measure(m: Measurement, work: (m: Measurement) => Promise<void>): Promise<void> {
  try {
    await work(m);
  } catch (err) {
    const message = (err as Error).message;
    m.error = m.error ? `${m.error}; ${message}` : message;
  }
}

export async function runBench(opts: BenchOptions): Promise<BenchResults & { file: string }> {
  const { progress, runs } = opts;
  const want = (id: MeasurementId) => !opts.only || opts.only.has(id);
  const builtinSideWanted = want('rollout') || want('rs-300-qps') || want('rs-300-free') || want('bind-rate');
  const ctx: Context = { admin: adminClients(), timeoutMs: (opts.timeoutSeconds ?? 300) * 1000, progress, namespaces: new Set() };
  await refuseIfAnotherLabRuns(ctx.admin.coordination);
  const before = await readBuiltinControllers();
  const wasOn = before.deploymentController && before.replicasetController;
  const startedAt = new Date().toISOString();
  const dir = join(stateDir(), 'bench');
  await mkdir(dir, { recursive: true });
  const m = {
    rollout: { id: 'rollout', title: '3-replica Deployment → all Running (median)', unit: 'ms', higherIsBetter: false, note: `median of ${runs} run(s) each side; lab = its controllers + lab-scheduler, built-in = kube-controller-manager + default-scheduler` } as Measurement,
    burstLimited: { id: 'rs-300-qps', title: `${BURST_PODS} pods for one ReplicaSet, same QPS limits`, unit: 'ms', higherIsBetter: false, note: `built-in: kube-controller-manager defaults (--kube-api-qps=${KCM_DEFAULT_LIMITS.qps}, --kube-api-burst=${KCM_DEFAULT_LIMITS.burst}); lab: one token bucket (qps ${KCM_DEFAULT_LIMITS.qps}, burst ${KCM_DEFAULT_LIMITS.burst}) in front of every call of its core+apps clients (watches not limited, as in client-go)` } as Measurement,
    burstFree: { id: 'rs-300-free', title: `${BURST_PODS} pods for one ReplicaSet, lab unthrottled`, unit: 'ms', higherIsBetter: false, note: 'lab without any client-side limit vs the same built-in run (whose limits cannot be lifted without changing the cluster)' } as Measurement,
    bind: { id: 'bind-rate', title: `pods bound per second (${BIND_PODS} pending pods)`, unit: 'pods/s', higherIsBetter: true, note: 'bound pods / (last binding seen − first pod create), pods created 20 at a time' } as Measurement,
    rss: { id: 'rss', title: `memory with ${RSS_PODS} pods in the caches`, unit: 'MiB', higherIsBetter: false } as Measurement,
    overhead: { id: 'trace-overhead', title: 'rollout with taps / without (lab)', unit: 'ratio', higherIsBetter: false } as Measurement,
    entries: { id: 'trace-rate', title: `trace entries per second during the ${BURST_PODS}-pod scale-up`, unit: 'entries/s', higherIsBetter: true } as Measurement,
    dropped: { id: 'trace-dropped', title: 'trace entries dropped (timeline cap)', unit: 'count', higherIsBetter: false } as Measurement,
  };
  // sched-sim: three rows (pods/s, p50, p99) per number of simulated nodes.
  const simRows: Measurement[] = [];
  try {
    // ---- built-in side ----
    if (builtinSideWanted && !wasOn) await progress.step('built-in controllers on (~30 s)', () => setBuiltinControllers(true, progress));
    if (want('rollout')) {
      await measure(m.rollout, async (x) => {
        x.builtin = await rolloutMedian(ctx, 'builtin', 'default-scheduler', runs);
      });
    }
    if (want('rs-300-qps') || want('rs-300-free')) {
      const builtinBurst = await progress.step(`built-in ReplicaSet controller: ${BURST_PODS} pods`, () => burst(ctx, 'bench-burst-builtin')).catch((err: Error) => err);
      for (const row of [m.burstLimited, m.burstFree]) {
        await measure(row, async (x) => {
          if (builtinBurst instanceof Error) throw builtinBurst;
          x.builtin = builtinBurst.ms;
        });
      }
    }
    if (want('bind-rate')) {
      await measure(m.bind, async (x) => {
        x.builtin = await progress.step(`default-scheduler: bind ${BIND_PODS} pods`, () => bindThroughput(ctx, 'bench-bind-builtin', 'default-scheduler'));
      });
    }

    // ---- lab side ----
    await progress.step('built-in controllers off (~30 s)', () => setBuiltinControllers(false, progress));
    if (want('rollout') || want('bind-rate')) {
      const lab = startLab({ command: 'lab bench', only: ['deployment', 'replicaset', 'scheduler'] });
      try {
        await progress.step("starting the lab's components", () => lab.ready);
        if (want('rollout')) {
          await measure(m.rollout, async (x) => {
            x.lab = await rolloutMedian(ctx, 'lab', 'lab-scheduler', runs);
          });
        }
        if (want('bind-rate')) {
          await measure(m.bind, async (x) => {
            x.lab = await progress.step(`lab-scheduler: bind ${BIND_PODS} pods`, () => bindThroughput(ctx, 'bench-bind-lab', 'lab-scheduler'));
          });
        }
      } finally {
        await lab.stop();
      }
    }

    if (want('rs-300-qps')) await measure(m.burstLimited, async (x) => {
      const bucket = new TokenBucket(KCM_DEFAULT_LIMITS.qps, KCM_DEFAULT_LIMITS.burst);
      const rs = await startLabReplicaSetController({ bucket });
      try {
        x.lab = (await progress.step(`lab ReplicaSet controller at qps ${KCM_DEFAULT_LIMITS.qps}/burst ${KCM_DEFAULT_LIMITS.burst}: ${BURST_PODS} pods`, () => burst(ctx, 'bench-burst-lab-qps'))).ms;
        x.note += `; ${bucket.throttled} lab requests waited for a token`;
      } finally {
        await rs.stop();
      }
    });
    if (want('rs-300-free')) await measure(m.burstFree, async (x) => {
      const rs = await startLabReplicaSetController();
      try {
        x.lab = (await progress.step(`lab ReplicaSet controller unthrottled: ${BURST_PODS} pods`, () => burst(ctx, 'bench-burst-lab-free'))).ms;
      } finally {
        await rs.stop();
      }
    });

    // (e) trace taps: the lab's rollout with and without them, and the timeline during a traced 300-pod scale-up.
    if (want('trace-overhead')) await measure(m.overhead, async (x) => {
      Object.assign(x, await traceOverhead(ctx, Math.max(runs, MIN_OVERHEAD_PAIRS), join(dir, 'rollout-traced.jsonl')));
    });
    if (want('trace-rate')) await measure(m.entries, async (x) => {
      const session = await startClusterTrace({});
      const rs = await startLabReplicaSetController({ trace: session });
      try {
        const sizeBefore = session.timeline.size + session.timeline.dropped;
        const { spanMs } = await progress.step(`traced scale-up: ${BURST_PODS} pods`, () => burst(ctx, 'bench-burst-traced'));
        await new Promise((r) => setTimeout(r, 2000)); // late audit lines belong to the scale-up
        const appended = session.timeline.size + session.timeline.dropped - sizeBefore;
        x.lab = perSecond(appended, spanMs + 2000);
        x.note = `${appended} entries over ${Math.round(spanMs)} ms + 2 s settle (all taps; lab ReplicaSet controller unthrottled)`;
        m.dropped.lab = session.timeline.dropped;
        m.dropped.note = `timeline cap ${session.timeline.cap}`;
      } finally {
        await rs.stop();
        await session.stop();
      }
    });

    // (d) memory with 2,000 pods in the caches.
    if (want('rss')) await measure(m.rss, async (x) => {
      const ns = await progress.step(`creating ${RSS_PODS} pods no scheduler serves`, async () => {
        const name = await namespace(ctx, 'bench-rss');
        await inParallel(numberedNames('rss', RSS_PODS), 50, (pod) => ctx.admin.core.createNamespacedPod({ namespace: name, body: benchPod(name, pod, UNSCHEDULED) }));
        return name;
      });
      (globalThis as { gc?: () => void }).gc?.();
      const baseline = process.memoryUsage().rss;
      const labRss = startLab({ command: 'lab bench', only: ['deployment', 'replicaset', 'scheduler'] });
      try {
        await progress.step("starting the lab's components over those pods", () => labRss.ready);
        await new Promise((r) => setTimeout(r, 2000));
        const rss = process.memoryUsage().rss;
        x.lab = rss / 2 ** 20;
        x.builtin = await builtinComponentsRssMiB();
        x.note = `lab: this process's RSS after its informers synced (${Math.round((rss - baseline) / 2 ** 20)} MiB more than before the lab started; the process also holds the bench); built-in: kube-controller-manager + kube-scheduler VmRSS on the control-plane node (they cache every resource they watch, not only pods: not like for like) — ns ${ns}`;
      } finally {
        await labRss.stop();
      }
    });

    // (f) scheduling onto simulated nodes (kwok): default-scheduler, then lab-scheduler, on the same nodes.
    if (want('sched-sim')) {
      const sim = { admin: ctx.admin, timeoutMs: ctx.timeoutMs, progress, namespace: (name: string) => namespace(ctx, name), dropNamespace: (name: string) => dropNamespace(ctx, name) };
      for (const nodes of SIM_SCALES) {
        const rows = simulatedSchedulingRows(nodes);
        simRows.push(rows.rate, rows.p50, rows.p99);
        await measure(rows.rate, () => withSimulatedNodes(nodes, progress, async () => {
          recordSample(rows, 'builtin', await progress.step(`default-scheduler: ${SIM_PODS} pods onto ${nodes} simulated nodes`, () => scheduleOntoSimulatedNodes(sim, `bench-sim-${nodes}-builtin`, 'default-scheduler')));
          const lab = startLab({ command: 'lab bench', only: ['scheduler'] });
          try {
            await progress.step('starting lab-scheduler', () => lab.ready);
            recordSample(rows, 'lab', await progress.step(`lab-scheduler: ${SIM_PODS} pods onto ${nodes} simulated nodes`, () => scheduleOntoSimulatedNodes(sim, `bench-sim-${nodes}-lab`, 'lab-scheduler')));
          } finally {
            await lab.stop();
          }
        }));
      }
    }
  } finally {
    await progress.step('deleting the bench namespaces', async () => {
      for (const ns of ctx.namespaces) await ctx.admin.core.deleteNamespace({ name: ns }).catch(() => {});
    });
    await rm(join(dir, 'rollout-traced.jsonl'), { force: true }).catch(() => {});
    const now = await readBuiltinControllers().catch(() => undefined);
    if (!now || now.deploymentController !== before.deploymentController || now.replicasetController !== before.replicasetController) {
      await progress.step(`restoring the built-in controllers (${wasOn ? 'on' : 'off'})`, () => setBuiltinControllers(wasOn, progress));
    }
  }
  const selected = [...Object.values(m).filter((row) => {
    if (row.id === 'trace-dropped') return want('trace-rate');
    return want(row.id as MeasurementId);
  }), ...simRows];
  const results: BenchResults = { startedAt, runs, measurements: withRatios(selected) };
  const file = join(dir, 'results.json');
  await writeFile(file, JSON.stringify(results, null, 2) + '\n', 'utf8');
  return { ...results, file };
}
