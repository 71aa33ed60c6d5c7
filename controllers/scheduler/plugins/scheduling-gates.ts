/**
 * SchedulingGates (PreEnqueue), after upstream's
 * pkg/scheduler/framework/plugins/schedulinggates/scheduling_gates.go: a pod whose
 * spec.schedulingGates is not empty never enters the active queue. The queue parks it as gated
 * until an update of the pod passes PreEnqueue (its last gate removed).
 *
 * The PodScheduled=False condition with reason SchedulingGated ("Scheduling is blocked due to
 * non-empty scheduling gates") is not the scheduler's to write: upstream's API server adds it when
 * such a pod is created (pkg/registry/core/pod/strategy.go, applySchedulingGatedCondition), and it
 * refuses a binding while gates remain. The scheduler's part is to leave the pod alone, so that
 * condition stays until the gates are gone.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { PreEnqueuePlugin } from '../framework/interfaces.js';
import { success, unresolvable } from '../framework/status.js';

export const SCHEDULING_GATES = 'SchedulingGates';

/** The reason the API server puts on a gated pod's PodScheduled condition, and its message. */
export const POD_REASON_SCHEDULING_GATED = 'SchedulingGated';
export const SCHEDULING_GATED_MESSAGE = 'Scheduling is blocked due to non-empty scheduling gates';

/** Upstream's status message: Go's %v of the gate names, "waiting for scheduling gates: [a b]". */
export function schedulingGatesMessage(pod: V1Pod): string | undefined {
  const gates = pod.spec?.schedulingGates ?? [];
  if (gates.length === 0) return undefined;
  return `waiting for scheduling gates: [${gates.map((g) => g.name).join(' ')}]`;
}

export const SchedulingGates: PreEnqueuePlugin = {
  name: SCHEDULING_GATES,
  preEnqueue(pod) {
    const message = schedulingGatesMessage(pod);
    return message === undefined ? success() : unresolvable(message);
  },
};
