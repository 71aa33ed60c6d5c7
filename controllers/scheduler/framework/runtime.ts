/**
 * Runs a profile's plugins for one pod, in two parts as kube-scheduler does:
 * - the scheduling cycle (PreFilter → Filter → PostFilter → PreScore → Score → NormalizeScore →
 *   select → assume → Reserve → Permit), which the scheduler runs one pod at a time;
 * - the binding cycle (wait on Permit → PreBind → Bind → PostBind), which it may run in the
 *   background while it places the next pod.
 * A failure after assume runs Unreserve and forgets the pod. Pure apart from calling plugins: no
 * API calls here; the caller injects how to assume/forget a pod in its cache.
 *
 * Every plugin call is guarded: a throw, a hang past the timeout, or a bad score becomes an Error
 * status naming the plugin, so one broken plugin fails one pod's attempt, not the scheduler.
 */
import { numFeasibleNodesToFind } from './feasible-nodes.js';
import type { V1Pod } from '@kubernetes/client-node';
import { CycleState } from './cycle-state.js';
import { fitErrorMessage } from './fit-error.js';
import { describeThrown, pluginError } from './plugin-error.js';
import { ALL_NODES_KEY } from './normalize.js';
import { EMPTY_LISTERS, LISTERS_KEY, type ClusterListers } from './listers.js';
import {
  MAX_NODE_SCORE,
  MIN_NODE_SCORE,
  type NodeScore,
  type PermitResult,
  type PostFilterHandle,
  type PostFilterResult,
  type PreFilterResult,
  type Profile,
  type QueuedPodInfo,
  type ScoreResult,
} from './interfaces.js';
import { podKey, type NodeInfo } from './node-info.js';
import { Code, Status, asResult, asStatus, errorStatus, unresolvable } from './status.js';
import { permitVerdict, waitOnPermit, type WaitingPermit } from './waiting-pod.js';

export { pluginError };

export const DEFAULT_PLUGIN_TIMEOUT_MS = 5000;

export interface RuntimeOptions {
  /** Per-call plugin time limit; defaults to the profile's, then 5 s. */
  timeoutMs?: number;
  /** Source of randomness for breaking score ties (reservoir sampling). Inject for exact tests. */
  random?: () => number;
  /** Where to report non-fatal problems (failed Unreserve/PostBind). */
  onWarning?: (message: string) => void;
  /** Namespaces, Services, ReplicaSets... lent to the plugins each cycle (default: empty). */
  listers?: ClusterListers;
}

/** One Score plugin's contribution: normalised scores (0..100) per node, and its weight. */
export interface PluginScores {
  plugin: string;
  weight: number;
  scores: Record<string, number>;
}

/** Everything the scheduling cycle found out, for events, decisions and the trace. */
export interface CycleResult {
  status: Status;
  numAllNodes: number;
  /** Names of nodes that passed every filter, in node order. */
  feasible: string[];
  /** Why each rejected node was rejected. */
  nodeStatuses: Map<string, Status>;
  preFilterMsg?: string;
  postFilter?: PostFilterResult;
  scores: PluginScores[];
  /** Weighted sum per feasible node. */
  totals: Record<string, number>;
  /** True when scoring was skipped because only one node was feasible (upstream does the same). */
  scoringSkipped: boolean;
  chosen?: string;
  /** The FailedScheduling message when no node fits, else the error text. */
  message?: string;
}

/** The whole attempt: the cycle plus how far the pod got after a node was chosen. */
export interface ScheduleOneResult extends CycleResult {
  /** The extension point where the attempt stopped, or 'PostBind' when the pod is bound. */
  phase: 'Filter' | 'Score' | 'Reserve' | 'Permit' | 'PreBind' | 'Bind' | 'PostBind';
  bound: boolean;
}

/**
 * A pod the scheduling cycle placed: assumed onto `nodeName` and reserved there; Permit allowed it
 * or some Permit plugins are still to decide (`waitingOn`). What the binding cycle needs.
 */
export interface AssumedPod {
  readonly state: CycleState;
  readonly pod: V1Pod;
  readonly nodeName: string;
  readonly cycle: CycleResult;
  /** Permit plugins that answered Wait; the binding cycle waits for all of them first. */
  readonly waitingOn: readonly WaitingPermit[];
}

/** The scheduling cycle either placed the pod (binding comes next) or ended the attempt. */
export type SchedulingCycleOutcome = { ok: true; assumed: AssumedPod } | { ok: false; result: ScheduleOneResult };

