/**
 * VolumeRestrictions (upstream framework/plugins/volumerestrictions): a ReadWriteOncePod claim
 * may be used by one pod only, and the in-tree disks that cannot be mounted twice (GCE PD unless
 * both read-only, AWS EBS, iSCSI and RBD unless both read-only) may not be shared on a node.
 */
import type { V1Pod, V1Volume } from '@kubernetes/client-node';
import { StateKey, type StateData } from '../framework/cycle-state.js';
import type { FilterPlugin, PreFilterExtensions, PreFilterPlugin } from '../framework/interfaces.js';
import { listersOf } from '../framework/listers.js';
import type { NodeInfo } from '../framework/node-info.js';
import { skip, success, unresolvable, unschedulable } from '../framework/status.js';

export const VOLUME_RESTRICTIONS = 'VolumeRestrictions';
export const ERR_REASON_DISK_CONFLICT = 'node(s) had no available disk';
export const ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT = 'node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod';

/** Upstream's preFilterState: the pod's ReadWriteOncePod claims and how many pods already use them. */
class RestrictionsState implements StateData {
  constructor(
    readonly readWriteOncePodClaims: ReadonlySet<string>,
    public conflictingClaimRefs: number,
  ) {}

  /** References from `pod` to the claims (same namespace as the pod being scheduled). */
  refsFrom(pod: V1Pod, namespace: string): number {
    if (pod.metadata?.namespace !== namespace) return 0;
    return (pod.spec?.volumes ?? []).filter((v) => v.persistentVolumeClaim && this.readWriteOncePodClaims.has(v.persistentVolumeClaim.claimName)).length;
  }

  clone(): StateData {
    return new RestrictionsState(this.readWriteOncePodClaims, this.conflictingClaimRefs);
  }
}

const STATE_KEY = new StateKey<RestrictionsState>('PreFilterVolumeRestrictions');

/** The in-tree volume kinds that conflict when two pods on a node mount the same disk. */
function needsRestrictionsCheck(v: V1Volume): boolean {
  return !!(v.gcePersistentDisk || v.awsElasticBlockStore || v.rbd || v.iscsi);
}

/** Upstream's isVolumeConflict: does `volume` clash with any volume of `pod`? */
export function isVolumeConflict(volume: V1Volume, pod: V1Pod): boolean {
  return (pod.spec?.volumes ?? []).some((existing) => {
    const gce = volume.gcePersistentDisk;
    const egce = existing.gcePersistentDisk;
    if (gce && egce && gce.pdName === egce.pdName && !(gce.readOnly && egce.readOnly)) return true;
    if (volume.awsElasticBlockStore && existing.awsElasticBlockStore && volume.awsElasticBlockStore.volumeID === existing.awsElasticBlockStore.volumeID) return true;
    const iscsi = volume.iscsi;
    const eiscsi = existing.iscsi;
    if (iscsi && eiscsi && iscsi.iqn === eiscsi.iqn && !(iscsi.readOnly && eiscsi.readOnly)) return true;
    const rbd = volume.rbd;
    const erbd = existing.rbd;
    if (rbd && erbd) {
      const monitorsOverlap = rbd.monitors.some((m) => erbd.monitors.includes(m));
      // An unset pool is upstream's default "rbd" on both sides, so comparing as given is the same.
      if (monitorsOverlap && rbd.pool === erbd.pool && rbd.image === erbd.image && !(rbd.readOnly && erbd.readOnly)) return true;
    }
    return false;
  });
}

/** Upstream's satisfyVolumeConflicts: none of the pod's in-tree disks is already mounted by a pod on the node. */
export function satisfiesVolumeConflicts(pod: V1Pod, nodeInfo: Pick<NodeInfo, 'pods'>): boolean {
  return (pod.spec?.volumes ?? []).filter(needsRestrictionsCheck).every((v) => !nodeInfo.pods.some((p) => isVolumeConflict(v, p.pod)));
}

/** 'namespace/claim' of every claim a pod on one of the nodes uses (upstream's usedPVCSet). */
function claimsInUse(nodes: readonly NodeInfo[]): Set<string> {
  const used = new Set<string>();
  for (const nodeInfo of nodes) {
    for (const { pod } of nodeInfo.pods) {
      for (const v of pod.spec?.volumes ?? []) if (v.persistentVolumeClaim) used.add(`${pod.metadata?.namespace}/${v.persistentVolumeClaim.claimName}`);
    }
  }
  return used;
}

const extensions: PreFilterExtensions = {
  addPod(state, podToSchedule, podToAdd) {
    const s = state.read(STATE_KEY);
    if (s) s.conflictingClaimRefs += s.refsFrom(podToAdd, podToSchedule.metadata?.namespace ?? '');
  },
  removePod(state, podToSchedule, podToRemove) {
    const s = state.read(STATE_KEY);
    if (s) s.conflictingClaimRefs -= s.refsFrom(podToRemove, podToSchedule.metadata?.namespace ?? '');
  },
};

export const VolumeRestrictions: PreFilterPlugin & FilterPlugin = {
  name: VOLUME_RESTRICTIONS,
  preFilterExtensions: extensions,

  preFilter(state, pod, nodes) {
    const namespace = pod.metadata?.namespace ?? '';
    const listers = listersOf(state);
    const rwop = new Set<string>();
    for (const v of pod.spec?.volumes ?? []) {
      if (!v.persistentVolumeClaim) continue;
      const name = v.persistentVolumeClaim.claimName;
      const pvc = listers.persistentVolumeClaim(namespace, name);
      if (!pvc) return unresolvable(`persistentvolumeclaim "${name}" not found`);
      if (pvc.spec?.accessModes?.includes('ReadWriteOncePod')) rwop.add(name);
    }
    // Upstream's IsPVCUsedByPods over the snapshot: one count per claim some pod on a node uses
    // (walked only for a pod with ReadWriteOncePod claims, so pods without pay nothing).
    const used = rwop.size > 0 ? claimsInUse(nodes) : new Set<string>();
    const s = new RestrictionsState(rwop, [...rwop].filter((name) => used.has(`${namespace}/${name}`)).length);
    if (!(pod.spec?.volumes ?? []).some(needsRestrictionsCheck) && s.conflictingClaimRefs === 0) return skip();
    state.write(STATE_KEY, s);
    return success();
  },

  filter(state, pod, nodeInfo) {
    if (!satisfiesVolumeConflicts(pod, nodeInfo)) return unschedulable(ERR_REASON_DISK_CONFLICT);
    const s = state.mustRead(STATE_KEY);
    return s.conflictingClaimRefs > 0 ? unschedulable(ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT) : success();
  },
};

/**
 * Upstream's queueing hint for a deleted pod: it may free a disk or a ReadWriteOncePod claim the
 * waiting pod needs (same namespace only, as upstream checks).
 */
export function podDeletionMayHelpRestrictions(pod: V1Pod, deleted: V1Pod): boolean {
  if (deleted.metadata?.namespace !== pod.metadata?.namespace) return false;
  if (!satisfiesVolumeConflicts(pod, { pods: [{ pod: deleted, assumed: false }] })) return true;
  const claims = new Set((pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [])));
  return (deleted.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim && claims.has(v.persistentVolumeClaim.claimName));
}
