import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { FilterPlugin, PreFilterPlugin, PreFilterResult, ScorePlugin } from '../framework/interfaces.js';
import { defaultNormalizeScore } from '../framework/normalize.js';
import { skip, success, unresolvable } from '../framework/status.js';
import { nodeSelectorTermMatches, nodeSelectorTermsMatch } from './helpers.js';

export const ERR_REASON_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

function requiredTerms(pod: V1Pod) {
  return pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
}

/** spec.nodeSelector (all labels equal) and the required node affinity (any term) must both match. */
export function podMatchesNodeSelectorAndAffinity(pod: V1Pod, node: V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {})) {
    if (labels[key] !== value) return false;
  }
  const terms = requiredTerms(pod);
  return terms === undefined || nodeSelectorTermsMatch(terms, node);
}

/**
 * If every required term pins metadata.name with In, only those nodes can match: PreFilter
 * narrows the candidates so Filter need not visit the rest.
 */
function nodeNamesPinnedByAffinity(pod: V1Pod): Set<string> | undefined {
  const terms = requiredTerms(pod);
  if (!terms || terms.length === 0) return undefined;
  const names = new Set<string>();
  for (const term of terms) {
    const pin = (term.matchFields ?? []).find((f) => f.key === 'metadata.name' && f.operator === 'In');
    if (!pin) return undefined;
    for (const name of pin.values ?? []) names.add(name);
  }
  return names;
}

/**
 * PreFilter: skip pods without node selector or required affinity; narrow to pinned node names.
 * Filter: nodeSelector + requiredDuringSchedulingIgnoredDuringExecution.
 * Score: sum of the weights of the preferred terms the node matches, normalised to 0..100.
 */
export const NodeAffinity: PreFilterPlugin & FilterPlugin & ScorePlugin = {
  name: 'NodeAffinity',
  preFilter(_state, pod): PreFilterResult {
    const hasSelector = Object.keys(pod.spec?.nodeSelector ?? {}).length > 0;
    if (!hasSelector && requiredTerms(pod) === undefined) return { status: skip() };
    const pinned = nodeNamesPinnedByAffinity(pod);
    return pinned ? { nodeNames: pinned } : {};
  },
  filter(_state, pod, nodeInfo) {
    return podMatchesNodeSelectorAndAffinity(pod, nodeInfo.node) ? success() : unresolvable(ERR_REASON_AFFINITY);
  },
  score(_state, pod, nodeInfo) {
    const preferred = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    return preferred
      .filter((term) => term.weight !== 0 && nodeSelectorTermMatches(term.preference, nodeInfo.node))
      .reduce((sum, term) => sum + term.weight, 0);
  },
  scoreExtensions: {
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(scores, false);
    },
  },
};