/** What Permit decided in the scheduling cycle: a status, and the plugins that answered Wait. */
export interface PermitOutcome {
  status: Status;
  waitingOn: WaitingPermit[];
}

export interface ScheduleOneHooks {
  /** Count the pod on the node in the scheduler cache before binding. */
  assume?(pod: V1Pod, nodeName: string): void;
  /** Undo assume() after a failure past that point. */
  forget?(pod: V1Pod, nodeName: string): void;
}

type Guarded<T> = { ok: true; value: T } | { ok: false; status: Status };

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function threwStatus(point: string, plugin: string, err: unknown): Status {
  return pluginError(point, plugin, `threw ${describeThrown(err)}`);
}

function threwGuarded<T>(point: string, plugin: string, err: unknown): Guarded<T> {
  return { ok: false, status: threwStatus(point, plugin, err) };
}

/** A plugin's promise against its time limit; the timer is cleared whichever comes first. */
async function raceTimeLimit<T>(point: string, plugin: string, returned: Promise<T>, timeoutMs: number): Promise<Guarded<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Guarded<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, status: pluginError(point, plugin, `did not return within ${timeoutMs} ms`) }), timeoutMs);
  });
  const run = Promise.resolve(returned).then((value): Guarded<T> => ({ ok: true, value }), (err: unknown) => threwGuarded<T>(point, plugin, err));
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A guarded call's Status: a non-Status answer is an error, an Error status is tagged with the plugin. */
function statusOf(point: string, plugin: string, result: Guarded<unknown>): Status {
  return result.ok ? statusOfAnswer(point, plugin, result.value) : result.status;
}

/** What a plugin returned, as a Status (statusOf for an answer that came back). */
function statusOfAnswer(point: string, plugin: string, value: unknown): Status {
  if (value !== undefined && value !== null && !(value instanceof Status)) {
    return pluginError(point, plugin, `returned ${JSON.stringify(value)} instead of a Status`);
  }
  const status = asStatus(value as Status | undefined);
  if (status.code === Code.Error) return pluginError(point, plugin, status.message() || 'error');
  return status.isSuccess() ? status : status.withPlugin(plugin);
}

/** A Score plugin's answer for one node: the score, or the error status a bad answer is. */
function scoreOfAnswer(plugin: string, nodeName: string, value: number | ScoreResult | undefined): number | Status {
  const out: ScoreResult = typeof value === 'number' ? { score: value } : (value ?? { score: Number.NaN });
  const status = asStatus(out.status);
  if (!status.isSuccess()) return pluginError('Score', plugin, status.message() || 'failed');
  if (typeof out.score !== 'number' || !Number.isFinite(out.score)) {
    return pluginError('Score', plugin, `returned score ${String(out.score)} for node ${nodeName}, want a finite number`);
  }
  return out.score;
}

/** Per-node values (in `nodes`' order) as a record by node name, as the trace shows them. */
function byName(nodes: readonly NodeInfo[], valueAt: (i: number) => number): Record<string, number> {
  const record: Record<string, number> = {};
  for (let i = 0; i < nodes.length; i++) record[nodes[i]!.name] = valueAt(i);
  return record;
}

/**
 * One plugin's scores as the trace reads them: the record by node name is built on first read
 * (a getter, so JSON and structuredClone see a plain property); a cycle that nobody traces never
 * builds it.
 */
function pluginScores(plugin: string, weight: number, nodes: readonly NodeInfo[], list: readonly NodeScore[]): PluginScores {
  let built: Record<string, number> | undefined;
  return {
    plugin,
    weight,
    get scores() {
      return (built ??= byName(nodes, (i) => list[i]!.score));
    },
  };
}

export class FrameworkRuntime {
  readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly warn: (message: string) => void;
  private readonly listers: ClusterListers;
  /** Where the next cycle's Filter starts among the nodes (upstream's sched.nextStartNodeIndex). */
  private nextStartNodeIndex = 0;

  constructor(
    readonly profile: Profile,
    opts: RuntimeOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? profile.pluginTimeoutMs ?? DEFAULT_PLUGIN_TIMEOUT_MS;
    this.random = opts.random ?? Math.random;
    this.warn = opts.onWarning ?? (() => {});
    this.listers = opts.listers ?? EMPTY_LISTERS;
  }

