/**
 * Scheduling at scale, scheduler_perf-style (issue 15, item 2): SCALE_PODS pending pods onto N
 * simulated nodes for N in SCALE_NODES, kube-scheduler against the lab's scheduler in the same run,
 * each at kube-scheduler's client limits (50 QPS, burst 100) and unthrottled. Each side is one
 * fresh process of its own, started for that run and stopped after it:
 *   built-in: a kube-scheduler pod of the bench's (bench-kube-scheduler.ts), the control plane's binary;
 *   lab: `lab run --only scheduler` (lab-run-process.ts).
 * Per side: pods/s and create → bound p50/p99 (simulated-scheduling.ts), and from /proc the CPU
 * seconds the process spent between the first create and the last binding, and its peak RSS.
 * A warm-up pod bound first keeps each process's start-up (and its informers' first list) out of
 * the pods/s, but inside the peak RSS, alike for both.
 */
import { join } from 'node:path';
import type { Progress } from '../base/progress.js';
import { KUBE_SCHEDULER_DEFAULT_LIMITS, type ClientLimits } from '../base/token-bucket.js';
import { LIMIT_MODES, limitModeLabel, limitsIn, type LimitMode } from './limit-modes.js';
import { addSimulatedNodes, removeSimulatedNodes } from '../cluster/simulated-nodes/simulated-nodes.js';
import { DEFAULTS } from '../cluster/simulated-nodes/options.js';
import { benchWorker, componentLifetimeSeconds, createBenchComponent, deleteBenchBindings, withComponentState } from './bench-component-pod.js';
import { BENCH_KUBE_SCHEDULER, BENCH_KUBE_SCHEDULER_MARKER, benchKubeScheduler } from './bench-kube-scheduler.js';
import { inWatchedNamespace, type PodWatch } from './cluster.js';
import { labSchedulerArgs, startLabRunProcess } from './lab-run-process.js';
import { recordFailure, type BenchContext } from './measurement.js';
import { waitForDaemonSets } from './daemonsets-settled.js';
import { localProcessStats, nodeProcessStats, type ProcessStats } from './process-stats.js';
import type { Measurement } from './results.js';
import { INIT_PODS, scheduleOntoSimulatedNodes, scheduleOntoSimulatedNodesTimed, TAINT, warmUp, type SchedulingSample } from './simulated-scheduling.js';
import { startAuditClock } from './audit-clock.js';

export const SCALE_PODS = 300;
/** 1,000 only where `lab nodes add`'s memory check lets it: the row then says why not. */
export const SCALE_NODES = [10, 100, 500, 1000] as const;
/**
 * Pure: `lab bench --nodes` → the counts, ascending and distinct (each step adds the difference).
 * Throws a message for anything else.
 */
export function parseNodeCounts(value: string): number[] {
  const counts = value.split(',').map((part) => part.trim()).filter(Boolean).map(Number);
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1 || n > 5000)) {
    throw new Error(`--nodes takes simulated node counts between 1 and 5000, separated by commas (such as ${SCALE_NODES.join(',')}), not "${value}"`);
  }
  return [...new Set(counts)].sort((a, b) => a - b);
}

const limits = (mode: LimitMode): ClientLimits | undefined => limitsIn(mode, KUBE_SCHEDULER_DEFAULT_LIMITS);
const LAB_SCHEDULER_NAME = 'bench-lab-scheduler';
/** How long the DaemonSets get to put a pod on every new simulated node. */
const DAEMONSETS_TIMEOUT_MS = 300_000;
/** A process's start: pulling nothing (the image is in every node), but listing N nodes. */
const START_TIMEOUT_MS = 180_000;

export interface ScaleRows {
  rate: Measurement;
  p50: Measurement;
  p99: Measurement;
  cpu: Measurement;
  rss: Measurement;
}

export function modeLabel(mode: LimitMode): string {
  return limitModeLabel(mode, KUBE_SCHEDULER_DEFAULT_LIMITS, 'kube-scheduler');
}

/** Pure: the five rows of one (node count, limit mode), ids naming both: sched-scale-<N>-<mode>[-p50|-p99|-cpu|-rss]. */
export function scaleRows(nodes: number, mode: LimitMode): ScaleRows {
  const id = `sched-scale-${nodes}-${mode}`;
  const base = `${SCALE_PODS} pods onto ${nodes} simulated nodes, ${modeLabel(mode)}`;
  const limit = limits(mode);
  const note = `times from the API server's audit log (each create as the server received it, each binding as it completed it; the bench's own watch beside it in the progress output); kwok nodes (${DEFAULTS.cpu} CPU, ${DEFAULTS.memory}, ${DEFAULTS.pods} pods each, tainted ${TAINT.key}=${TAINT.value}:NoSchedule); pods created 20 at a time, after ${INIT_PODS} init pods that are not measured (as scheduler_perf's initPods) and the time the client's token bucket takes to fill again; the two sides take turns going first; ` +
    `built-in: a fresh kube-scheduler (the control plane's image) as a pod on a worker, clientConnection ${limit ? `qps ${limit.qps}/burst ${limit.burst}` : 'qps -1 (no limiter)'}; ` +
    `lab: a fresh \`lab run --only scheduler\`${limit ? ` --kube-api-qps ${limit.qps} --kube-api-burst ${limit.burst}` : ''}`;
  return {
    rate: { id, title: `${base}: pods bound per second`, unit: 'pods/s', higherIsBetter: true, note },
    p50: { id: `${id}-p50`, title: `${base}: create → bound p50`, unit: 'ms', higherIsBetter: false },
    p99: { id: `${id}-p99`, title: `${base}: create → bound p99`, unit: 'ms', higherIsBetter: false },
    cpu: { id: `${id}-cpu`, title: `${base}: scheduler CPU seconds, first create → last bound`, unit: 'CPU s', higherIsBetter: false },
    rss: { id: `${id}-rss`, title: `${base}: scheduler peak RSS (VmHWM)`, unit: 'MiB', higherIsBetter: false },
  };
}

