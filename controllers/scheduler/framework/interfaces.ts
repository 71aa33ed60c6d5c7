/**
 * The scheduler's public plugin API, modelled on kube-scheduler's scheduling framework
 * (staging/src/k8s.io/kube-scheduler/framework/interface.go).
 *
 * A plugin is a plain object with a `name` and one method per extension point it takes part in.
 * A pod goes through the points in this order:
 *
 *   scheduling cycle: PreFilter → Filter (per node) → [PostFilter if no node fits]
 *                     → PreScore → Score (per node) → NormalizeScore → pick best
 *                     → Reserve → Permit
 *   binding cycle:    [wait on Permit] → PreBind → Bind → PostBind
 *                     (Unreserve runs if anything after Reserve fails)
 *
 * The scheduler runs scheduling cycles one pod at a time, but a pod's binding cycle runs in the
 * background while the next pods are scheduled, so binding-cycle plugins may run concurrently
 * for different pods.
 *
 * Any method may be synchronous or return a Promise. A method that throws, hangs past the
 * profile's timeout, or returns a score that is not a number in 0..100 fails the pod's cycle
 * with an Error status naming the plugin; the scheduler keeps serving other pods.
 *
 * @example A filter that keeps pods off nodes labelled `lab/maintenance=true`
 * ```ts
 * import { unresolvable, success, type FilterPlugin } from '../framework/index.js';
 * export const NoMaintenance: FilterPlugin = {
 *   name: 'NoMaintenance',
 *   filter(_state, _pod, nodeInfo) {
 *     return nodeInfo.node.metadata?.labels?.['lab/maintenance'] === 'true'
 *       ? unresolvable('node(s) were under maintenance')
 *       : success();
 *   },
 * };
 * ```
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { CycleState } from './cycle-state.js';
import type { NodeInfo } from './node-info.js';
import type { Status } from './status.js';

/** A value or a promise of it: plugins may be sync or async. */
export type MaybePromise<T> = T | Promise<T>;

/** Plugins may return `undefined` instead of `success()`. */
export type StatusResult = MaybePromise<Status | undefined | void>;

/** Highest and lowest score a node may end up with after NormalizeScore. */
export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

/** Every plugin has a unique name, used in profiles, configuration, messages and traces. */
export interface NamedPlugin {
  readonly name: string;
}

/** A pod waiting in the scheduling queue, with what QueueSort needs to order it. */
export interface QueuedPodInfo {
  readonly pod: V1Pod;
  /** When the pod was (re-)added to the queue, in ms since the epoch. */
  timestamp: number;
  /** How many scheduling attempts have been made (drives the backoff). */
  attempts: number;
  /** When the pod first entered the queue. */
  readonly initialAttemptTimestamp: number;
}

/**
 * PreEnqueue: gate a pod before it may enter the active queue at all (upstream uses this for
 * spec.schedulingGates). Anything but Success keeps the pod parked until it changes.
 */
export interface PreEnqueuePlugin extends NamedPlugin {
  preEnqueue(pod: V1Pod): StatusResult;
}

/** QueueSort: the order in which pending pods are tried. Exactly one per profile. */
export interface QueueSortPlugin extends NamedPlugin {
  /** True if `a` should be scheduled before `b`. Must be synchronous (the queue calls it while sorting). */
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

/** What PreFilter may return: a status, and optionally the only node names worth filtering. */
export interface PreFilterResult {
  status?: Status;
  /** If set, only these nodes are considered; the rest are rejected as unresolvable. */
  nodeNames?: Iterable<string>;
}

/**
 * PreFilter: runs once per cycle before any Filter. Typical jobs: precompute something about the
 * pod into CycleState, reject the pod outright, or narrow the candidate nodes. Return Skip to
 * have this plugin's Filter skipped for this pod.
 */
export interface PreFilterPlugin extends NamedPlugin {
  preFilter(state: CycleState, pod: V1Pod, nodes: readonly NodeInfo[]): MaybePromise<PreFilterResult | Status | undefined | void>;
  /** Optional: keep what PreFilter computed in step when a pod is added to or removed from a node copy. */
  readonly preFilterExtensions?: PreFilterExtensions;
}

/**
 * PreFilterExtensions (upstream's AddPod/RemovePod): a PreFilter that precomputes counts over the
 * cluster's pods (topology spread, inter-pod affinity) must update them when the runtime evaluates
 * the pod on a what-if node: nominated pods added before Filter, preemption victims removed and
 * reprieved. `nodeInfo` is the copy the pod was (or is about to be) added to or removed from; the
 * state is the cycle state copy of that what-if run, so plugins may change what they stored.
 */
export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: V1Pod, podToAdd: V1Pod, nodeInfo: NodeInfo): StatusResult;
  removePod(state: CycleState, podToSchedule: V1Pod, podToRemove: V1Pod, nodeInfo: NodeInfo): StatusResult;
}

