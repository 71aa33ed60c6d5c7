/**
 * Carries out a preemption DefaultPreemption chose (upstream's framework/preemption Executor and its
 * prepareCandidateAsync): reports the decision; takes the nomination away from the pods of lower
 * priority nominated to the same node (forgotten by the nominator at once, then
 * status.nominatedNodeName cleared on each); then for each victim not already terminating writes a
 * DisruptionTarget condition, deletes it (guarded by its uid) and records a Normal "Preempted"
 * event on it. The writes run in the background, as upstream's async preemption, and in its order:
 * the victims go once every clearing patch has answered. The caller's `background` tracks the writes so
 * shutdown waits. Choosing victims and the pods that lose their nomination stays in the pure
 * plugin (plugins/default-preemption.ts); setting the preemptor's own status.nominatedNodeName
 * stays with the failure handling in schedule-one.ts, in the same patch as PodScheduled=False.
 */
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { patchPodStatus } from './pod-status-patch.js';
import type { DecisionSink } from '../shared/decisions.js';
import type { EventRecorder } from '../shared/events.js';
import type { Logger } from '../shared/log.js';
import { errorMessage, isConflict, isNotFound } from '../shared/retry.js';
import { EventReason } from './constants.js';
import type { PostFilterResult } from './framework/interfaces.js';
import { podName } from './pod-name.js';
import { DISRUPTION_TARGET, REASON_PREEMPTION_BY_SCHEDULER, lowerPriorityNominatedPods } from './plugins/default-preemption.js';
import { podPriority } from './plugins/priority-sort.js';

export interface Preemption {
  nodeName: string;
  victims: V1Pod[];
}

/** A PostFilter success with a node and victims: a preemption for the scheduler to carry out. */
export function preemptionOf(postFilter: PostFilterResult | undefined): Preemption | undefined {
  if (!postFilter?.status?.isSuccess() || !postFilter.nominatedNodeName || !postFilter.victims?.length) return undefined;
  return { nodeName: postFilter.nominatedNodeName, victims: postFilter.victims };
}

/**
 * The status patch that takes a pod's nomination away (upstream's clearNominatedNodeName:
 * `{"status":{"nominatedNodeName":null}}`), or undefined when the pod's status names no node, as
 * upstream sends no request then.
 */
export function clearNominationPatch(pod: V1Pod): { status: { nominatedNodeName: null } } | undefined {
  return pod.status?.nominatedNodeName ? { status: { nominatedNodeName: null } } : undefined;
}

/** The scheduler's record of nominated pods (the cache), as the executor needs it. */
export interface Nominator {
  /** The pending pods nominated to a node, freshest copies (the informer keeps them up to date). */
  nominatedPodsOn(nodeName: string): readonly V1Pod[];
  deleteNominatedPod(pod: V1Pod): void;
}

export interface PreemptionExecutorDeps {
  core: Pick<CoreV1Api, 'patchNamespacedPodStatus' | 'deleteNamespacedPod'>;
  nominator: Nominator;
  recorder: Pick<EventRecorder, 'event'>;
  schedulerName: string;
  decisions: DecisionSink;
  log: Logger;
  /** Runs a write the scheduling loop does not wait for (a failed one is logged); shutdown waits for it. */
  background: (what: string, write: Promise<void>) => void;
  /** The clock for the DisruptionTarget condition's lastTransitionTime. */
  now?: () => Date;
}

export class PreemptionExecutor {
  private readonly core: PreemptionExecutorDeps['core'];
  private readonly now: () => Date;

  constructor(private readonly deps: PreemptionExecutorDeps) {
    this.core = deps.core;
    this.now = deps.now ?? (() => new Date());
  }