/**
 * Pure: which scheduler goes first at the `nodeIndex`-th node count in the `modeIndex`-th mode.
 * They take turns, from one mode to the next and, within a mode, from one node count to the next,
 * so neither always runs on a cluster still settling from the other (its namespace just deleted,
 * etcd compacting, the DaemonSets' pods still starting) and a drift over the run is shared out.
 */
export function sideOrder(nodeIndex: number, modeIndex: number): ReadonlyArray<'builtin' | 'lab'> {
  return (nodeIndex + modeIndex) % 2 === 0 ? ['builtin', 'lab'] : ['lab', 'builtin'];
}

/** Pure: every row, in the order the measurement fills them. */
export function allScaleRows(nodeCounts: readonly number[] = SCALE_NODES): Measurement[] {
  return nodeCounts.flatMap((nodes) => LIMIT_MODES.flatMap((mode) => Object.values(scaleRows(nodes, mode))));
}

/** A side's sample, as TimedSample has it (`sample` is what the rows record), and its process's stats. */
export interface SideResult {
  sample: SchedulingSample;
  watchSample?: SchedulingSample;
  timedByWatch?: string;
  before?: ProcessStats;
  after?: ProcessStats;
}

/**
 * Pure: a side's numbers onto its rows. CPU is the window's difference; RSS the process's peak.
 * A side the audit log could not time says so in the rate's note.
 */
export function recordSide(rows: ScaleRows, side: 'lab' | 'builtin', result: SideResult): void {
  const { sample, before, after } = result;
  if (result.timedByWatch) rows.rate.note = `${rows.rate.note ?? ''} [${side === 'lab' ? 'lab' : 'built-in'}: timed by the bench's watch, because ${result.timedByWatch}]`.trim();
  if (sample.podsPerSecond !== undefined) rows.rate[side] = sample.podsPerSecond;
  if (sample.p50Ms !== undefined) rows.p50[side] = sample.p50Ms;
  if (sample.p99Ms !== undefined) rows.p99[side] = sample.p99Ms;
  if (before && after) rows.cpu[side] = after.cpuSeconds - before.cpuSeconds;
  if (after) rows.rss[side] = after.peakRssMiB;
}

/** Pure: the pods/s by both clocks, for the progress output. */
export function describeRates(result: SideResult): string {
  const rate = (sample: SchedulingSample | undefined) => (sample?.podsPerSecond === undefined ? 'n/a' : sample.podsPerSecond.toFixed(2));
  if (result.timedByWatch) return `${rate(result.sample)} pods/s by the bench's watch (not by the API server's clock: ${result.timedByWatch})`;
  return `${rate(result.sample)} pods/s by the API server's clock, ${rate(result.watchSample)} by the bench's watch`;
}

/**
 * Pure: how long a client's token bucket takes to fill up from empty (burst / qps), 0 without a
 * limit. The init pods leave it empty; each side waits this long before its measured pods, so
 * both start with a full burst. Without the wait the time the bench took to read the process's
 * stats decided how many tokens a side had: a docker exec into the worker for kube-scheduler,
 * a local read for the lab, which then bound 0.98x kube-scheduler's pods/s at every node count
 * of a run, each side at its limit.
 */
export function refillMs(limit: ClientLimits | undefined): number {
  return limit ? (limit.burst / limit.qps) * 1000 : 0;
}

/**
 * The init pods (not measured, see INIT_PODS), then the measured window: stats, the pods, stats
 * again. The audit clock starts during the refill wait, so its start is outside the window.
 */
async function measuredWindow(ctx: BenchContext, ns: string, watch: PodWatch, schedulerName: string, mode: LimitMode, stats: () => Promise<ProcessStats | undefined>): Promise<SideResult> {
  await scheduleOntoSimulatedNodes(ctx, ns, watch, schedulerName, INIT_PODS, 'init');
  const refilled = new Promise((resolve) => setTimeout(resolve, refillMs(limits(mode))));
  const clock = await startAuditClock(ns);
  try {
    await refilled;
    const before = await stats();
    const timed = await scheduleOntoSimulatedNodesTimed(ctx, ns, watch, clock, schedulerName, SCALE_PODS);
    const after = await stats();
    return { ...timed, before, after };
  } finally {
    await clock.stop();
  }
}