  /**
   * Call one plugin method with the throw and timeout guard. A method that returns at once (most
   * do: Filter and Score on a NodeInfo) gets its answer back at once, with no timer and no
   * promise, since nothing could have interrupted it anyway; only a returned promise races the
   * time limit. The hot loops (Filter, Score: every plugin on every node) use attempt() and await
   * only a promise; at 1,000 nodes a timer, a race and an await per plugin per node were a large
   * share of the scheduler's CPU.
   */
  private attempt<T>(point: string, plugin: string, call: () => T | Promise<T>, timeoutMs = this.timeoutMs): Guarded<T> | Promise<Guarded<T>> {
    let returned: T | Promise<T>;
    try {
      returned = call();
    } catch (err) {
      return threwGuarded(point, plugin, err);
    }
    return isThenable(returned) ? raceTimeLimit(point, plugin, returned, timeoutMs) : { ok: true, value: returned };
  }

  /** attempt(), always as a promise: for the points called once a cycle. */
  private async guard<T>(point: string, plugin: string, call: () => T | Promise<T>, timeoutMs = this.timeoutMs): Promise<Guarded<T>> {
    return this.attempt(point, plugin, call, timeoutMs);
  }

  /** Call a method that returns a status; Error statuses are tagged with the plugin name. */
  private async guardStatus(point: string, plugin: string, call: () => unknown, timeoutMs?: number): Promise<Status> {
    return statusOf(point, plugin, await this.guard(point, plugin, call, timeoutMs));
  }

  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    return this.profile.plugins.queueSort.less(a, b);
  }

  async runPreEnqueue(pod: V1Pod): Promise<Status> {
    for (const plugin of this.profile.plugins.preEnqueue) {
      const status = await this.guardStatus('PreEnqueue', plugin.name, () => plugin.preEnqueue(pod));
      if (!status.isSuccess()) return status;
    }
    return asStatus(undefined);
  }

  /** PreFilter: returns a rejection/error, or success with the allowed node names (undefined = all). */
  async runPreFilter(state: CycleState, pod: V1Pod, nodes: readonly NodeInfo[]): Promise<{ status: Status; allowed?: Set<string>; narrowedBy: string[] }> {
    let allowed: Set<string> | undefined;
    const narrowedBy: string[] = [];
    for (const plugin of this.profile.plugins.preFilter) {
      const result = await this.guard('PreFilter', plugin.name, () => plugin.preFilter(state, pod, nodes));
      if (!result.ok) return { status: result.status, narrowedBy };
      const { out, status } = asResult<PreFilterResult>(result.value);
      if (status.isSkip()) {
        state.skipFilterPlugins.add(plugin.name);
        continue;
      }
      if (status.code === Code.Error) return { status: pluginError('PreFilter', plugin.name, status.message()), narrowedBy };
      if (!status.isSuccess()) return { status: status.withPlugin(plugin.name), narrowedBy };
      if (out.nodeNames !== undefined) {
        const names = new Set(out.nodeNames);
        allowed = allowed ? new Set([...allowed].filter((n) => names.has(n))) : names;
        narrowedBy.push(plugin.name);
      }
    }
    return { status: asStatus(undefined), allowed, narrowedBy };
  }

  /** All Filter plugins on one node, stopping at the first that rejects it. */
  async runFilter(state: CycleState, pod: V1Pod, nodeInfo: NodeInfo): Promise<Status> {
    return this.filterNode(state, pod, nodeInfo);
  }

  /**
   * runFilter without a promise while every plugin answers at once (they all do unless one is
   * async): Filter runs for every plugin on every node, and at 500 nodes a closure, a result
   * object and an await per call were a large share of the scheduler's allocations.
   */
  private filterNode(state: CycleState, pod: V1Pod, nodeInfo: NodeInfo, from = 0): Status | Promise<Status> {
    const plugins = this.profile.plugins.filter;
    for (let i = from; i < plugins.length; i++) {
      const plugin = plugins[i]!;
      if (state.skipFilterPlugins.has(plugin.name)) continue;
      let returned: ReturnType<typeof plugin.filter>;
      try {
        returned = plugin.filter(state, pod, nodeInfo);
      } catch (err) {
        return threwStatus('Filter', plugin.name, err);
      }
      if (isThenable(returned)) return this.filterNodeAfter(state, pod, nodeInfo, i, returned);
      const status = statusOfAnswer('Filter', plugin.name, returned);
      if (!status.isSuccess()) return status;
    }
    return asStatus(undefined);
  }

  /** filterNode once plugin `at` answered with a promise: its answer within the time limit, then the rest. */
  private async filterNodeAfter(state: CycleState, pod: V1Pod, nodeInfo: NodeInfo, at: number, returned: Promise<unknown>): Promise<Status> {
    const plugin = this.profile.plugins.filter[at]!;
    const status = statusOf('Filter', plugin.name, await raceTimeLimit('Filter', plugin.name, returned, this.timeoutMs));
    if (!status.isSuccess()) return status;
    return this.filterNode(state, pod, nodeInfo, at + 1);
  }

  /**
   * Filter with the node's nominated pods counted (upstream RunFilterPluginsWithNominatedPods):
   * pending pods of equal or higher priority nominated to this node by a preemption are added to a
   * copy of it first (and to a copy of the cycle state through the PreFilterExtensions, so counts
   * such as topology spread's include them), so a pod does not take the room freed for a more
   * important one. The pod must pass both with them and (as upstream, for the sake of pod
   * affinity) without them.
   */
  async runFilterWithNominatedPods(state: CycleState, pod: V1Pod, nodeInfo: NodeInfo): Promise<Status> {
    return this.filterWithNominatedPods(state, pod, nodeInfo);
  }

  /** runFilterWithNominatedPods, without a promise for a node with no nominated pods and plugins that answer at once. */
  private filterWithNominatedPods(state: CycleState, pod: V1Pod, nodeInfo: NodeInfo): Status | Promise<Status> {
    return nodeInfo.nominatedPods.length === 0 ? this.filterNode(state, pod, nodeInfo) : this.filterWithNominatedPodsCounted(state, pod, nodeInfo);
  }

  private async filterWithNominatedPodsCounted(state: CycleState, pod: V1Pod, nodeInfo: NodeInfo): Promise<Status> {
    const priority = pod.spec?.priority ?? 0;
    const key = podKey(pod);
    const ahead = nodeInfo.nominatedPods.filter((p) => podKey(p) !== key && (p.spec?.priority ?? 0) >= priority);
    if (ahead.length > 0) {
      const withNominated = nodeInfo.clone();
      const stateWithNominated = state.clone();
      for (const nominated of ahead) {
        withNominated.addPod(nominated);
        const added = await this.runPreFilterExtensionAddPod(stateWithNominated, pod, nominated, withNominated);
        if (!added.isSuccess()) return added;
      }
      const status = await this.runFilter(stateWithNominated, pod, withNominated);
      if (!status.isSuccess()) return status;
    }
    return this.runFilter(state, pod, nodeInfo);
  }

  /**
   * Every PreFilter plugin's AddPod (or RemovePod) extension, skipping plugins whose PreFilter
   * returned Skip, as upstream. Any non-success is an Error: the counts could not be kept in step.
   */
  private async runPreFilterExtension(kind: 'AddPod' | 'RemovePod', state: CycleState, pod: V1Pod, changed: V1Pod, nodeInfo: NodeInfo): Promise<Status> {
    for (const plugin of this.profile.plugins.preFilter) {
      const extensions = plugin.preFilterExtensions;
      if (!extensions || state.skipFilterPlugins.has(plugin.name)) continue;
      const call = kind === 'AddPod' ? () => extensions.addPod(state, pod, changed, nodeInfo) : () => extensions.removePod(state, pod, changed, nodeInfo);
      const status = await this.guardStatus(`PreFilterExtension${kind}`, plugin.name, call);
      if (!status.isSuccess()) return status.code === Code.Error ? status : pluginError(`PreFilterExtension${kind}`, plugin.name, status.message());
    }
    return asStatus(undefined);
  }

  runPreFilterExtensionAddPod(state: CycleState, pod: V1Pod, podToAdd: V1Pod, nodeInfo: NodeInfo): Promise<Status> {
    return this.runPreFilterExtension('AddPod', state, pod, podToAdd, nodeInfo);
  }

  runPreFilterExtensionRemovePod(state: CycleState, pod: V1Pod, podToRemove: V1Pod, nodeInfo: NodeInfo): Promise<Status> {
    return this.runPreFilterExtension('RemovePod', state, pod, podToRemove, nodeInfo);
  }

  /** What a PostFilter plugin may call back into: the profile's filters, as the cycle runs them. */
  private readonly postFilterHandle: PostFilterHandle = {
    runFilters: (state, pod, nodeInfo) => this.runFilterWithNominatedPods(state, pod, nodeInfo),
    runPreFilterExtensionAddPod: (state, pod, podToAdd, nodeInfo) => this.runPreFilterExtensionAddPod(state, pod, podToAdd, nodeInfo),
    runPreFilterExtensionRemovePod: (state, pod, podToRemove, nodeInfo) => this.runPreFilterExtensionRemovePod(state, pod, podToRemove, nodeInfo),
  };

  /** PostFilter plugins in order until one succeeds (e.g. finds preemption victims). */
  async runPostFilter(state: CycleState, pod: V1Pod, nodeStatuses: ReadonlyMap<string, Status>, nodes: readonly NodeInfo[]): Promise<PostFilterResult & { status: Status }> {
    let last: PostFilterResult & { status: Status } = { status: new Status(Code.Unschedulable) };
    for (const plugin of this.profile.plugins.postFilter) {
      const result = await this.guard('PostFilter', plugin.name, () => plugin.postFilter(state, pod, nodeStatuses, nodes, this.postFilterHandle));
      if (!result.ok) return { status: result.status };
      const { out, status } = asResult<PostFilterResult>(result.value);
      if (status.code === Code.Error) return { status: pluginError('PostFilter', plugin.name, status.message()) };
      if (status.isSuccess()) return { ...out, status };
      last = { ...out, status: status.withPlugin(plugin.name) };
    }
    return last;
  }

  async runPreScore(state: CycleState, pod: V1Pod, nodes: readonly NodeInfo[]): Promise<Status> {
    for (const plugin of this.profile.plugins.preScore) {
      const status = await this.guardStatus('PreScore', plugin.name, () => plugin.preScore(state, pod, nodes));
      if (status.isSkip()) {
        state.skipScorePlugins.add(plugin.name);
        continue;
      }
      if (!status.isSuccess()) return status.code === Code.Error ? status : pluginError('PreScore', plugin.name, status.message());
    }
    return asStatus(undefined);
  }

  /**
   * Score and normalise every feasible node with every Score plugin, then weight and sum. The sums
   * are kept per node position (an array), and each plugin's scores as the NodeScore list its
   * NormalizeScore edited; the by-name records the trace reads are built from them only when read
   * (byName). With hundreds of feasible nodes, records keyed by node name, written and read once
   * per plugin per node, were the largest cost of a scheduling cycle in a CPU profile (issue 15).
   */
  async runScore(state: CycleState, pod: V1Pod, nodes: readonly NodeInfo[]): Promise<{ status: Status; scores: PluginScores[]; totals: Record<string, number>; totalsByNode: number[] }> {
    const scores: PluginScores[] = [];
    const totalsByNode: number[] = new Array<number>(nodes.length).fill(0);
    const result = (status: Status) => ({ status, scores, totals: byName(nodes, (i) => totalsByNode[i]!), totalsByNode });
    for (const { plugin, weight } of this.profile.plugins.score) {
      if (state.skipScorePlugins.has(plugin.name)) continue;
      const list: NodeScore[] = new Array<NodeScore>(nodes.length);
      for (let i = 0; i < nodes.length; i++) {
        const nodeInfo = nodes[i]!;
        // Called directly (no closure or result object per node): see filterNode.
        let value: ReturnType<typeof plugin.score>;
        try {
          value = plugin.score(state, pod, nodeInfo);
        } catch (err) {
          return result(threwStatus('Score', plugin.name, err));
        }
        if (isThenable(value)) {
          const answered = await raceTimeLimit('Score', plugin.name, value, this.timeoutMs);
          if (!answered.ok) return result(answered.status);
          value = answered.value;
        }
        const score = scoreOfAnswer(plugin.name, nodeInfo.name, value);
        if (score instanceof Status) return result(score);
        list[i] = { name: nodeInfo.name, score };
      }
      const extensions = plugin.scoreExtensions;
      if (extensions) {
        const status = await this.guardStatus('NormalizeScore', plugin.name, () => extensions.normalizeScore(state, pod, list));
        if (!status.isSuccess()) return result(pluginError('NormalizeScore', plugin.name, status.message()));
      }
      for (const { name, score } of list) {
        if (!Number.isFinite(score) || score < MIN_NODE_SCORE || score > MAX_NODE_SCORE) {
          const reason = `returned an invalid score ${score} for node ${name}, it should be in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`;
          return result(pluginError('Score', plugin.name, reason));
        }
      }
      scores.push(pluginScores(plugin.name, weight, nodes, list));
      for (let i = 0; i < list.length; i++) totalsByNode[i] = totalsByNode[i]! + list[i]!.score * weight;
    }
    return result(asStatus(undefined));
  }

  /** Highest total wins; ties are broken by reservoir sampling so equal nodes share the load. */
  selectHost(nodeOrder: readonly string[], totals: Record<string, number>): string | undefined {
    return this.selectBest(nodeOrder.length, (i) => nodeOrder[i]!, (i) => totals[nodeOrder[i]!] ?? 0);
  }

  /** selectHost with the totals by position in `nodes`, as runScore keeps them. */
  private selectHostByPosition(nodes: readonly NodeInfo[], totals: readonly number[]): string | undefined {
    return this.selectBest(nodes.length, (i) => nodes[i]!.name, (i) => totals[i] ?? 0);
  }

  private selectBest(count: number, nameAt: (i: number) => string, scoreAt: (i: number) => number): string | undefined {
    let best: string | undefined;
    let bestScore = -Infinity;
    let ties = 0;
    for (let i = 0; i < count; i++) {
      const score = scoreAt(i);
      if (score > bestScore) {
        best = nameAt(i);
        bestScore = score;
        ties = 1;
      } else if (score === bestScore) {
        ties++;
        if (Math.floor(this.random() * ties) === 0) best = nameAt(i);
      }
    }
    return best;
  }

  /**
   * Filter `candidates`, starting where the last cycle stopped and stopping once enough are
   * feasible (upstream's findNodesThatPassFilters with numFeasibleNodesToFind; it filters in
   * parallel, this in order). Only one is looked for when nothing would score them. The start
   * moves on by the nodes filtered, modulo all the cycle's nodes, whatever the outcome.
   */
  private async findNodesThatPassFilters(state: CycleState, pod: V1Pod, candidates: readonly NodeInfo[], numAllNodes: number): Promise<{ feasible: NodeInfo[]; rejected: Map<string, Status> } | { error: Status }> {
    const toFind = this.profile.plugins.score.length === 0 ? Math.min(1, candidates.length) : numFeasibleNodesToFind(this.profile.percentageOfNodesToScore, candidates.length);
    const feasible: NodeInfo[] = [];
    const rejected = new Map<string, Status>();
    let filtered = 0;
    try {
      for (let i = 0; i < candidates.length && feasible.length < toFind; i++) {
        const node = candidates[(this.nextStartNodeIndex + i) % candidates.length]!;
        filtered++;
        let status = this.filterWithNominatedPods(state, pod, node);
        if (isThenable(status)) status = await status;
        if (status.code === Code.Error) return { error: status };
        if (status.isSuccess()) feasible.push(node);
        else rejected.set(node.name, status);
      }
    } finally {
      if (numAllNodes > 0) this.nextStartNodeIndex = (this.nextStartNodeIndex + filtered) % numAllNodes;
    }
    return { feasible, rejected };
  }

  /** PreFilter → Filter → (PostFilter) → PreScore → Score → select. Does not change anything. */
  async schedulingCycle(state: CycleState, pod: V1Pod, nodes: readonly NodeInfo[]): Promise<CycleResult> {
    const result: CycleResult = {
      status: asStatus(undefined),
      numAllNodes: nodes.length,
      feasible: [],
      nodeStatuses: new Map(),
      scores: [],
      totals: {},
      scoringSkipped: false,
    };
    if (nodes.length === 0) {
      return { ...result, status: new Status(Code.UnschedulableAndUnresolvable, ['no nodes available to schedule pods']), message: fitErrorMessage({ numAllNodes: 0, nodeStatuses: result.nodeStatuses }) };
    }

    state.write(ALL_NODES_KEY, nodes);
    state.write(LISTERS_KEY, this.listers);
    const pre = await this.runPreFilter(state, pod, nodes);
    if (pre.status.code === Code.Error) return { ...result, status: pre.status, message: pre.status.message() };
    let feasibleNodes: NodeInfo[] = [];
    if (!pre.status.isSuccess()) {
      result.preFilterMsg = pre.status.message();
      for (const node of nodes) result.nodeStatuses.set(node.name, pre.status);
    } else {
      const candidates = pre.allowed ? nodes.filter((node) => pre.allowed!.has(node.name)) : nodes;
      if (pre.allowed) {
        const narrowed = unresolvable(`node(s) didn't satisfy plugin(s) [${pre.narrowedBy.join(' ')}]`);
        for (const node of nodes) if (!pre.allowed.has(node.name)) result.nodeStatuses.set(node.name, narrowed);
      }
      const found = await this.findNodesThatPassFilters(state, pod, candidates, nodes.length);
      if ('error' in found) return { ...result, status: found.error, message: found.error.message() };
      feasibleNodes = found.feasible;
      for (const [name, status] of found.rejected) result.nodeStatuses.set(name, status);
    }
    result.feasible = feasibleNodes.map((n) => n.name);

    if (feasibleNodes.length === 0) {
      const post = await this.runPostFilter(state, pod, result.nodeStatuses, nodes);
      result.postFilter = post;
      if (post.status.code === Code.Error) return { ...result, status: post.status, message: post.status.message() };
      const message = fitErrorMessage({
        numAllNodes: nodes.length,
        nodeStatuses: result.nodeStatuses,
        preFilterMsg: result.preFilterMsg,
        postFilterMsg: post.status.isSuccess() ? undefined : post.status.message(),
      });
      return { ...result, status: new Status(Code.Unschedulable, [message]), message };
    }

    if (feasibleNodes.length === 1) {
      return { ...result, scoringSkipped: true, chosen: feasibleNodes[0]!.name };
    }
    const preScore = await this.runPreScore(state, pod, feasibleNodes);
    if (!preScore.isSuccess()) return { ...result, status: preScore, message: preScore.message() };
    const scored = await this.runScore(state, pod, feasibleNodes);
    result.scores = scored.scores;
    result.totals = scored.totals;
    if (!scored.status.isSuccess()) return { ...result, status: scored.status, message: scored.status.message() };
    return { ...result, chosen: this.selectHostByPosition(feasibleNodes, scored.totalsByNode) };
  }

  async runReserve(state: CycleState, pod: V1Pod, nodeName: string): Promise<Status> {
    for (const plugin of this.profile.plugins.reserve) {
      const status = await this.guardStatus('Reserve', plugin.name, () => plugin.reserve(state, pod, nodeName));
      if (!status.isSuccess()) return status;
    }
    return asStatus(undefined);
  }

  /** Unreserve in reverse order; failures are reported, never thrown (it is already a failure path). */
  async runUnreserve(state: CycleState, pod: V1Pod, nodeName: string): Promise<void> {
    for (const plugin of [...this.profile.plugins.reserve].reverse()) {
      const result = await this.guard('Unreserve', plugin.name, () => plugin.unreserve(state, pod, nodeName));
      if (!result.ok) this.warn(result.status.message());
    }
  }

  /**
   * Permit: every plugin must allow. A rejection ends the attempt at once; a Wait is collected for
   * the binding cycle to wait on (upstream WaitOnPermit), so the scheduling cycle never blocks.
   */
  async runPermit(state: CycleState, pod: V1Pod, nodeName: string): Promise<PermitOutcome> {
    const waitingOn: WaitingPermit[] = [];
    for (const plugin of this.profile.plugins.permit) {
      const result = await this.guard('Permit', plugin.name, () => plugin.permit(state, pod, nodeName));
      if (!result.ok) return { status: result.status, waitingOn };
      const { out, status } = asResult<PermitResult>(result.value);
      if (status.code !== Code.Wait) {
        const verdict = permitVerdict(plugin.name, status);
        if (!verdict.isSuccess()) return { status: verdict, waitingOn };
        continue;
      }
      if (!out.waitFor) return { status: pluginError('Permit', plugin.name, 'returned Wait without a waitFor promise'), waitingOn };
      waitingOn.push({ plugin: plugin.name, waitFor: out.waitFor, timeoutMs: out.timeoutMs });
    }
    return { status: asStatus(undefined), waitingOn };
  }

  async runPreBind(state: CycleState, pod: V1Pod, nodeName: string): Promise<Status> {
    for (const plugin of this.profile.plugins.preBind) {
      // A PreBind that waits on other controllers (VolumeBinding) declares its own, longer limit.
      const status = await this.guardStatus('PreBind', plugin.name, () => plugin.preBind(state, pod, nodeName), plugin.preBindTimeoutMs ?? this.timeoutMs);
      if (!status.isSuccess()) return status;
    }
    return asStatus(undefined);
  }

  /** The first Bind plugin that does not Skip does the binding. */
  async runBind(state: CycleState, pod: V1Pod, nodeName: string): Promise<Status> {
    for (const plugin of this.profile.plugins.bind) {
      const status = await this.guardStatus('Bind', plugin.name, () => plugin.bind(state, pod, nodeName));
      if (status.isSkip()) continue;
      return status;
    }
    return errorStatus('no Bind plugin bound the pod (all skipped or none configured)');
  }

  async runPostBind(state: CycleState, pod: V1Pod, nodeName: string): Promise<void> {
    for (const plugin of this.profile.plugins.postBind) {
      const result = await this.guard('PostBind', plugin.name, () => plugin.postBind(state, pod, nodeName));
      if (!result.ok) this.warn(result.status.message());
    }
  }

  /**
   * The scheduling cycle of one attempt: pick a node, assume the pod there (so the next pod's
   * cycle already counts it), Reserve, Permit. Quick: it never waits on Permit or the API.
   */
  async scheduleAndAssume(pod: V1Pod, nodes: readonly NodeInfo[], hooks: ScheduleOneHooks = {}): Promise<SchedulingCycleOutcome> {
    const state = new CycleState();
    const cycle = await this.schedulingCycle(state, pod, nodes);
    if (!cycle.chosen) {
      const phase = cycle.scores.length > 0 || cycle.feasible.length > 0 ? 'Score' : 'Filter';
      return { ok: false, result: { ...cycle, phase, bound: false } };
    }
    const placed: AssumedPod = { state, pod, nodeName: cycle.chosen, cycle, waitingOn: [] };
    hooks.assume?.(pod, placed.nodeName);
    const reserve = await this.runReserve(state, pod, placed.nodeName);
    if (!reserve.isSuccess()) return { ok: false, result: await this.abandon(placed, 'Reserve', reserve, hooks) };
    const permit = await this.runPermit(state, pod, placed.nodeName);
    if (!permit.status.isSuccess()) return { ok: false, result: await this.abandon(placed, 'Permit', permit.status, hooks) };
    return { ok: true, assumed: { ...placed, waitingOn: permit.waitingOn } };
  }

  /** The binding cycle: wait on Permit, PreBind, Bind, PostBind. May run while other pods are scheduled. */
  async bindingCycle(assumed: AssumedPod, hooks: ScheduleOneHooks = {}): Promise<ScheduleOneResult> {
    const { state, pod, nodeName } = assumed;
    const permit = await waitOnPermit(assumed.waitingOn, this.timeoutMs);
    if (!permit.isSuccess()) return this.abandon(assumed, 'Permit', permit, hooks);
    const preBind = await this.runPreBind(state, pod, nodeName);
    if (!preBind.isSuccess()) return this.abandon(assumed, 'PreBind', preBind, hooks);
    const bind = await this.runBind(state, pod, nodeName);
    if (!bind.isSuccess()) return this.abandon(assumed, 'Bind', bind, hooks);
    await this.runPostBind(state, pod, nodeName);
    return { ...assumed.cycle, phase: 'PostBind', bound: true };
  }

  /** A failure after assume: Unreserve, then forget, so the cache never keeps a pod on a node it was not bound to. */
  private async abandon(assumed: AssumedPod, phase: ScheduleOneResult['phase'], status: Status, hooks: ScheduleOneHooks): Promise<ScheduleOneResult> {
    await this.runUnreserve(assumed.state, assumed.pod, assumed.nodeName);
    hooks.forget?.(assumed.pod, assumed.nodeName);
    return { ...assumed.cycle, status, message: status.message(), phase, bound: false };
  }

  /** One full attempt for one pod, both cycles back to back. */
  async scheduleOne(pod: V1Pod, nodes: readonly NodeInfo[], hooks: ScheduleOneHooks = {}): Promise<ScheduleOneResult> {
    const outcome = await this.scheduleAndAssume(pod, nodes, hooks);
    return outcome.ok ? this.bindingCycle(outcome.assumed, hooks) : outcome.result;
  }
}

