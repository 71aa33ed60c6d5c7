/**
 * LabScheduler: the I/O shell around the framework. Informers on nodes and pods feed the cache
 * (every pod, to account resources) and the queue (pods for our schedulerName without a node).
 * A loop pops a pod and runs the scheduling cycle over a cache snapshot, which assumes the pod on
 * its node; the binding cycle then runs in the background while the loop pops the next pod, as in
 * kube-scheduler. Its outcome is a Binding + Scheduled event, or a PodScheduled=False condition +
 * FailedScheduling event; those writes never hold up the loop either. When no node fits and the
 * DefaultPreemption PostFilter finds lower-priority victims, the scheduler also evicts them
 * (DisruptionTarget condition, delete, Preempted event), nominates the freed node on the pod
 * (status.nominatedNodeName) and parks the pod until the victims' deletion brings it back.
 */
import {
  PatchStrategy,
  PolicyV1Api,
  setHeaderOptions,
  type CoreV1Api,
  type KubeConfig,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';
import type { DecisionSink } from '../shared/decisions.js';
import { EventRecorder } from '../shared/events.js';
import { createInformer, type Informer } from '../shared/informer.js';
import { consoleLogger, type Logger } from '../shared/log.js';
import { isPodTerminal } from '../shared/pods.js';
import { isConflict, isNotFound } from '../shared/retry.js';
import { defaultProfile, DEFAULT_SCHEDULER_NAME } from './config.js';
import { SchedulerCache } from './cache.js';
import { EventReason } from './constants.js';
import type { PostFilterResult, Profile } from './framework/interfaces.js';
import { FrameworkRuntime, summarizeCycle, type AssumedPod, type CycleResult, type ScheduleOneHooks, type ScheduleOneResult } from './framework/runtime.js';
import { Code } from './framework/status.js';
import { podKey } from './framework/node-info.js';
import { InFlight } from './in-flight.js';
import { createListerInformers, type ListerAppsClient, type ListerPolicyClient } from './cluster-informers.js';
import { clusterListers, type ListerSources } from './framework/listers.js';
import type { Binder } from './plugins/default-binder.js';
import { DISRUPTION_TARGET, REASON_PREEMPTION_BY_SCHEDULER } from './plugins/default-preemption.js';
import { affinityMayHelp, INTER_POD_AFFINITY } from './plugins/inter-pod-affinity.js';
import { POD_TOPOLOGY_SPREAD, spreadMayHelp } from './plugins/pod-topology-spread.js';
import { podPriority } from './plugins/priority-sort.js';
import { SchedulingQueue, type PoppedPod } from './queue.js';

type CoreClient = Pick<
  CoreV1Api,
  | 'listNode'
  | 'listNamespace'
  | 'listServiceForAllNamespaces'
  | 'listReplicationControllerForAllNamespaces'
  | 'listPodForAllNamespaces'
  | 'createNamespacedPodBinding'
  | 'patchNamespacedPodStatus'
  | 'deleteNamespacedPod'
  | 'createNamespacedEvent'
  | 'patchNamespacedEvent'
>;

/** Where the loop finds the freshest copy of a pod: the pod informer's store. */
export type PodStore = Pick<Informer<V1Pod>, 'get'>;

export interface LabSchedulerOptions {
  kc: KubeConfig;
  /** `apps` feeds the ReplicaSet and StatefulSet listers (PodTopologySpread's default constraints); without it they read empty. */
  clients: { core: CoreClient; apps?: ListerAppsClient; policy?: ListerPolicyClient };
  recorder?: EventRecorder;
  decisions?: DecisionSink;
  /** Defaults to defaultProfile() binding through the API. */
  profile?: Profile;
  log?: Logger;
  backoff?: { initialMs?: number; maxMs?: number };
  clock?: () => number;
  /**
   * Called with the node and pod informers run() makes, before they start: the lab's trace taps
   * them (their watch events and watch restarts) as it does the controllers' informers.
   */
  onInformers?: (informers: { nodes: Informer<V1Node>; pods: Informer<V1Pod> }) => void;
}

/** Binds through the API: POST /api/v1/namespaces/NS/pods/NAME/binding. */
export function apiBinder(core: Pick<CoreV1Api, 'createNamespacedPodBinding'>): Binder {
  return {
    async bind(pod, nodeName) {
      const name = pod.metadata?.name ?? '';
      const namespace = pod.metadata?.namespace ?? 'default';
      await core.createNamespacedPodBinding({
        name,
        namespace,
        body: {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace, uid: pod.metadata?.uid },
          target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
        },
      });
    },
  };
}

