import type { V1Taint, V1Toleration } from '@kubernetes/client-node';
import type { FilterPlugin, ScorePlugin } from '../framework/interfaces.js';
import { defaultNormalizeScore } from '../framework/normalize.js';
import { success, unresolvable } from '../framework/status.js';
import { firstUntoleratedTaint, tolerates } from './helpers.js';

/**
 * Upstream v1.34's reason (plugins/tainttoleration/taint_toleration.go): the same for every taint,
 * so nodes count together in FailedScheduling; upstream names the taint only in its log. (The lab
 * used to name it here too, as "{key: value}".)
 */
export const ERR_REASON_UNTOLERATED_TAINTS = 'node(s) had untolerated taint(s)';

export function untoleratedTaintReason(_taint: V1Taint): string {
  return ERR_REASON_UNTOLERATED_TAINTS;
}

/** Number of PreferNoSchedule taints not covered by the pod's PreferNoSchedule (or effect-less) tolerations. */
export function countIntolerablePreferNoSchedule(taints: readonly V1Taint[] | undefined, tolerations: readonly V1Toleration[] | undefined): number {
  const relevant = (tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  return (taints ?? []).filter((taint) => taint.effect === 'PreferNoSchedule' && !relevant.some((t) => tolerates(t, taint))).length;
}

/**
 * Filter: reject nodes with a NoSchedule or NoExecute taint the pod does not tolerate.
 * Score: fewer untolerated PreferNoSchedule taints is better (normalised, reversed).
 */
export const TaintToleration: FilterPlugin & ScorePlugin = {
  name: 'TaintToleration',
  filter(_state, pod, nodeInfo) {
    const taint = firstUntoleratedTaint(nodeInfo.node.spec?.taints, pod.spec?.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
    return taint ? unresolvable(untoleratedTaintReason(taint)) : success();
  },
  score(_state, pod, nodeInfo) {
    return countIntolerablePreferNoSchedule(nodeInfo.node.spec?.taints, pod.spec?.tolerations);
  },
  scoreExtensions: {
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(scores, true);
    },
  },
};
