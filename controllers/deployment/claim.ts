// Which ReplicaSets a Deployment owns (controller_ref_manager.go ClaimObject): owned ones that
// still match stay, owned ones that stopped matching are released, matching orphans are adopted.
import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { selectorMatches } from '../shared/labels.js';

export type ClaimDecision = 'keep' | 'adopt' | 'release' | 'ignore';

export function claimDecision(d: V1Deployment, rs: V1ReplicaSet): ClaimDecision {
  const ref = rs.metadata?.ownerReferences?.find((r) => r.controller === true);
  const matches = selectorMatches(d.spec?.selector, rs.metadata?.labels);
  const deploymentDeleting = !!d.metadata?.deletionTimestamp;
  if (ref) {
    if (ref.uid !== d.metadata?.uid) return 'ignore'; // someone else's
    if (matches) return 'keep';
    return deploymentDeleting ? 'ignore' : 'release';
  }
  if (deploymentDeleting || !matches || rs.metadata?.deletionTimestamp) return 'ignore';
  if (d.metadata?.namespace && d.metadata.namespace !== rs.metadata?.namespace) return 'ignore';
  return 'adopt';
}

/** getPodMapForDeployment: pods grouped by the uid of the claimed ReplicaSet controlling them. */
export function podsByReplicaSet(d: V1Deployment, rsList: readonly V1ReplicaSet[], pods: readonly V1Pod[]): Map<string, V1Pod[]> {
  const map = new Map<string, V1Pod[]>();
  for (const rs of rsList) if (rs.metadata?.uid) map.set(rs.metadata.uid, []);
  for (const pod of pods) {
    if (pod.metadata?.namespace !== d.metadata?.namespace || !selectorMatches(d.spec?.selector, pod.metadata?.labels)) continue;
    const ref = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
    if (ref) map.get(ref.uid)?.push(pod);
  }
  return map;
}