/** A cycle's findings and the extension point the attempt has reached. */
type CycleResultWithPhase = CycleResult & Pick<ScheduleOneResult, 'phase'>;

function podName(pod: V1Pod): string {
  return `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}

/**
 * What a failed attempt does to status.nominatedNodeName: a node to set, null to clear an earlier
 * one, undefined to leave it (upstream's NominatingInfo: ModeOverride vs ModeNoop).
 */
function nominationOf(pod: V1Pod, postFilter: PostFilterResult | undefined): string | null | undefined {
  const wanted = postFilter?.nominatedNodeName;
  if (wanted === undefined) return undefined;
  if (wanted) return wanted;
  return pod.status?.nominatedNodeName ? null : undefined;
}

/** A PostFilter success with a node and victims: a preemption for the scheduler to carry out. */
function preemptionOf(postFilter: PostFilterResult | undefined): { nodeName: string; victims: V1Pod[] } | undefined {
  if (!postFilter?.status?.isSuccess() || !postFilter.nominatedNodeName || !postFilter.victims?.length) return undefined;
  return { nodeName: postFilter.nominatedNodeName, victims: postFilter.victims };
}

/** The plugins whose verdicts made the attempt fail (upstream's UnschedulablePlugins). */
function rejectingPlugins(result: CycleResult): Set<string> {
  const plugins = new Set<string>();
  for (const status of result.nodeStatuses.values()) if (status.plugin) plugins.add(status.plugin);
  if (result.status.plugin) plugins.add(result.status.plugin);
  return plugins;
}

/** Plugins a bound pod's arrival (or relabelling) can change the verdict of: upstream registers Pod/Add and Pod/UpdatePodLabel for them. */
const PLUGINS_HELPED_BY_ASSIGNED_PODS = [POD_TOPOLOGY_SPREAD, INTER_POD_AFFINITY] as const;

/** Their queueing hints for a change of a bound pod (`oldPod` undefined: it was added). */
function assignedPodChangeMayHelp(oldPod: V1Pod | undefined, newPod: V1Pod): (target: V1Pod, plugin: string) => boolean {
  return (target, plugin) => (plugin === POD_TOPOLOGY_SPREAD ? spreadMayHelp(target, oldPod, newPod) : affinityMayHelp(target, oldPod, newPod));
}

function labelsChanged(oldPod: V1Pod, newPod: V1Pod): boolean {
  return JSON.stringify(oldPod.metadata?.labels ?? {}) !== JSON.stringify(newPod.metadata?.labels ?? {});
}

/** Does this node change matter to pending pods? (labels, taints, cordon, allocatable) */
function nodeSchedulingChanged(oldNode: V1Node, newNode: V1Node): boolean {
  const relevant = (n: V1Node) =>
    JSON.stringify([n.metadata?.labels, n.spec?.taints, n.spec?.unschedulable, n.status?.allocatable, n.status?.images?.length]);
  return relevant(oldNode) !== relevant(newNode);
}

export class LabScheduler {
  readonly profile: Profile;
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  private readonly runtime: FrameworkRuntime;
  private readonly log: Logger;
  private readonly decisions: DecisionSink;
  private readonly core: CoreClient;
  private readonly recorder: EventRecorder;
  /** Binding cycles running in the background. */
  private readonly bindingCycles = new InFlight();
  /** Events and PodScheduled patches being written in the background. */
  private readonly apiWrites = new InFlight();
  /** Per pod key, the number of the PreEnqueue run whose verdict is awaited (see enqueue). */
  private readonly preEnqueueGeneration = new Map<string, number>();
  private preEnqueueCount = 0;
  /** Filled by run() with the informers' stores; the runtime's listers read them at each call. */
  private readonly listerSources: ListerSources = {};
  private markSynced!: () => void;
  /** Resolves once run()'s informers have listed everything (the scheduler then schedules), as the controllers' `synced`. */
  readonly synced = new Promise<void>((resolve) => (this.markSynced = resolve));
  /** The runtime assumes and forgets pods in our cache. */
  private readonly cacheHooks: ScheduleOneHooks = {
    assume: (pod, nodeName) => this.cache.assumePod(pod, nodeName),
    forget: (pod) => this.cache.forgetPod(pod),
  };

  constructor(private readonly opts: LabSchedulerOptions) {
    this.core = opts.clients.core;
    this.profile = opts.profile ?? defaultProfile({ binder: apiBinder(this.core) }, DEFAULT_SCHEDULER_NAME);
    // Like kube-scheduler, events are reported under the scheduler's own name.
    this.recorder = opts.recorder ?? new EventRecorder(this.core, this.profile.schedulerName);
    this.log = opts.log ?? consoleLogger(this.profile.schedulerName);
    this.decisions = opts.decisions ?? (() => {});
    this.runtime = new FrameworkRuntime(this.profile, { onWarning: (m) => this.log.warn(m), listers: clusterListers(this.listerSources) });
    this.cache = new SchedulerCache({ clock: opts.clock });
    this.queue = new SchedulingQueue({
      less: (a, b) => this.runtime.less(a, b),
      clock: opts.clock,
      initialBackoffMs: opts.backoff?.initialMs,
      maxBackoffMs: opts.backoff?.maxMs,
    });
  }

  /** Ours to schedule: our schedulerName, no node yet, not finished, not being deleted. */
  responsibleFor(pod: V1Pod): boolean {
    return (
      (pod.spec?.schedulerName ?? 'default-scheduler') === this.profile.schedulerName &&
      !pod.spec?.nodeName &&
      !isPodTerminal(pod) &&
      !pod.metadata?.deletionTimestamp
    );
  }

  async run(signal: AbortSignal): Promise<void> {
    const nodes = createInformer<V1Node>(this.opts.kc, {
      name: 'nodes',
      path: '/api/v1/nodes',
      list: () => this.core.listNode(),
      deserializeAs: 'V1Node',
      log: this.log,
    });
    const pods = createInformer<V1Pod>(this.opts.kc, {
      name: 'pods',
      path: '/api/v1/pods',
      list: (sel) => this.core.listPodForAllNamespaces(sel),
      deserializeAs: 'V1Pod',
      log: this.log,
    });
    this.wireNodes(nodes);
    this.wirePods(pods);
    this.opts.onInformers?.({ nodes, pods });
    const apps = this.opts.clients.apps;
    // The lab's Clients have no policy client: one on the same kubeconfig (and User-Agent) serves the PDB informer.
    const policy = this.opts.clients.policy ?? this.opts.kc.makeApiClient(PolicyV1Api);
    const listed = apps ? createListerInformers(this.opts.kc, this.core, apps, policy, this.log) : undefined;
    if (listed) Object.assign(this.listerSources, listed.sources);

    const stop = () => {
      this.queue.close();
      nodes.stop();
      pods.stop();
      for (const informer of listed?.all ?? []) informer.stop();
    };
    signal.addEventListener('abort', stop, { once: true });
    const ticker = setInterval(() => {
      this.queue.flush();
      for (const key of this.cache.cleanupExpired()) this.log.warn('assumed pod expired without confirmation', { pod: key });
    }, 1000);
    try {
      await Promise.all([nodes.start(), pods.start(), ...(listed?.all ?? []).map((i) => i.start())]);
      this.markSynced();
      this.log.info('caches synced; scheduling', { schedulerName: this.profile.schedulerName });
      await this.scheduleUntilStopped(signal, pods);
    } finally {
      clearInterval(ticker);
      signal.removeEventListener('abort', stop);
      stop();
    }
  }

  /**
   * The scheduling loop: pop a pod, run its scheduling cycle, start its binding cycle in the
   * background, pop the next. Ends when `signal` aborts; resolves only once every binding cycle
   * and API write still in flight has finished.
   */
  async scheduleUntilStopped(signal: AbortSignal, pods: PodStore): Promise<void> {
    const close = () => this.queue.close();
    signal.addEventListener('abort', close, { once: true });
    try {
      while (!signal.aborted) {
        const popped = await this.queue.pop();
        if (!popped) break;
        await this.scheduleOne(popped, pods);
      }
    } finally {
      signal.removeEventListener('abort', close);
      await this.waitForInFlight();
    }
  }

  /** Resolves once the binding cycles and API writes started so far (and any they start) have finished. */
  async waitForInFlight(): Promise<void> {
    // A binding cycle ends by starting writes, so bindings first.
    await this.bindingCycles.drain();
    await this.apiWrites.drain();
  }

  /** How much background work is running, for tests and logs. */
  inFlight(): { bindings: number; writes: number } {
    return { bindings: this.bindingCycles.size, writes: this.apiWrites.size };
  }

  private wireNodes(nodes: Informer<V1Node>): void {
    nodes.onAdd((node) => {
      this.cache.addNode(node);
      this.queue.moveAllToActiveOrBackoff('NodeAdd');
    });
    nodes.onUpdate((oldNode, newNode) => {
      this.cache.updateNode(newNode);
      if (nodeSchedulingChanged(oldNode, newNode)) this.queue.moveAllToActiveOrBackoff('NodeUpdate');
    });
    nodes.onDelete((node) => this.cache.removeNode(node));
  }

  private wirePods(pods: Informer<V1Pod>): void {
    pods.onAdd((pod) => {
      this.cache.addPod(pod);
      if (this.responsibleFor(pod)) {
        this.cache.updateNominatedPod(pod);
        this.enqueue(pod, 'add');
      } else if (pod.spec?.nodeName && !isPodTerminal(pod)) {
        this.queue.moveRejectedBy('AssignedPodAdd', PLUGINS_HELPED_BY_ASSIGNED_PODS, assignedPodChangeMayHelp(undefined, pod));
      }
    });
    pods.onUpdate((oldPod, newPod) => {
      this.cache.updatePod(oldPod, newPod);
      if (this.responsibleFor(newPod)) {
        // Neither copy names a node: keep a nomination made here whose patch is not visible yet.
        if (oldPod.status?.nominatedNodeName || newPod.status?.nominatedNodeName) this.cache.updateNominatedPod(newPod);
        this.enqueue(newPod, 'update');
      } else {
        this.cache.deleteNominatedPod(newPod);
        this.forgetPending(newPod);
      }
      // A pod that finished gave its resources back: parked pods may fit now.
      if (oldPod.spec?.nodeName && !isPodTerminal(oldPod) && isPodTerminal(newPod)) this.queue.moveAllToActiveOrBackoff('AssignedPodUpdate');
      // Bound just now, or relabelled while bound: spread counts and affinity matches may change.
      else if (newPod.spec?.nodeName && !isPodTerminal(newPod) && (!oldPod.spec?.nodeName || labelsChanged(oldPod, newPod))) {
        // Bound just now counts as an add (the unbound copy never counted), as upstream's AssignedPodAdd.
        const before = oldPod.spec?.nodeName ? oldPod : undefined;
        this.queue.moveRejectedBy(before ? 'AssignedPodUpdate' : 'AssignedPodAdd', PLUGINS_HELPED_BY_ASSIGNED_PODS, assignedPodChangeMayHelp(before, newPod));
      }
    });
    pods.onDelete((pod) => {
      this.cache.removePod(pod);
      this.forgetPending(pod);
      if (pod.spec?.nodeName) this.queue.moveAllToActiveOrBackoff('AssignedPodDelete');
    });
  }

  /**
   * Every added or updated pending pod passes the PreEnqueue plugins first (upstream runs them in
   * moveToActiveQ): one that does not (SchedulingGates: spec.schedulingGates not empty) is parked
   * as gated and never tried; the update that removes its gates brings it to the active queue.
   * PreEnqueue is asynchronous, so only the verdict on the newest copy of a pod counts.
   */
  private enqueue(pod: V1Pod, how: 'add' | 'update'): void {
    const key = podKey(pod);
    const generation = ++this.preEnqueueCount;
    this.preEnqueueGeneration.set(key, generation);
    void this.runtime.runPreEnqueue(pod).then((status) => {
      if (this.preEnqueueGeneration.get(key) !== generation) return; // a newer copy (or a delete) came since
      this.preEnqueueGeneration.delete(key);
      if (status.isSuccess()) {
        if (how === 'add') this.queue.add(pod);
        else this.queue.update(pod);
        return;
      }
      this.queue.addGated(pod);
      this.log.info('pod gated by PreEnqueue', { pod: podName(pod), status: status.toString() });
    });
  }

  /** The pod is no longer ours to schedule: out of the queue, and any PreEnqueue verdict still coming is void. */
  private forgetPending(pod: V1Pod): void {
    this.preEnqueueGeneration.delete(podKey(pod));
    this.queue.delete(pod);
  }

  /** The scheduling cycle for one popped pod; its binding cycle is started, not awaited. */
  private async scheduleOne(popped: PoppedPod, pods: PodStore): Promise<void> {
    // Use the freshest copy: the pod may have been bound or deleted while it waited.
    const pod = pods.get(popped.pod.metadata?.namespace, popped.pod.metadata?.name ?? '') ?? popped.pod;
    // An assumed pod is already placed (its binding is in flight or not yet confirmed): never place it twice.
    if (!this.responsibleFor(pod) || this.cache.isAssumed(pod)) {
      this.queue.done(pod);
      return;
    }
    const outcome = await this.runtime.scheduleAndAssume(pod, this.cache.snapshot(), this.cacheHooks);
    if (!outcome.ok) {
      this.failed(popped, pod, outcome.result);
      return;
    }
    this.report(pod, 'bind', { ...outcome.assumed.cycle, phase: 'Permit' });
    this.bindingCycles.track(this.bindInBackground(popped, outcome.assumed));
  }

  /** The binding cycle, off the scheduling loop (upstream runs it in a goroutine). */
  private async bindInBackground(popped: PoppedPod, assumed: AssumedPod): Promise<void> {
    try {
      const result = await this.runtime.bindingCycle(assumed, this.cacheHooks);
      if (result.bound) this.bound(assumed);
      else this.failed(popped, assumed.pod, result);
    } catch (err) {
      this.log.error('binding cycle failed unexpectedly', { pod: podName(assumed.pod), error: err });
    }
  }

  private bound({ pod, nodeName }: AssumedPod): void {
    this.cache.finishBinding(pod);
    this.queue.done(pod);
    this.inBackground('Scheduled event', this.recorder.event(pod, 'Normal', EventReason.Scheduled, `Successfully assigned ${podName(pod)} to ${nodeName}`));
  }

  /**
   * The attempt failed in either cycle: report it, requeue the pod, and tell the user on the pod.
   * If preemption found victims, evict them and nominate their node; the pod still gets
   * FailedScheduling (without a preemption tail, as upstream) and waits in the unschedulable set
   * until the victims' deletion moves it back.
   */
  private failed(popped: PoppedPod, pod: V1Pod, result: ScheduleOneResult): void {
    this.report(pod, result.status.isRejected() ? 'unschedulable' : 'error', result);
    if (result.status.isRejected()) this.queue.addUnschedulable(popped, rejectingPlugins(result));
    else this.queue.addBackoff(popped);
    const preemption = preemptionOf(result.postFilter);
    if (preemption) this.preempt(pod, preemption.nodeName, preemption.victims);
    const nomination = nominationOf(pod, result.postFilter);
    // Counted on the node at once, before the status patch comes back through the informer.
    if (nomination) this.cache.updateNominatedPod(pod, nomination);
    else if (nomination === null) this.cache.deleteNominatedPod(pod);
    const message = result.message ?? result.status.message();
    const reason = result.status.code === Code.Error ? 'SchedulerError' : 'Unschedulable';
    this.inBackground('FailedScheduling event', this.recorder.event(pod, 'Warning', EventReason.FailedScheduling, message));
    this.inBackground('PodScheduled condition', this.markUnschedulable(pod, reason, message, nomination));
  }

  /**
   * Carry out a preemption (upstream's prepareCandidate, run in the background like its async
   * preemption): for each victim not already terminating, a DisruptionTarget condition, a delete
   * guarded by the victim's uid, and a Normal "Preempted" event on it.
   */
  private preempt(preemptor: V1Pod, nodeName: string, victims: readonly V1Pod[]): void {
    const reason = `preempt Pod ${podName(preemptor)} on node ${nodeName}: victims ${victims.map(podName).join(', ')} (priority ${victims.map(podPriority).join(', ')})`;
    this.log.info(reason, { pod: podName(preemptor) });
    this.decisions({
      component: this.profile.schedulerName,
      object: { kind: 'Pod', namespace: preemptor.metadata?.namespace, name: preemptor.metadata?.name ?? '', uid: preemptor.metadata?.uid },
      verb: 'preempt',
      reason,
      details: {
        node: nodeName,
        priority: podPriority(preemptor),
        victims: victims.map((v) => ({ namespace: v.metadata?.namespace, name: v.metadata?.name, uid: v.metadata?.uid, priority: podPriority(v) })),
      },
    });
    for (const victim of victims) {
      // Its graceful deletion has already started: another call would change nothing.
      if (victim.metadata?.deletionTimestamp) continue;
      this.inBackground(`preemption of ${podName(victim)}`, this.preemptVictim(preemptor, nodeName, victim));
    }
  }

  private async preemptVictim(preemptor: V1Pod, nodeName: string, victim: V1Pod): Promise<void> {
    const name = victim.metadata?.name ?? '';
    const namespace = victim.metadata?.namespace ?? 'default';
    const marked = victim.status?.conditions?.some((c) => c.type === DISRUPTION_TARGET && c.status === 'True' && c.reason === REASON_PREEMPTION_BY_SCHEDULER);
    try {
      // Tells the pod's owner (and a later preemption, see podEligibleToPreemptOthers) why it goes.
      if (!marked) {
        const condition = {
          type: DISRUPTION_TARGET,
          status: 'True',
          reason: REASON_PREEMPTION_BY_SCHEDULER,
          message: `${preemptor.spec?.schedulerName ?? this.profile.schedulerName}: preempting to accommodate a higher priority pod`,
          lastTransitionTime: new Date().toISOString(),
        };
        await this.core.patchNamespacedPodStatus(
          { name, namespace, body: { status: { conditions: [condition] } } },
          setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
        );
      }
      // The uid precondition makes sure we delete the pod we chose, not a namesake created since.
      await this.core.deleteNamespacedPod({ name, namespace, body: { preconditions: { uid: victim.metadata?.uid } } });
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) {
        this.log.info('preemption victim is already gone', { pod: podName(victim), preemptor: podName(preemptor) });
        return;
      }
      throw err;
    }
    await this.recorder.event(victim, 'Normal', EventReason.Preempted, `Preempted by pod ${preemptor.metadata?.uid} on node ${nodeName}`);
  }

  /** An API write the loop does not wait for; shutdown does. */
  private inBackground(what: string, write: Promise<void>): void {
    this.apiWrites.track(write.catch((err: unknown) => this.log.warn(`could not write ${what}`, { error: err })));
  }

  /**
   * PodScheduled=False with the reason and message, merged by condition type (strategic merge),
   * and in the same patch status.nominatedNodeName when preemption set (string) or cleared (null) it.
   */
  private async markUnschedulable(pod: V1Pod, reason: string, message: string, nominatedNodeName?: string | null): Promise<void> {
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const conditionUnchanged = current?.status === 'False' && current.reason === reason && current.message === message;
    const nominationUnchanged = nominatedNodeName === undefined || (pod.status?.nominatedNodeName || null) === nominatedNodeName;
    if (conditionUnchanged && nominationUnchanged) return;
    const status: Record<string, unknown> = {};
    if (!conditionUnchanged) status.conditions = [{ type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: new Date().toISOString() }];
    if (!nominationUnchanged) status.nominatedNodeName = nominatedNodeName;
    try {
      await this.core.patchNamespacedPodStatus(
        {
          name: pod.metadata?.name ?? '',
          namespace: pod.metadata?.namespace ?? 'default',
          body: { status },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
    } catch (err) {
      this.log.warn('could not update PodScheduled condition', { pod: pod.metadata?.name, error: err });
    }
  }

  /** The decision line for the log and the trace: the cycle summary for a bind, the failure otherwise. */
  private report(pod: V1Pod, verb: 'bind' | 'unschedulable' | 'error', result: CycleResultWithPhase): void {
    const summary = summarizeCycle(result);
    const failure = result.message ?? result.status.message();
    const afterChoice = verb !== 'bind' && result.chosen !== undefined;
    this.log.info(afterChoice ? `${result.phase} failed for node ${result.chosen}: ${failure}` : summary, { pod: podName(pod) });
    this.decisions({
      component: this.profile.schedulerName,
      object: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name ?? '', uid: pod.metadata?.uid },
      verb,
      reason: verb === 'bind' ? summary : failure,
      details: {
        nodes: result.numAllNodes,
        feasible: result.feasible,
        filterReasons: Object.fromEntries([...result.nodeStatuses].map(([node, s]) => [node, s.reasons])),
        scores: result.scores,
        totals: result.totals,
        chosen: result.chosen,
        phase: result.phase,
      },
    });
  }
}
