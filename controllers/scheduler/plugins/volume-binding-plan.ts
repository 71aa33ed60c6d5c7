/**
 * VolumeBinding's decisions, pure over a view of the PVCs, PVs and StorageClasses (upstream
 * volumebinding/binder.go: GetPodVolumeClaims, FindPodVolumes, findMatchingVolumes,
 * checkVolumeProvisions, checkBindings; component-helpers FindMatchingVolume). The plugin file
 * holds the state and the API writes; everything it decides is decided here.
 */
import type { V1Node, V1PersistentVolume, V1PersistentVolumeClaim, V1Pod, V1StorageClass } from '@kubernetes/client-node';
import { selectorMatches } from '../../shared/labels.js';
import {
  accessModesFit,
  allowedTopologiesMatch,
  ANN_BOUND_BY_CONTROLLER,
  ANN_SELECTED_NODE,
  claimClass,
  claimFullyBound,
  claimRequestBytes,
  ephemeralClaimOwnerError,
  NO_PROVISIONER,
  podClaims,
  volumeBoundToClaim,
  volumeCapacityBytes,
  volumeClass,
  volumeFitsNode,
  volumeModesMatch,
} from './volume-claims.js';

/** Upstream's ConflictReasons, in the order FindPodVolumes appends them. */
export const ERR_REASON_NODE_CONFLICT = "node(s) didn't match PersistentVolume's node affinity";
export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_NOT_ENOUGH_SPACE = 'node(s) did not have enough free storage';
export const ERR_REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

/** What the planner reads: PVs and PVCs as the assume cache shows them, StorageClasses as the informer does. */
export interface VolumeView {
  pvc(namespace: string, name: string): V1PersistentVolumeClaim | undefined;
  pv(name: string): V1PersistentVolume | undefined;
  pvs(): readonly V1PersistentVolume[];
  storageClass(name: string): V1StorageClass | undefined;
}

/** A claim's outcome that stops the pod (PreFilter's UnschedulableAndUnresolvable) or the plugin (Error). */
export type PlanFailure = { kind: 'unresolvable' | 'error'; message: string };

/** Upstream's PodVolumeClaims. */
export interface PodVolumeClaims {
  bound: V1PersistentVolumeClaim[];
  unboundDelayBinding: V1PersistentVolumeClaim[];
  unboundImmediate: V1PersistentVolumeClaim[];
}

/**
 * Upstream's podHasPVCs: every claim must exist, not be Lost or being deleted, and (ephemeral)
 * be the pod's own. Returns whether the pod has any claim, or why it cannot be scheduled.
 */
export function checkPodClaimsExist(pod: V1Pod, view: VolumeView): { hasClaims: boolean; failure?: PlanFailure } {
  const namespace = pod.metadata?.namespace ?? '';
  const claims = podClaims(pod);
  for (const { claimName, ephemeral } of claims) {
    const pvc = view.pvc(namespace, claimName);
    if (!pvc) {
      const message = ephemeral
        ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${claimName}"`
        : `persistentvolumeclaim "${claimName}" not found`;
      return { hasClaims: true, failure: { kind: 'unresolvable', message } };
    }
    if (pvc.status?.phase === 'Lost') {
      return { hasClaims: true, failure: { kind: 'unresolvable', message: `persistentvolumeclaim "${claimName}" bound to non-existent persistentvolume "${pvc.spec?.volumeName ?? ''}"` } };
    }
    if (pvc.metadata?.deletionTimestamp) return { hasClaims: true, failure: { kind: 'unresolvable', message: `persistentvolumeclaim "${claimName}" is being deleted` } };
    const notOwned = ephemeral ? ephemeralClaimOwnerError(pod, pvc) : undefined;
    if (notOwned) return { hasClaims: true, failure: { kind: 'unresolvable', message: notOwned } };
  }
  return { hasClaims: claims.length > 0 };
}

/** Upstream's IsDelayBindingMode: true for a WaitForFirstConsumer class; a class without a mode is an error. */
function isDelayBinding(pvc: V1PersistentVolumeClaim, view: VolumeView): boolean | PlanFailure {
  const className = claimClass(pvc);
  if (className === '') return false;
  const sc = view.storageClass(className);
  if (!sc) return false;
  if (!sc.volumeBindingMode) return { kind: 'error', message: `VolumeBindingMode not set for StorageClass "${className}"` };
  return sc.volumeBindingMode === 'WaitForFirstConsumer';
}