  /** Report the preemption, take lower-priority nominations on the node away, then evict each victim; the writes in the background. */
  preempt(preemptor: V1Pod, { nodeName, victims }: Preemption): void {
    const displaced = lowerPriorityNominatedPods(preemptor, this.deps.nominator.nominatedPodsOn(nodeName));
    const cleared = displaced.length > 0 ? `; nominations cleared: ${displaced.map(podName).join(', ')}` : '';
    const reason = `preempt Pod ${podName(preemptor)} on node ${nodeName}: victims ${victims.map(podName).join(', ')} (priority ${victims.map(podPriority).join(', ')})${cleared}`;
    this.deps.log.info(reason, { pod: podName(preemptor) });
    this.deps.decisions({
      component: this.deps.schedulerName,
      object: { kind: 'Pod', namespace: preemptor.metadata?.namespace, name: preemptor.metadata?.name ?? '', uid: preemptor.metadata?.uid },
      verb: 'preempt',
      reason,
      details: {
        node: nodeName,
        priority: podPriority(preemptor),
        victims: victims.map(podRef),
        ...(displaced.length > 0 ? { nominationsCleared: displaced.map(podRef) } : {}),
      },
    });
    const nominationsCleared = this.clearNominations(preemptor, nodeName, displaced);
    for (const victim of victims) {
      // Its graceful deletion has already started: another call would change nothing.
      if (victim.metadata?.deletionTimestamp) continue;
      this.deps.background(`preemption of ${podName(victim)}`, nominationsCleared.then(() => this.evict(preemptor, nodeName, victim)));
    }
  }

  /**
   * The displaced pods stop counting on the node at once (the nominator). Upstream's nominator
   * learns it only when the informer brings the patched pods back; the lab counts its own
   * nominations at once too (schedule-one.ts), so it drops them the same way. Then
   * status.nominatedNodeName is cleared on each, one after another. When the informer brings a
   * patched pod back, eventhandlers.updatePod re-queues it if parked (SchedulingQueue.update), so
   * it looks for room anew. A failed patch is logged (through `background`) and never stops the
   * preemption: the returned promise always resolves, once every patch has been tried.
   */
  private clearNominations(preemptor: V1Pod, nodeName: string, displaced: readonly V1Pod[]): Promise<void> {
    if (displaced.length === 0) return Promise.resolve();
    for (const pod of displaced) this.deps.nominator.deleteNominatedPod(pod);
    this.deps.log.info(`lower-priority pods lose their nomination to node ${nodeName}: ${displaced.map(podName).join(', ')}`, { pod: podName(preemptor) });
    const written = this.patchNominationsCleared(nodeName, displaced);
    this.deps.background(`status.nominatedNodeName of lower-priority pods on node ${nodeName}`, written);
    return written.catch(() => undefined);
  }

  /** One status patch per pod whose status still names a node; a pod already gone is no error. Rejects with every other failure. */
  private async patchNominationsCleared(nodeName: string, pods: readonly V1Pod[]): Promise<void> {
    const failures: string[] = [];
    for (const pod of pods) {
      const body = clearNominationPatch(pod);
      if (!body) continue;
      try {
        await patchPodStatus(this.core, pod, body.status);
      } catch (err) {
        if (isNotFound(err)) continue;
        failures.push(`${podName(pod)}: ${errorMessage(err)}`);
      }
    }
    if (failures.length > 0) throw new Error(`cannot clear status.nominatedNodeName of lower-priority pods nominated to node ${nodeName}: ${failures.join('; ')}`);
  }

  /** One victim: mark it (unless marked already), delete it, then the Preempted event. A victim already gone is no error. */
  async evict(preemptor: V1Pod, nodeName: string, victim: V1Pod): Promise<void> {
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
          message: `${preemptor.spec?.schedulerName ?? this.deps.schedulerName}: preempting to accommodate a higher priority pod`,
          lastTransitionTime: this.now().toISOString(),
        };
        await patchPodStatus(this.core, victim, { conditions: [condition] });
      }
      // The uid precondition makes sure we delete the pod we chose, not a namesake created since.
      await this.core.deleteNamespacedPod({ name, namespace, body: { preconditions: { uid: victim.metadata?.uid } } });
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) {
        this.deps.log.info('preemption victim is already gone', { pod: podName(victim), preemptor: podName(preemptor) });
        return;
      }
      throw err;
    }
    await this.deps.recorder.event(victim, 'Normal', EventReason.Preempted, `Preempted by pod ${preemptor.metadata?.uid} on node ${nodeName}`);
  }
}

/** A pod as the preempt decision's details name it. */
function podRef(pod: V1Pod): { namespace?: string; name?: string; uid?: string; priority: number } {
  return { namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid, priority: podPriority(pod) };
}
