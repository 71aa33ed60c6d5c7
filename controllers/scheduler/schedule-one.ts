/**
 * One pod's attempt (upstream's schedule_one.go): the scheduling cycle runs the profile over a
 * cache snapshot and assumes the pod on its node; the binding cycle then runs in the background
 * while the loop pops the next pod. Its outcome is a Binding + Scheduled event, or a
 * PodScheduled=False condition + FailedScheduling event; those writes never hold up the loop
 * either. A failure whose PostFilter chose victims hands them to the PreemptionExecutor (which
 * also takes the node away from lower-priority pods nominated there) and nominates the freed node
 * on the pod (status.nominatedNodeName, in the same status patch).
 * The cycles themselves are pure (framework/runtime.ts); this file carries out their outcome.
 */
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { patchPodStatus } from './pod-status-patch.js';
import type { DecisionSink } from '../shared/decisions.js';
import type { EventRecorder } from '../shared/events.js';
import type { Informer } from '../shared/informer.js';
import type { Logger } from '../shared/log.js';
import type { SchedulerCache } from './cache.js';
import { EventReason, PodScheduledReason } from './constants.js';
import type { PostFilterResult } from './framework/interfaces.js';
import type { AssumedPod, CycleResult, FrameworkRuntime, ScheduleOneHooks, ScheduleOneResult } from './framework/runtime.js';
import { summarizeCycle } from './framework/runtime.js';
import { Code } from './framework/status.js';
import { InFlight } from './in-flight.js';
import { podName } from './pod-name.js';
import type { Binder } from './plugins/default-binder.js';
import { PreemptionExecutor, preemptionOf } from './preemption-executor.js';
import type { PoppedPod, SchedulingQueue } from './queue.js';

/** Where the loop finds the freshest copy of a pod: the pod informer's store. */
export type PodStore = Pick<Informer<V1Pod>, 'get'>;

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

/** The plugins whose verdicts made the attempt fail (upstream's UnschedulablePlugins). */
function rejectingPlugins(result: CycleResult): Set<string> {
  const plugins = new Set<string>();
  for (const status of result.nodeStatuses.values()) if (status.plugin) plugins.add(status.plugin);
  if (result.status.plugin) plugins.add(result.status.plugin);
  return plugins;
}

export interface ScheduleOneDeps {
  schedulerName: string;
  runtime: Pick<FrameworkRuntime, 'scheduleAndAssume' | 'bindingCycle'>;
  cache: Pick<SchedulerCache, 'snapshot' | 'nodeInfo' | 'isAssumed' | 'assumePod' | 'forgetPod' | 'finishBinding' | 'updateNominatedPod' | 'deleteNominatedPod'>;
  queue: Pick<SchedulingQueue, 'done' | 'addUnschedulable' | 'addBackoff'>;
  core: Pick<CoreV1Api, 'patchNamespacedPodStatus' | 'deleteNamespacedPod'>;
  recorder: Pick<EventRecorder, 'event'>;
  decisions: DecisionSink;
  log: Logger;
  /** Ours to schedule right now (responsibleForPod with our schedulerName). */
  responsibleFor: (pod: V1Pod) => boolean;
}

export class ScheduleOne {
  private readonly core: ScheduleOneDeps['core'];
  /** Binding cycles running in the background. */
  private readonly bindingCycles = new InFlight();
  /** Events, PodScheduled patches and evictions being written in the background. */
  private readonly apiWrites = new InFlight();
  private readonly preemption: PreemptionExecutor;
  /** The runtime assumes and forgets pods in our cache. */
  private readonly cacheHooks: ScheduleOneHooks;

  constructor(private readonly deps: ScheduleOneDeps) {
    this.core = deps.core;
    this.cacheHooks = {
      assume: (pod, nodeName) => deps.cache.assumePod(pod, nodeName),
      forget: (pod) => deps.cache.forgetPod(pod),
    };
    this.preemption = new PreemptionExecutor({
      core: deps.core,
      // nodeInfo builds a snapshot: affordable, as only a preemption asks.
      nominator: { nominatedPodsOn: (nodeName) => deps.cache.nodeInfo(nodeName)?.nominatedPods ?? [], deleteNominatedPod: (pod) => deps.cache.deleteNominatedPod(pod) },
      recorder: deps.recorder,
      schedulerName: deps.schedulerName,
      decisions: deps.decisions,
      log: deps.log,
      background: (what, write) => this.inBackground(what, write),
    });
  }