/** Upstream's GetPodVolumeClaims: bound, unbound WaitForFirstConsumer, and unbound Immediate (or pre-bound) claims. */
export function classifyPodClaims(pod: V1Pod, view: VolumeView): PodVolumeClaims | PlanFailure {
  const namespace = pod.metadata?.namespace ?? '';
  const out: PodVolumeClaims = { bound: [], unboundDelayBinding: [], unboundImmediate: [] };
  for (const { claimName } of podClaims(pod)) {
    const pvc = view.pvc(namespace, claimName);
    if (!pvc) return { kind: 'error', message: `error getting PVC "${namespace}/${claimName}": not found` };
    if (claimFullyBound(pvc)) {
      out.bound.push(pvc);
      continue;
    }
    const delay = isDelayBinding(pvc, view);
    if (typeof delay !== 'boolean') return delay;
    // A pre-bound claim (volumeName set, not yet complete) is the PV controller's job, like Immediate.
    if (delay && !pvc.spec?.volumeName) out.unboundDelayBinding.push(pvc);
    else out.unboundImmediate.push(pvc);
  }
  return out;
}

export function isPlanFailure(value: unknown): value is PlanFailure {
  return typeof value === 'object' && value !== null && 'kind' in value && 'message' in value;
}

/** A PV chosen for a claim (upstream's BindingInfo). */
export interface StaticBinding {
  pv: V1PersistentVolume;
  readonly pvc: V1PersistentVolumeClaim;
}

/** Upstream's PodVolumes: what Reserve assumes and PreBind writes for one node. */
export interface PodVolumes {
  staticBindings: StaticBinding[];
  dynamicProvisions: V1PersistentVolumeClaim[];
}

/**
 * Upstream's FindMatchingVolume on the scheduler path: the PV pre-bound to the claim if there is
 * one (none at all if it does not fit the node), else the smallest Available PV of the claim's
 * class that is big enough, matches selector, volume mode, attributes class, access modes and
 * the node's labels, and is not excluded.
 */
export function findMatchingVolume(pvc: V1PersistentVolumeClaim, pvs: readonly V1PersistentVolume[], node: V1Node, excluded: ReadonlySet<string>): V1PersistentVolume | undefined {
  const requested = claimRequestBytes(pvc);
  const requestedClass = claimClass(pvc);
  let smallest: V1PersistentVolume | undefined;
  for (const pv of pvs) {
    if (excluded.has(pv.metadata?.name ?? '')) continue;
    const boundToThis = volumeBoundToClaim(pv, pvc);
    if (pv.spec?.claimRef && !boundToThis) continue;
    if (volumeCapacityBytes(pv) < requested) continue;
    if (!volumeModesMatch(pvc, pv)) continue;
    if ((pvc.spec?.volumeAttributesClassName ?? '') !== (pv.spec?.volumeAttributesClassName ?? '')) continue;
    if (pv.metadata?.deletionTimestamp) continue;
    const fitsNode = volumeFitsNode(pv, node);
    if (boundToThis) return fitsNode ? pv : undefined;
    if (pv.status?.phase !== 'Available') continue;
    if (pvc.spec?.selector && !selectorMatches(pvc.spec.selector, pv.metadata?.labels)) continue;
    if (volumeClass(pv) !== requestedClass || !fitsNode || !accessModesFit(pvc, pv)) continue;
    if (!smallest || volumeCapacityBytes(smallest) > volumeCapacityBytes(pv)) smallest = pv;
  }
  return smallest;
}

