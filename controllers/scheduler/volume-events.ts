/**
 * Which parked pods a volume object's change may help (upstream: the volume plugins'
 * EventsToRegister and queueing hints): a claim, PV, StorageClass, CSINode or VolumeAttachment
 * event moves the pods VolumeBinding, VolumeRestrictions or NodeVolumeLimits rejected, if the
 * plugin's hint says the change could turn its verdict; others stay parked.
 */
import type { V1CSINode, V1PersistentVolumeClaim, V1Pod, V1StorageClass } from '@kubernetes/client-node';
import type { VolumeInformers } from './cluster-informers.js';
import { csiNodeUpdateMayHelp, NODE_VOLUME_LIMITS } from './plugins/node-volume-limits.js';
import { claimChangeMayHelp, storageClassChangeMayHelp, VOLUME_BINDING } from './plugins/volume-binding.js';
import { podClaims } from './plugins/volume-claims.js';
import { VOLUME_RESTRICTIONS } from './plugins/volume-restrictions.js';
import type { SchedulingQueue } from './queue.js';

type Queue = Pick<SchedulingQueue, 'moveRejectedBy'>;

const MIGRATED_PLUGINS = 'storage.alpha.kubernetes.io/migrated-plugins';

/** VolumeRestrictions' PVC hint looks at persistentVolumeClaim volumes only, not ephemeral ones. */
function namedClaimMayHelp(pod: V1Pod, pvc: V1PersistentVolumeClaim): boolean {
  return pod.metadata?.namespace === pvc.metadata?.namespace && (pod.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === pvc.metadata?.name);
}

/** Upstream's hint for a PVC event, per plugin (VolumeBinding: add/update; the others: add only). */
export function claimEventMayHelp(pvc: V1PersistentVolumeClaim, added: boolean): (pod: V1Pod, plugin: string) => boolean {
  return (pod, plugin) => {
    if (plugin === VOLUME_RESTRICTIONS) return added && namedClaimMayHelp(pod, pvc);
    if (plugin === NODE_VOLUME_LIMITS) return added && claimChangeMayHelp(pod, pvc);
    return claimChangeMayHelp(pod, pvc);
  };
}

/** Upstream's hint for a CSINode event: VolumeBinding cares about migrated plugins, NodeVolumeLimits about higher limits; an add helps both. */
export function csiNodeEventMayHelp(oldNode: V1CSINode | undefined, newNode: V1CSINode): (pod: V1Pod, plugin: string) => boolean {
  return (_pod, plugin) => {
    if (!oldNode) return true;
    if (plugin === NODE_VOLUME_LIMITS) return csiNodeUpdateMayHelp(oldNode, newNode);
    return oldNode.metadata?.annotations?.[MIGRATED_PLUGINS] !== newNode.metadata?.annotations?.[MIGRATED_PLUGINS];
  };
}

export function wireVolumeEvents(informers: VolumeInformers, queue: Queue): void {
  const claims = (type: string, pvc: V1PersistentVolumeClaim, added: boolean) =>
    queue.moveRejectedBy(`PersistentVolumeClaim${type}`, [VOLUME_BINDING, VOLUME_RESTRICTIONS, NODE_VOLUME_LIMITS], claimEventMayHelp(pvc, added));
  informers.persistentVolumeClaims.onAdd((pvc) => claims('Add', pvc, true));
  informers.persistentVolumeClaims.onUpdate((_old, pvc) => claims('Update', pvc, false));

  // Upstream registers PV add/update for VolumeBinding without a hint: every such pod is retried.
  informers.persistentVolumes.onAdd(() => queue.moveRejectedBy('PersistentVolumeAdd', [VOLUME_BINDING]));
  informers.persistentVolumes.onUpdate(() => queue.moveRejectedBy('PersistentVolumeUpdate', [VOLUME_BINDING]));

  const classes = (type: string, oldClass: V1StorageClass | undefined, sc: V1StorageClass) =>
    queue.moveRejectedBy(`StorageClass${type}`, [VOLUME_BINDING], () => storageClassChangeMayHelp(oldClass, sc));
  informers.storageClasses.onAdd((sc) => classes('Add', undefined, sc));
  informers.storageClasses.onUpdate((oldClass, sc) => classes('Update', oldClass, sc));

  informers.csiNodes.onAdd((n) => queue.moveRejectedBy('CSINodeAdd', [VOLUME_BINDING, NODE_VOLUME_LIMITS], csiNodeEventMayHelp(undefined, n)));
  informers.csiNodes.onUpdate((o, n) => queue.moveRejectedBy('CSINodeUpdate', [VOLUME_BINDING, NODE_VOLUME_LIMITS], csiNodeEventMayHelp(o, n)));

  // A detached volume frees a slot; upstream retries pods with claims (in-tree inline volumes are not counted here).
  informers.volumeAttachments.onDelete(() => queue.moveRejectedBy('VolumeAttachmentDelete', [NODE_VOLUME_LIMITS], (pod) => podClaims(pod).some((c) => !c.ephemeral)));
}