/** One line for the trace: "filter 3 nodes → 2 feasible (a, b); score a 87, b 62 → bind a". */
/**
 * How many nodes a summary names. With hundreds of (simulated) nodes, a line naming every one is
 * no lesson (and kilobytes per pod in the log): the summary names the best few and counts the
 * rest; the decision's details in the trace keep every node's scores.
 */
export const SUMMARY_NODES = 5;

function namedAndMore(names: readonly string[], render: (name: string) => string): string {
  const shown = names.slice(0, SUMMARY_NODES).map(render).join(', ');
  return names.length > SUMMARY_NODES ? `${shown}, +${names.length - SUMMARY_NODES} more` : shown;
}

export function summarizeCycle(result: CycleResult): string {
  const feasible = `filter ${result.numAllNodes} nodes → ${result.feasible.length} feasible${result.feasible.length ? ` (${namedAndMore(result.feasible, (n) => n)})` : ''}`;
  if (!result.chosen) return `${feasible}; ${result.message ?? result.status.message()}`;
  // Best first where there are more than can be named; in the cycle's order otherwise (as before).
  const ranked = result.feasible.length > SUMMARY_NODES ? [...result.feasible].sort((a, b) => (result.totals[b] ?? 0) - (result.totals[a] ?? 0)) : result.feasible;
  const score = result.scoringSkipped ? 'score skipped (one feasible node)' : `score ${namedAndMore(ranked, (n) => `${n} ${result.totals[n] ?? 0}`)}`;
  return `${feasible}; ${score} → bind ${result.chosen}`;
}