/** Upstream's checkVolumeProvisions: every claim's class must have a real provisioner whose allowedTopologies admit the node. */
function checkProvisioning(claims: readonly V1PersistentVolumeClaim[], node: V1Node, view: VolumeView): { satisfied: boolean } | PlanFailure {
  for (const pvc of claims) {
    const className = claimClass(pvc);
    if (className === '') return { kind: 'error', message: `no class for claim "${pvc.metadata?.namespace}/${pvc.metadata?.name}"` };
    const sc = view.storageClass(className);
    if (!sc) return { kind: 'error', message: `failed to find storage class "${className}"` };
    if (!sc.provisioner || sc.provisioner === NO_PROVISIONER) return { satisfied: false };
    if (!allowedTopologiesMatch(sc.allowedTopologies, node)) return { satisfied: false };
    // Storage capacity (CSIStorageCapacity) is not tracked by the lab: drivers that opt into it are treated as having room.
  }
  return { satisfied: true };
}

/** What Filter learns for one node: the volumes to bind there, or why the node does not do. */
export interface NodeVolumesPlan {
  podVolumes: PodVolumes;
  reasons: string[];
}

/** Upstream's FindPodVolumes for one node. */
export function findPodVolumes(claims: PodVolumeClaims, node: V1Node, view: VolumeView): NodeVolumesPlan | PlanFailure {
  let boundSatisfied = true;
  let boundPVsFound = true;
  let unboundSatisfied = true;
  const podVolumes: PodVolumes = { staticBindings: [], dynamicProvisions: [] };
  const result = (): NodeVolumesPlan => {
    const reasons: string[] = [];
    if (!boundSatisfied) reasons.push(ERR_REASON_NODE_CONFLICT);
    if (!unboundSatisfied) reasons.push(ERR_REASON_BIND_CONFLICT);
    if (!boundPVsFound) reasons.push(ERR_REASON_PV_NOT_EXIST);
    return { podVolumes, reasons };
  };

  for (const pvc of claims.bound) {
    const pv = view.pv(pvc.spec?.volumeName ?? '');
    if (!pv) {
      boundPVsFound = false;
      break;
    }
    if (!volumeFitsNode(pv, node)) {
      boundSatisfied = false;
      break;
    }
  }
  if (claims.unboundDelayBinding.length === 0) return result();

  const toMatch: V1PersistentVolumeClaim[] = [];
  const toProvision: V1PersistentVolumeClaim[] = [];
  for (const pvc of claims.unboundDelayBinding) {
    const selected = pvc.metadata?.annotations?.[ANN_SELECTED_NODE];
    if (selected === undefined) toMatch.push(pvc);
    else if (selected === node.metadata?.name) toProvision.push(pvc);
    else {
      // Provisioning already started for another node.
      unboundSatisfied = false;
      return result();
    }
  }

  if (toMatch.length > 0) {
    // Smallest requests first, so each gets the smallest PV that fits (a stable sort keeps spec order on ties).
    const bySize = [...toMatch].sort((a, b) => claimRequestBytes(a) - claimRequestBytes(b));
    const chosen = new Set<string>();
    const pvsByClass = new Map<string, V1PersistentVolume[]>();
    for (const pv of view.pvs()) pvsByClass.set(volumeClass(pv), [...(pvsByClass.get(volumeClass(pv)) ?? []), pv]);
    for (const pvc of bySize) {
      const pv = findMatchingVolume(pvc, pvsByClass.get(claimClass(pvc)) ?? [], node, chosen);
      if (!pv) {
        unboundSatisfied = false;
        toProvision.push(pvc);
        continue;
      }
      chosen.add(pv.metadata?.name ?? '');
      podVolumes.staticBindings.push({ pv, pvc });
    }
  }

  if (toProvision.length > 0) {
    const provisioning = checkProvisioning(toProvision, node, view);
    if (isPlanFailure(provisioning)) return provisioning;
    unboundSatisfied = provisioning.satisfied;
    if (provisioning.satisfied) podVolumes.dynamicProvisions.push(...toProvision);
  }
  return result();
}