/**
 * Filter: can the pod run on this node? Return Success, or Unschedulable /
 * UnschedulableAndUnresolvable with a short reason such as "Insufficient cpu". Reasons are counted
 * across nodes in the FailedScheduling message ("2 Insufficient cpu"), so keep them node-independent.
 */
export interface FilterPlugin extends NamedPlugin {
  filter(state: CycleState, pod: V1Pod, nodeInfo: NodeInfo): StatusResult;
}

/** What PostFilter may return: a status and optionally a node the pod should wait for. */
export interface PostFilterResult {
  status?: Status;
  /**
   * Set by preemption: the node freed up for the pod (written to status.nominatedNodeName).
   * An empty string clears an earlier nomination; undefined leaves it as it is.
   */
  nominatedNodeName?: string;
  /** Pods to evict so the pod fits on the nominated node. */
  victims?: V1Pod[];
}

/**
 * What the runtime lends a PostFilter plugin (a slice of upstream's framework Handle): a way to
 * ask "would the pod pass Filter on this node?" for a what-if copy of a node.
 */
export interface PostFilterHandle {
  /**
   * Run the profile's Filter plugins for `pod` on `nodeInfo` exactly as the cycle does (plugins
   * skipped by PreFilter stay skipped, nominated pods are counted, every call is guarded).
   * Pass a copy (`nodeInfo.clone()`) and a copy of the state (`state.clone()`) to try changes.
   */
  runFilters(state: CycleState, pod: V1Pod, nodeInfo: NodeInfo): Promise<Status>;
  /**
   * Tell the PreFilter plugins (their PreFilterExtensions) that `podToAdd` was just added to the
   * what-if `nodeInfo`, so their precomputed counts in `state` follow (upstream RunPreFilterExtensionAddPod).
   */
  runPreFilterExtensionAddPod(state: CycleState, pod: V1Pod, podToAdd: V1Pod, nodeInfo: NodeInfo): Promise<Status>;
  /** The same for a pod just removed from the what-if `nodeInfo` (a preemption victim). */
  runPreFilterExtensionRemovePod(state: CycleState, pod: V1Pod, podToRemove: V1Pod, nodeInfo: NodeInfo): Promise<Status>;
}

/**
 * PostFilter: runs only when no node passed Filter (upstream: preemption). It sees every rejected
 * node's filter status and may re-run the Filter plugins through `handle`. A non-success message is
 * appended to the FailedScheduling event; Success with a nominatedNodeName and victims asks the
 * scheduler to evict the victims and nominate the node (DefaultPreemption does this).
 */
export interface PostFilterPlugin extends NamedPlugin {
  postFilter(
    state: CycleState,
    pod: V1Pod,
    filteredNodeStatus: ReadonlyMap<string, Status>,
    nodes: readonly NodeInfo[],
    handle: PostFilterHandle,
  ): MaybePromise<PostFilterResult | Status | undefined | void>;
}

/** PreScore: runs once over the feasible nodes before Score. Return Skip to skip this plugin's Score. */
export interface PreScorePlugin extends NamedPlugin {
  preScore(state: CycleState, pod: V1Pod, nodes: readonly NodeInfo[]): StatusResult;
}

