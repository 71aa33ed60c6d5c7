// Adoption and release (upstream PodControllerRefManager.ClaimPods): a ReplicaSet owns the pods
// whose controller reference points at it; orphans that match its selector are adopted, owned pods
// that no longer match are released. Returned as actions for controller.ts to carry out.
import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { selectorMatches } from '../shared/labels.js';
import { adoptPatch as ownerAdoptPatch, controllerRefOf, releasePatch as ownerReleasePatch } from '../shared/owner-refs.js';
import { REPLICASET_GVK } from './pod-template.js';

export interface ClaimPlan {
  /** Pods the ReplicaSet already owns and keeps. */
  owned: V1Pod[];
  /** Orphans to adopt (add our controller reference). */
  adopt: V1Pod[];
  /** Owned pods to release (remove our controller reference). */
  release: V1Pod[];
}

/** `pods` are the active pods of the ReplicaSet's namespace. */
export function planClaims(rs: V1ReplicaSet, pods: V1Pod[]): ClaimPlan {
  const plan: ClaimPlan = { owned: [], adopt: [], release: [] };
  const rsUid = rs.metadata?.uid;
  const rsBeingDeleted = Boolean(rs.metadata?.deletionTimestamp);
  for (const pod of pods) {
    const matches = selectorMatches(rs.spec?.selector, pod.metadata?.labels);
    const ref = controllerRefOf(pod);
    if (ref) {
      if (ref.uid !== rsUid) continue; // someone else's pod
      if (matches) plan.owned.push(pod);
      // A ReplicaSet being deleted does not release: the garbage collector deletes its pods.
      else if (!rsBeingDeleted) plan.release.push(pod);
      continue;
    }
    const adoptable =
      matches && !rsBeingDeleted && !pod.metadata?.deletionTimestamp && pod.metadata?.namespace === rs.metadata?.namespace;
    if (adoptable) plan.adopt.push(pod);
  }
  return plan;
}

/** Strategic merge patch adding the ReplicaSet's controller reference to the pod (guarded by the pod's uid). */
export function adoptPatch(rs: V1ReplicaSet, pod: V1Pod): object {
  return ownerAdoptPatch(rs, REPLICASET_GVK, pod);
}

/** Strategic merge patch deleting the ReplicaSet's reference from the pod. */
export function releasePatch(rs: V1ReplicaSet, pod: V1Pod): object {
  return ownerReleasePatch(rs, pod);
}
