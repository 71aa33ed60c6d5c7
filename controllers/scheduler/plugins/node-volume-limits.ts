/**
 * NodeVolumeLimits (upstream framework/plugins/nodevolumelimits/csi.go): a node's CSINode says how
 * many volumes each CSI driver may attach there (spec.drivers[].allocatable.count); the pod's new
 * CSI volumes plus those the node's pods and VolumeAttachments already use must stay within it.
 * A claim's driver comes from its bound PV's spec.csi, or, while unbound, from its StorageClass's
 * provisioner. The lab has no in-tree-to-CSI translation (csi-translation-lib), so in-tree
 * volumes (awsElasticBlockStore, gcePersistentDisk, ...) are not counted.
 */
import type { V1CSINode, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type { FilterPlugin, PreFilterPlugin } from '../framework/interfaces.js';
import { listersOf, type ClusterListers } from '../framework/listers.js';
import { errorStatus, skip, success, unresolvable, unschedulable, type Status } from '../framework/status.js';
import { claimClass, ephemeralClaimOwnerError, podClaims } from './volume-claims.js';

export const NODE_VOLUME_LIMITS = 'NodeVolumeLimits';
export const ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED = 'node(s) exceed max volume count';

/** driver/handle → driver, upstream's map of unique volume names. */
type AttachableVolumes = Map<string, string>;

/** Upstream's getVolumeLimits: driver → allocatable count, for drivers that declare one. */
export function csiNodeVolumeLimits(csiNode: V1CSINode | undefined): Map<string, number> {
  const limits = new Map<string, number>();
  for (const d of csiNode?.spec?.drivers ?? []) if (d.allocatable?.count !== undefined) limits.set(d.name, d.allocatable.count);
  return limits;
}

export function createNodeVolumeLimits(opts: { volumeIdPrefix?: string } = {}): PreFilterPlugin & FilterPlugin {
  // Upstream stands a random prefix in for the handle of a volume not provisioned yet, so it never equals a real one.
  const prefix = opts.volumeIdPrefix ?? Math.random().toString(36).slice(2, 14);

  /** Upstream's getCSIDriverInfo: [driver, handle] of a claim, or undefined if it is no CSI volume. */
  function csiDriverOf(listers: ClusterListers, pvc: V1PersistentVolumeClaim): [string, string] | undefined {
    const pv = pvc.spec?.volumeName ? listers.persistentVolume(pvc.spec.volumeName) : undefined;
    if (pv) return pv.spec?.csi ? [pv.spec.csi.driver, pv.spec.csi.volumeHandle] : undefined;
    const className = claimClass(pvc);
    const sc = className ? listers.storageClass(className) : undefined;
    if (!sc) return undefined;
    return [sc.provisioner, `${prefix}-${pvc.metadata?.namespace}/${pvc.metadata?.name}`];
  }

  /** Upstream's filterAttachableVolumes; for the new pod a missing claim is an error, for existing pods it is skipped. */
  function attachableVolumes(listers: ClusterListers, pod: V1Pod, newPod: boolean, into: AttachableVolumes): Status | undefined {
    const namespace = pod.metadata?.namespace ?? '';
    for (const { claimName, ephemeral } of podClaims(pod)) {
      const pvc = listers.persistentVolumeClaim(namespace, claimName);
      if (!pvc) {
        // Upstream: a NotFound for the pod being scheduled is UnschedulableAndUnresolvable.
        if (newPod) return unresolvable(`looking up PVC ${namespace}/${claimName}: persistentvolumeclaim "${claimName}" not found`);
        continue;
      }
      const notOwned = ephemeral ? ephemeralClaimOwnerError(pod, pvc) : undefined;
      if (notOwned) return errorStatus(notOwned);
      const info = csiDriverOf(listers, pvc);
      if (info && info[0] && info[1]) into.set(`${info[0]}/${info[1]}`, info[0]);
    }
    return undefined;
  }

  /** Upstream's getNodeVolumeAttachmentInfo: CSI volumes attached to the node by VolumeAttachments. */
  function attachedByVolumeAttachments(listers: ClusterListers, nodeName: string): AttachableVolumes {
    const out: AttachableVolumes = new Map();
    for (const va of listers.volumeAttachments()) {
      const pvName = va.spec?.source?.persistentVolumeName;
      if (va.spec?.nodeName !== nodeName || !va.spec.attacher || !pvName) continue;
      const pv = listers.persistentVolume(pvName);
      if (pv?.spec?.csi) out.set(`${va.spec.attacher}/${pv.spec.csi.volumeHandle}`, va.spec.attacher);
    }
    return out;
  }

  return {
    name: NODE_VOLUME_LIMITS,

    preFilter(_state, pod) {
      // Only claims (and ephemeral claims) can be CSI volumes here: without translation, inline in-tree volumes are not.
      return podClaims(pod).length > 0 ? success() : skip();
    },

    filter(state, pod, nodeInfo) {
      const listers = listersOf(state);
      const newVolumes: AttachableVolumes = new Map();
      const failed = attachableVolumes(listers, pod, true, newVolumes);
      if (failed) return failed;
      if (newVolumes.size === 0) return success();
      const limits = csiNodeVolumeLimits(listers.csiNode(nodeInfo.name));
      if (limits.size === 0) return success();

      const attached: AttachableVolumes = new Map();
      for (const { pod: existing } of nodeInfo.pods) {
        const failed = attachableVolumes(listers, existing, false, attached);
        if (failed) return failed;
      }
      const attachedCount = new Map<string, number>();
      const bump = (m: Map<string, number>, driver: string) => m.set(driver, (m.get(driver) ?? 0) + 1);
      for (const [unique, driver] of attached) {
        newVolumes.delete(unique); // already on the node: no new attachment
        bump(attachedCount, driver);
      }
      for (const [unique, driver] of attachedByVolumeAttachments(listers, nodeInfo.name)) if (!attached.has(unique)) bump(attachedCount, driver);
      const newCount = new Map<string, number>();
      for (const driver of newVolumes.values()) bump(newCount, driver);
      for (const [driver, count] of newCount) {
        const limit = limits.get(driver);
        if (limit !== undefined && (attachedCount.get(driver) ?? 0) + count > limit) return unschedulable(ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED);
      }
      return success();
    },
  };
}

/** Upstream's queueing hint for a CSINode update: some driver's limit went up. */
export function csiNodeUpdateMayHelp(oldNode: V1CSINode, newNode: V1CSINode): boolean {
  const before = csiNodeVolumeLimits(oldNode);
  return (newNode.spec?.drivers ?? []).some((d) => (d.allocatable?.count ?? 0) > (before.get(d.name) ?? 0));
}
