import type { FilterPlugin } from '../framework/interfaces.js';
import { success, unresolvable } from '../framework/status.js';
import { tolerates } from './helpers.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const UNSCHEDULABLE_TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** Filter: a cordoned node (spec.unschedulable) takes only pods that tolerate the unschedulable taint. */
export const NodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(_state, pod, nodeInfo) {
    if (!nodeInfo.node.spec?.unschedulable) return success();
    const tolerated = (pod.spec?.tolerations ?? []).some((t) => tolerates(t, UNSCHEDULABLE_TAINT));
    return tolerated ? success() : unresolvable(ERR_REASON_UNSCHEDULABLE);
  },
};