/** kube-scheduler's side: its pod in a namespace of its own, the pods in another. */
export async function measureBuiltin(ctx: BenchContext, nodes: number, mode: LimitMode): Promise<SideResult> {
  const schedulerNs = await ctx.namespace(BENCH_KUBE_SCHEDULER);
  const worker = await benchWorker();
  const component = benchKubeScheduler(schedulerNs, BENCH_KUBE_SCHEDULER, limits(mode));
  try {
    await createBenchComponent(ctx, component, worker, componentLifetimeSeconds(ctx.timeoutMs, START_TIMEOUT_MS));
    const ns = `bench-scale-${nodes}-${mode}-builtin`;
    return await inWatchedNamespace(ctx, ns, async (watch) => {
      await warmUp(ctx, ns, watch, BENCH_KUBE_SCHEDULER, START_TIMEOUT_MS);
      return measuredWindow(ctx, ns, watch, BENCH_KUBE_SCHEDULER, mode, () => nodeProcessStats(worker, BENCH_KUBE_SCHEDULER_MARKER));
    }).catch(async (error: unknown) => {
      throw await withComponentState(ctx.admin, component, error);
    });
  } finally {
    await deleteBenchBindings(ctx, component);
    await ctx.dropNamespace(schedulerNs);
  }
}

/** The lab's side: `lab run --only scheduler` as its own process. */
export async function measureLab(ctx: BenchContext, nodes: number, mode: LimitMode): Promise<SideResult> {
  const lab = startLabRunProcess(labSchedulerArgs(LAB_SCHEDULER_NAME, limits(mode)), { logDir: join(ctx.dir, 'scale'), tag: `lab-scheduler-${nodes}-${mode}` });
  try {
    const ns = `bench-scale-${nodes}-${mode}-lab`;
    return await inWatchedNamespace(ctx, ns, async (watch) => {
      await warmUp(ctx, ns, watch, LAB_SCHEDULER_NAME, START_TIMEOUT_MS, lab.exited.then((how) => `${how}; its output: ${lab.logPath}`));
      return measuredWindow(ctx, ns, watch, LAB_SCHEDULER_NAME, mode, () => localProcessStats(lab.pid));
    });
  } finally {
    await lab.stop();
  }
}

/**
 * Grows the simulated nodes to each count in turn (adding only the difference), measures both
 * sides in both modes there, and removes every node it added at the end, whatever happened.
 * A count the machine's memory cannot hold is recorded on its rows, and the larger ones skipped.
 */
export async function measureAtScale(ctx: BenchContext, nodeCounts: readonly number[], allRows: Measurement[], progress: Progress): Promise<void> {
  let added = 0;
  const rowsOf = (k: number) => {
    const slice = allRows.slice(5 * k, 5 * k + 5);
    return { rate: slice[0]!, p50: slice[1]!, p99: slice[2]!, cpu: slice[3]!, rss: slice[4]! };
  };
  try {
    let k = 0;
    for (const nodes of nodeCounts) {
      try {
        await progress.step(`simulated nodes: ${added} → ${nodes}`, async () => {
          await ctx.addingSimulatedNodes(() => addSimulatedNodes({ count: nodes - added, cpu: DEFAULTS.cpu, memory: DEFAULTS.memory, pods: DEFAULTS.pods, zones: ['zone-a', 'zone-b', 'zone-c'], labels: {}, taints: [TAINT] }, progress));
          added = nodes;
        });
      } catch (error) {
        const message = `not measured: ${nodes} simulated nodes could not be added (${(error as Error).message})`;
        for (let rest = k; rest < allRows.length / 5; rest++) rowsOf(rest).rate.error = message;
        return;
      }
      const unsettled = await progress.step(`waiting for the DaemonSets' pods and kube-controller-manager's node updates on ${nodes} simulated nodes`, (update) => waitForDaemonSets(ctx.admin, DAEMONSETS_TIMEOUT_MS, update));
      if (unsettled.length > 0) progress.info(`DaemonSets or node updates still under way after ${DAEMONSETS_TIMEOUT_MS / 1000} s (measuring anyway): ${unsettled.join(', ')}`);
      for (const [modeIndex, mode] of LIMIT_MODES.entries()) {
        const order = sideOrder(nodeCounts.indexOf(nodes), modeIndex);
        const rows = rowsOf(k++);
        for (const side of order) {
          const who = side === 'builtin' ? 'kube-scheduler' : 'lab-scheduler';
          await recordFailure(rows.rate, async () => {
            const result = await progress.step(`${who}, ${modeLabel(mode)}: ${SCALE_PODS} pods onto ${nodes} simulated nodes`, () => (side === 'builtin' ? measureBuiltin(ctx, nodes, mode) : measureLab(ctx, nodes, mode)));
            recordSide(rows, side, result);
            progress.info(`${who}: ${describeRates(result)}`);
          }, who);
        }
      }
    }
  } finally {
    if (added > 0) await ctx.removingSimulatedNodes(() => removeSimulatedNodes(added, progress));
  }
}