/** One node's score from one plugin. */
export interface NodeScore {
  readonly name: string;
  score: number;
}

/** What Score returns for one node. Any number is fine if NormalizeScore brings it into 0..100. */
export interface ScoreResult {
  score: number;
  status?: Status;
}

/** Optional: rescale a plugin's raw scores (all feasible nodes at once) into 0..100, in place. */
export interface ScoreExtensions {
  normalizeScore(state: CycleState, pod: V1Pod, scores: NodeScore[]): StatusResult;
}

/**
 * Score: how good is this node for the pod? After NormalizeScore every score must be in 0..100;
 * the runtime multiplies it by the plugin's weight and sums over plugins; the highest total wins.
 */
export interface ScorePlugin extends NamedPlugin {
  score(state: CycleState, pod: V1Pod, nodeInfo: NodeInfo): MaybePromise<ScoreResult | number>;
  readonly scoreExtensions?: ScoreExtensions;
}

/**
 * Reserve: the pod has been assumed onto `nodeName`; claim any side resources now. Unreserve must
 * undo that (idempotently) if a later step fails.
 */
export interface ReservePlugin extends NamedPlugin {
  reserve(state: CycleState, pod: V1Pod, nodeName: string): StatusResult;
  unreserve(state: CycleState, pod: V1Pod, nodeName: string): MaybePromise<void>;
}

/**
 * What Permit returns. With status Wait, `waitFor` decides later (or `timeoutMs` rejects); the pod
 * stays assumed on its node meanwhile and its binding cycle waits, not the scheduler.
 */
export interface PermitResult {
  status?: Status;
  /** Resolves with the final verdict for a Wait. */
  waitFor?: Promise<Status>;
  /** How long a Wait may last before the pod is rejected. */
  timeoutMs?: number;
}

/** Permit: the last gate before binding: approve, reject, or make the pod wait (gang scheduling). */
export interface PermitPlugin extends NamedPlugin {
  permit(state: CycleState, pod: V1Pod, nodeName: string): MaybePromise<PermitResult | Status | undefined | void>;
}

/** PreBind: work that must happen before the binding (e.g. attach a volume). */
export interface PreBindPlugin extends NamedPlugin {
  preBind(state: CycleState, pod: V1Pod, nodeName: string): StatusResult;
  /**
   * Optional: this plugin's PreBind time limit in ms, instead of the profile's per-call limit
   * (VolumeBinding waits up to bindTimeoutSeconds for the PV controller; binding cycles run in
   * the background, so a long wait holds up only this pod).
   */
  readonly preBindTimeoutMs?: number;
}

/** Bind: write the binding. Return Skip to let the next Bind plugin do it; the first non-Skip wins. */
export interface BindPlugin extends NamedPlugin {
  bind(state: CycleState, pod: V1Pod, nodeName: string): StatusResult;
}

/** PostBind: informational, after a successful bind (cleanup, metrics). Errors are logged only. */
export interface PostBindPlugin extends NamedPlugin {
  postBind(state: CycleState, pod: V1Pod, nodeName: string): MaybePromise<void>;
}

/** Any plugin: an object implementing one or more of the extension-point interfaces. */
export type Plugin =
  | PreEnqueuePlugin
  | QueueSortPlugin
  | PreFilterPlugin
  | FilterPlugin
  | PostFilterPlugin
  | PreScorePlugin
  | ScorePlugin
  | ReservePlugin
  | PermitPlugin
  | PreBindPlugin
  | BindPlugin
  | PostBindPlugin;

/** A Score plugin with the weight its normalised score is multiplied by. */
export interface WeightedScorePlugin {
  readonly plugin: ScorePlugin;
  readonly weight: number;
}

