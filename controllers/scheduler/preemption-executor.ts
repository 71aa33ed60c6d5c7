/**
 * Carries out a preemption DefaultPreemption chose (upstream's framework/preemption Executor and its
 * prepareCandidate): reports the decision, then for each victim not already terminating writes a
 * DisruptionTarget condition, deletes it (guarded by its uid) and records a Normal "Preempted"
 * event on it. The writes run in the background, as upstream's async preemption; the caller's
 * `background` tracks them so shutdown waits. Choosing victims stays in the pure plugin
 * (plugins/default-preemption.ts); setting status.nominatedNodeName stays with the failure
 * handling in schedule-one.ts, which writes it in the same patch as PodScheduled=False.
 */
import { PatchStrategy, setHeaderOptions, type CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import type { DecisionSink } from '../shared/decisions.js';
import type { EventRecorder } from '../shared/events.js';
import type { Logger } from '../shared/log.js';
import { isConflict, isNotFound } from '../shared/retry.js';
import { EventReason } from './constants.js';
import type { PostFilterResult } from './framework/interfaces.js';
import { podName } from './pod-name.js';
import { DISRUPTION_TARGET, REASON_PREEMPTION_BY_SCHEDULER } from './plugins/default-preemption.js';
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

export interface PreemptionExecutorDeps {
  core: Pick<CoreV1Api, 'patchNamespacedPodStatus' | 'deleteNamespacedPod'>;
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

  /** Report the preemption, then evict each victim in the background. */
  preempt(preemptor: V1Pod, { nodeName, victims }: Preemption): void {
    const reason = `preempt Pod ${podName(preemptor)} on node ${nodeName}: victims ${victims.map(podName).join(', ')} (priority ${victims.map(podPriority).join(', ')})`;
    this.deps.log.info(reason, { pod: podName(preemptor) });
    this.deps.decisions({
      component: this.deps.schedulerName,
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
      this.deps.background(`preemption of ${podName(victim)}`, this.evict(preemptor, nodeName, victim));
    }
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
        await this.core.patchNamespacedPodStatus(
          { name, namespace, body: { status: { conditions: [condition] } } },
          setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
        );
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
