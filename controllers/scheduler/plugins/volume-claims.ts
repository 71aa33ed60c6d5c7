/**
 * What the volume plugins share about PVCs and PVs (upstream: component-helpers/storage/volume
 * and storage/ephemeral): which claims a pod uses, a claim's class, whether a PV fits a node.
 */
import type { V1Node, V1PersistentVolume, V1PersistentVolumeClaim, V1Pod, V1TopologySelectorTerm, V1Volume } from '@kubernetes/client-node';
import { quantityValue } from '../quantity.js';
import { nodeSelectorTermsMatch } from './helpers.js';

/** The PV controller's annotation: the claim's binding is complete. */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
/** The PV controller's annotation on a PV it (or the scheduler) bound. */
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** Set by the scheduler on a WaitForFirstConsumer claim to be provisioned on that node. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** The legacy class annotation, still read before spec.storageClassName. */
const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
/** A StorageClass with this provisioner has no dynamic provisioning (local volumes). */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** One volume of a pod that is backed by a claim, with the claim's name. */
export interface PodClaim {
  readonly volume: V1Volume;
  readonly claimName: string;
  /** A generic ephemeral volume: the claim is named `<pod>-<volume>` and must be owned by the pod. */
  readonly ephemeral: boolean;
}

/** The pod's volumes backed by a PersistentVolumeClaim, in spec order (upstream's loop over pod.Spec.Volumes). */
export function podClaims(pod: V1Pod): PodClaim[] {
  const claims: PodClaim[] = [];
  for (const volume of pod.spec?.volumes ?? []) {
    if (volume.persistentVolumeClaim) claims.push({ volume, claimName: volume.persistentVolumeClaim.claimName, ephemeral: false });
    else if (volume.ephemeral) claims.push({ volume, claimName: `${pod.metadata?.name ?? ''}-${volume.name}`, ephemeral: true });
  }
  return claims;
}

/** Upstream's ephemeral.VolumeIsForPod: the claim of an ephemeral volume must be controlled by the pod. */
export function ephemeralClaimOwnerError(pod: V1Pod, pvc: V1PersistentVolumeClaim): string | undefined {
  const owner = pvc.metadata?.ownerReferences?.find((ref) => ref.controller);
  if (owner?.uid === pod.metadata?.uid) return undefined;
  return `PVC ${pvc.metadata?.namespace}/${pvc.metadata?.name} was not created for pod ${pod.metadata?.namespace}/${pod.metadata?.name} (pod is not owner)`;
}

/** Upstream's GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName. */
export function claimClass(pvc: V1PersistentVolumeClaim): string {
  return pvc.metadata?.annotations?.[ANN_BETA_STORAGE_CLASS] ?? pvc.spec?.storageClassName ?? '';
}

/** Upstream's GetPersistentVolumeClass, the same for a PV. */
export function volumeClass(pv: V1PersistentVolume): string {
  return pv.metadata?.annotations?.[ANN_BETA_STORAGE_CLASS] ?? pv.spec?.storageClassName ?? '';
}

/** Bytes a claim requests (0 if none). */
export function claimRequestBytes(pvc: V1PersistentVolumeClaim): number {
  const storage = pvc.spec?.resources?.requests?.storage;
  return storage === undefined ? 0 : quantityValue(storage);
}

/** Bytes a PV offers (0 if none). */
export function volumeCapacityBytes(pv: V1PersistentVolume): number {
  const storage = pv.spec?.capacity?.storage;
  return storage === undefined ? 0 : quantityValue(storage);
}

/** Upstream's isPVCFullyBound: a volume name and the PV controller's bind-completed annotation. */
export function claimFullyBound(pvc: V1PersistentVolumeClaim): boolean {
  return !!pvc.spec?.volumeName && pvc.metadata?.annotations?.[ANN_BIND_COMPLETED] !== undefined;
}

/** Upstream's CheckNodeAffinity: a PV without required node affinity fits every node. */
export function volumeFitsNode(pv: V1PersistentVolume, node: V1Node): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms) return true;
  return nodeSelectorTermsMatch(terms, node);
}

/** Upstream's IsVolumeBoundToClaim: the PV's claimRef names the claim (and its UID, if set). */
export function volumeBoundToClaim(pv: V1PersistentVolume, pvc: V1PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref || ref.name !== pvc.metadata?.name || ref.namespace !== pvc.metadata?.namespace) return false;
  return !ref.uid || ref.uid === pvc.metadata?.uid;
}

/** Upstream's CheckAccessModes: the PV offers every mode the claim asks for. */
export function accessModesFit(pvc: V1PersistentVolumeClaim, pv: V1PersistentVolume): boolean {
  const offered = new Set(pv.spec?.accessModes ?? []);
  return (pvc.spec?.accessModes ?? []).every((mode) => offered.has(mode));
}

/** Upstream's CheckVolumeModeMismatches, with a missing mode read as Filesystem. */
export function volumeModesMatch(pvc: V1PersistentVolumeClaim, pv: V1PersistentVolume): boolean {
  return (pvc.spec?.volumeMode ?? 'Filesystem') === (pv.spec?.volumeMode ?? 'Filesystem');
}

/**
 * Upstream's MatchTopologySelectorTerms for a StorageClass's allowedTopologies: no terms match
 * every node; terms are ORed; a term's expressions (key In values) are ANDed; an empty term matches none.
 */
export function allowedTopologiesMatch(terms: readonly V1TopologySelectorTerm[] | undefined, node: V1Node): boolean {
  if (!terms || terms.length === 0) return true;
  const labels = node.metadata?.labels ?? {};
  return terms.some((term) => {
    const expressions = term.matchLabelExpressions ?? [];
    return expressions.length > 0 && expressions.every((e) => Object.hasOwn(labels, e.key) && e.values.includes(labels[e.key]!));
  });
}