/** The plugins of one profile, in call order, per extension point. */
export interface ProfilePlugins {
  preEnqueue: PreEnqueuePlugin[];
  queueSort: QueueSortPlugin;
  preFilter: PreFilterPlugin[];
  filter: FilterPlugin[];
  postFilter: PostFilterPlugin[];
  preScore: PreScorePlugin[];
  score: WeightedScorePlugin[];
  reserve: ReservePlugin[];
  permit: PermitPlugin[];
  preBind: PreBindPlugin[];
  bind: BindPlugin[];
  postBind: PostBindPlugin[];
}

/** A scheduling profile: which pods it serves (by spec.schedulerName) and what it runs. */
export interface Profile {
  readonly schedulerName: string;
  readonly plugins: ProfilePlugins;
  /** Per-call time limit for every plugin method (default 5000 ms). */
  readonly pluginTimeoutMs?: number;
  /**
   * Upstream's percentageOfNodesToScore: with 100 nodes or more, a cycle stops filtering once it
   * has found this share of them feasible (feasible-nodes.ts). Undefined or 0: adaptive.
   */
  readonly percentageOfNodesToScore?: number;
}

/** Type guards: which extension points does a plugin object implement? */
export const implementsPoint = {
  preEnqueue: (p: Plugin): p is PreEnqueuePlugin => typeof (p as PreEnqueuePlugin).preEnqueue === 'function',
  queueSort: (p: Plugin): p is QueueSortPlugin => typeof (p as QueueSortPlugin).less === 'function',
  preFilter: (p: Plugin): p is PreFilterPlugin => typeof (p as PreFilterPlugin).preFilter === 'function',
  filter: (p: Plugin): p is FilterPlugin => typeof (p as FilterPlugin).filter === 'function',
  postFilter: (p: Plugin): p is PostFilterPlugin => typeof (p as PostFilterPlugin).postFilter === 'function',
  preScore: (p: Plugin): p is PreScorePlugin => typeof (p as PreScorePlugin).preScore === 'function',
  score: (p: Plugin): p is ScorePlugin => typeof (p as ScorePlugin).score === 'function',
  reserve: (p: Plugin): p is ReservePlugin =>
    typeof (p as ReservePlugin).reserve === 'function' && typeof (p as ReservePlugin).unreserve === 'function',
  permit: (p: Plugin): p is PermitPlugin => typeof (p as PermitPlugin).permit === 'function',
  preBind: (p: Plugin): p is PreBindPlugin => typeof (p as PreBindPlugin).preBind === 'function',
  bind: (p: Plugin): p is BindPlugin => typeof (p as BindPlugin).bind === 'function',
  postBind: (p: Plugin): p is PostBindPlugin => typeof (p as PostBindPlugin).postBind === 'function',
} as const;

export type ExtensionPoint = keyof typeof implementsPoint;
export const EXTENSION_POINTS = Object.keys(implementsPoint) as ExtensionPoint[];

/** Members that are not methods: objects holding methods (upstream's XxxExtensions()) and PreBind's own time limit. */
const NON_METHOD_MEMBERS: readonly string[] = ['scoreExtensions', 'preFilterExtensions', 'preBindTimeoutMs'];

/**
 * The members a plugin defines to take part in each extension point. All are methods except
 * `scoreExtensions` (holding normalizeScore), `preFilterExtensions` (holding addPod/removePod)
 * and `preBindTimeoutMs` (a number).
 */
export const POINT_MEMBERS: Record<ExtensionPoint, readonly string[]> = {
  preEnqueue: ['preEnqueue'],
  queueSort: ['less'],
  preFilter: ['preFilter', 'preFilterExtensions'],
  filter: ['filter'],
  postFilter: ['postFilter'],
  preScore: ['preScore'],
  score: ['score', 'scoreExtensions'],
  reserve: ['reserve', 'unreserve'],
  permit: ['permit'],
  preBind: ['preBind', 'preBindTimeoutMs'],
  bind: ['bind'],
  postBind: ['postBind'],
};

/** Every plugin method name an extension point can call (the extension objects are not here). */
export const PLUGIN_METHODS: readonly string[] = [...new Set(Object.values(POINT_MEMBERS).flat())].filter((m) => !NON_METHOD_MEMBERS.includes(m));