  /** The scheduling cycle for one popped pod; its binding cycle is started, not awaited. */
  async scheduleOne(popped: PoppedPod, pods: PodStore): Promise<void> {
    const { cache, queue, runtime } = this.deps;
    // Use the freshest copy: the pod may have been bound or deleted while it waited.
    const pod = pods.get(popped.pod.metadata?.namespace, popped.pod.metadata?.name ?? '') ?? popped.pod;
    // An assumed pod is already placed (its binding is in flight or not yet confirmed): never place it twice.
    if (!this.deps.responsibleFor(pod) || cache.isAssumed(pod)) {
      queue.done(pod);
      return;
    }
    const outcome = await runtime.scheduleAndAssume(pod, cache.snapshot(), this.cacheHooks);
    if (!outcome.ok) {
      this.failed(popped, pod, outcome.result);
      return;
    }
    this.report(pod, 'bind', { ...outcome.assumed.cycle, phase: 'Permit' });
    this.bindingCycles.track(this.bindInBackground(popped, outcome.assumed));
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

  /** The binding cycle, off the scheduling loop (upstream runs it in a goroutine). */
  private async bindInBackground(popped: PoppedPod, assumed: AssumedPod): Promise<void> {
    try {
      const result = await this.deps.runtime.bindingCycle(assumed, this.cacheHooks);
      if (result.bound) this.bound(assumed);
      else this.failed(popped, assumed.pod, result);
    } catch (err) {
      this.deps.log.error('binding cycle failed unexpectedly', { pod: podName(assumed.pod), error: err });
    }
  }

  private bound({ pod, nodeName }: AssumedPod): void {
    this.deps.cache.finishBinding(pod);
    this.deps.queue.done(pod);
    this.inBackground('Scheduled event', this.deps.recorder.event(pod, 'Normal', EventReason.Scheduled, `Successfully assigned ${podName(pod)} to ${nodeName}`));
  }

  /**
   * The attempt failed in either cycle (upstream's handleSchedulingFailure): report it, requeue the
   * pod, and tell the user on the pod. If preemption found victims, evict them and nominate their
   * node; the pod still gets FailedScheduling (without a preemption tail, as upstream) and waits
   * in the unschedulable set until the victims' deletion moves it back.
   */
  private failed(popped: PoppedPod, pod: V1Pod, result: ScheduleOneResult): void {
    const { cache, queue } = this.deps;
    this.report(pod, result.status.isRejected() ? 'unschedulable' : 'error', result);
    if (result.status.isRejected()) queue.addUnschedulable(popped, rejectingPlugins(result));
    else queue.addBackoff(popped);
    const preemption = preemptionOf(result.postFilter);
    if (preemption) this.preemption.preempt(pod, preemption);
    const nomination = nominationOf(pod, result.postFilter);
    // Counted on the node at once, before the status patch comes back through the informer.
    if (nomination) cache.updateNominatedPod(pod, nomination);
    else if (nomination === null) cache.deleteNominatedPod(pod);
    const message = result.message ?? result.status.message();
    const reason = result.status.code === Code.Error ? PodScheduledReason.SchedulerError : PodScheduledReason.Unschedulable;
    this.inBackground('FailedScheduling event', this.deps.recorder.event(pod, 'Warning', EventReason.FailedScheduling, message));
    this.inBackground('PodScheduled condition', this.markUnschedulable(pod, reason, message, nomination));
  }

  /** An API write the loop does not wait for; shutdown does. */
  private inBackground(what: string, write: Promise<void>): void {
    this.apiWrites.track(write.catch((err: unknown) => this.deps.log.warn(`could not write ${what}`, { error: err })));
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
      await patchPodStatus(this.core, pod, status);
    } catch (err) {
      this.deps.log.warn('could not update PodScheduled condition', { pod: pod.metadata?.name, error: err });
    }
  }

  /** The decision line for the log and the trace: the cycle summary for a bind, the failure otherwise. */
  private report(pod: V1Pod, verb: 'bind' | 'unschedulable' | 'error', result: CycleResultWithPhase): void {
    const summary = summarizeCycle(result);
    const failure = result.message ?? result.status.message();
    const afterChoice = verb !== 'bind' && result.chosen !== undefined;
    this.deps.log.info(afterChoice ? `${result.phase} failed for node ${result.chosen}: ${failure}` : summary, { pod: podName(pod) });
    this.deps.decisions({
      component: this.deps.schedulerName,
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