/** Upstream's GetBindVolumeToClaim: the PV with its claimRef pointing at the claim (and bound-by-controller set); `changed` if anything differs. */
export function volumeBoundTo(pv: V1PersistentVolume, pvc: V1PersistentVolumeClaim): { pv: V1PersistentVolume; changed: boolean } {
  const alreadyBound = volumeBoundToClaim(pv, pvc);
  const ref = pv.spec?.claimRef;
  const meta = pvc.metadata ?? {};
  let changed = false;
  let next: V1PersistentVolume = structuredClone(pv);
  if (!ref || ref.name !== meta.name || ref.namespace !== meta.namespace || ref.uid !== meta.uid) {
    next = { ...next, spec: { ...next.spec, claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: meta.namespace, name: meta.name, uid: meta.uid, resourceVersion: meta.resourceVersion } } };
    changed = true;
  }
  if (!alreadyBound && next.metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER] === undefined) {
    next = { ...next, metadata: { ...next.metadata, annotations: { ...next.metadata?.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' } } };
    changed = true;
  }
  return { pv: next, changed };
}

/** The claim annotated for provisioning on `nodeName` (upstream's AnnSelectedNode). */
export function claimWithSelectedNode(pvc: V1PersistentVolumeClaim, nodeName: string): V1PersistentVolumeClaim {
  const copy = structuredClone(pvc);
  return { ...copy, metadata: { ...copy.metadata, annotations: { ...copy.metadata?.annotations, [ANN_SELECTED_NODE]: nodeName } } };
}

/** True if the informer's copy is older than the one we wrote (its update has not arrived yet). */
function olderThan(informed: { metadata?: { resourceVersion?: string } }, written: { metadata?: { resourceVersion?: string } }): boolean {
  const a = Number(informed.metadata?.resourceVersion ?? 0);
  const b = Number(written.metadata?.resourceVersion ?? 0);
  return Number.isFinite(a) && Number.isFinite(b) && a < b;
}

/** The informers' side of a binding in progress: API objects only, never assumed ones (upstream checks GetAPIPV/GetAPIPVC). */
export interface InformedVolumes {
  pvc(namespace: string, name: string): V1PersistentVolumeClaim | undefined;
  pv(name: string): V1PersistentVolume | undefined;
}

/**
 * Upstream's checkBindings: 'bound' once every claim we bound or asked to provision is fully
 * bound, 'waiting' while the PV controller (or provisioner) is at work, or the reason to give up
 * and schedule the pod again.
 */
export function checkBindings(podVolumes: PodVolumes, node: V1Node, informed: InformedVolumes): 'bound' | 'waiting' | { failed: string } {
  for (const { pv: written, pvc: claim } of podVolumes.staticBindings) {
    const name = written.metadata?.name ?? '';
    const pv = informed.pv(name);
    if (!pv) return { failed: `failed to check binding: persistentvolume "${name}" not found` };
    const pvc = informed.pvc(claim.metadata?.namespace ?? '', claim.metadata?.name ?? '');
    if (!pvc) return { failed: `failed to check binding: persistentvolumeclaim "${claim.metadata?.namespace}/${claim.metadata?.name}" not found` };
    if (olderThan(pv, written)) return 'waiting';
    if (!volumeFitsNode(pv, node)) return { failed: `pv "${name}" node affinity doesn't match node "${node.metadata?.name}"` };
    if (!pv.spec?.claimRef?.uid) return { failed: `ClaimRef got reset for pv "${name}"` };
    if (!claimFullyBound(pvc)) return 'waiting';
  }
  for (const written of podVolumes.dynamicProvisions) {
    const { namespace = '', name = '' } = written.metadata ?? {};
    const pvc = informed.pvc(namespace, name);
    if (!pvc) return { failed: `failed to check provisioning pvc: persistentvolumeclaim "${namespace}/${name}" not found` };
    if (olderThan(pvc, written)) return 'waiting';
    const selected = pvc.metadata?.annotations?.[ANN_SELECTED_NODE];
    if (selected === undefined) return { failed: `selectedNode annotation reset for PVC "${name}"` };
    // A provisioner that failed removes the annotation or points it elsewhere: schedule again.
    if (selected !== node.metadata?.name) return { failed: `provisioning failed for PVC "${name}"` };
    if (pvc.spec?.volumeName) {
      const pv = informed.pv(pvc.spec.volumeName);
      if (!pv) return 'waiting';
      if (!volumeFitsNode(pv, node)) return { failed: `pv "${pv.metadata?.name}" node affinity doesn't match node "${node.metadata?.name}"` };
    }
    if (!claimFullyBound(pvc)) return 'waiting';
  }
  return 'bound';
}
