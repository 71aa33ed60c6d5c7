/**
 * What plugins may read about the cluster beyond nodes and pods: upstream's plugins get these
 * through the framework Handle's SharedInformerFactory. InterPodAffinity needs namespaces (for
 * namespaceSelector and the incoming pod's namespace labels); PodTopologySpread's default
 * constraints need the Services, ReplicationControllers, ReplicaSets and StatefulSets that select
 * a pod; DefaultPreemption needs the PodDisruptionBudgets; the volume plugins (VolumeBinding,
 * VolumeRestrictions, NodeVolumeLimits) need PVCs, PVs, StorageClasses, CSINodes and
 * VolumeAttachments, and VolumeBinding's PreBind writes through `volumeClient` (upstream's
 * Handle.ClientSet()). The runtime lends them to every cycle through the cycle state (LISTERS_KEY); a runtime
 * built without them (unit tests, a learner's bare runtime) lends empty ones.
 */
import type {
  KubernetesObject,
  V1CSINode,
  V1Namespace,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1ReplicationController,
  V1Service,
  V1StatefulSet,
  V1StorageClass,
  V1VolumeAttachment,
} from '@kubernetes/client-node';
import { StateKey, type CycleState } from './cycle-state.js';

export interface ClusterListers {
  namespaces(): readonly V1Namespace[];
  namespace(name: string): V1Namespace | undefined;
  services(namespace: string): readonly V1Service[];
  replicationController(namespace: string, name: string): V1ReplicationController | undefined;
  replicaSet(namespace: string, name: string): V1ReplicaSet | undefined;
  statefulSet(namespace: string, name: string): V1StatefulSet | undefined;
  podDisruptionBudgets(): readonly V1PodDisruptionBudget[];
  persistentVolumeClaim(namespace: string, name: string): V1PersistentVolumeClaim | undefined;
  persistentVolumes(): readonly V1PersistentVolume[];
  persistentVolume(name: string): V1PersistentVolume | undefined;
  storageClass(name: string): V1StorageClass | undefined;
  csiNode(name: string): V1CSINode | undefined;
  volumeAttachments(): readonly V1VolumeAttachment[];
  /** The API writes VolumeBinding's PreBind makes; undefined where nothing may write (tests, bare runtimes). */
  volumeClient(): VolumeClient | undefined;
}

/** Upstream's volume binder updates PVs (claimRef) and PVCs (selected-node) with a plain Update. */
export interface VolumeClient {
  updatePersistentVolume(pv: V1PersistentVolume): Promise<V1PersistentVolume>;
  updatePersistentVolumeClaim(pvc: V1PersistentVolumeClaim): Promise<V1PersistentVolumeClaim>;
  /** Aborted when the scheduler stops, so a PreBind waiting for the PV controller gives up (upstream's cancelled context). */
  readonly stopping?: AbortSignal;
}

/** The read side of an informer's store (controllers/shared/informer.ts), or any map of objects. */
export interface ObjectLister<T extends KubernetesObject> {
  list(namespace?: string): T[];
  get(namespace: string | undefined, name: string): T | undefined;
}

export interface ListerSources {
  namespaces?: ObjectLister<V1Namespace>;
  services?: ObjectLister<V1Service>;
  replicationControllers?: ObjectLister<V1ReplicationController>;
  replicaSets?: ObjectLister<V1ReplicaSet>;
  statefulSets?: ObjectLister<V1StatefulSet>;
  podDisruptionBudgets?: ObjectLister<V1PodDisruptionBudget>;
  persistentVolumeClaims?: ObjectLister<V1PersistentVolumeClaim>;
  persistentVolumes?: ObjectLister<V1PersistentVolume>;
  storageClasses?: ObjectLister<V1StorageClass>;
  csiNodes?: ObjectLister<V1CSINode>;
  volumeAttachments?: ObjectLister<V1VolumeAttachment>;
  volumeClient?: VolumeClient;
}

/** ClusterListers over informer stores; a missing source reads as empty. */
export function clusterListers(sources: ListerSources): ClusterListers {
  return {
    namespaces: () => sources.namespaces?.list() ?? [],
    namespace: (name) => sources.namespaces?.get(undefined, name),
    services: (namespace) => sources.services?.list(namespace) ?? [],
    replicationController: (namespace, name) => sources.replicationControllers?.get(namespace, name),
    replicaSet: (namespace, name) => sources.replicaSets?.get(namespace, name),
    statefulSet: (namespace, name) => sources.statefulSets?.get(namespace, name),
    podDisruptionBudgets: () => sources.podDisruptionBudgets?.list() ?? [],
    persistentVolumeClaim: (namespace, name) => sources.persistentVolumeClaims?.get(namespace, name),
    persistentVolumes: () => sources.persistentVolumes?.list() ?? [],
    persistentVolume: (name) => sources.persistentVolumes?.get(undefined, name),
    storageClass: (name) => sources.storageClasses?.get(undefined, name),
    csiNode: (name) => sources.csiNodes?.get(undefined, name),
    volumeAttachments: () => sources.volumeAttachments?.list() ?? [],
    volumeClient: () => sources.volumeClient,
  };
}

/** A lister over a fixed list of objects (tests, and anything that is not an informer). */
export function listOf<T extends KubernetesObject>(objects: readonly T[]): ObjectLister<T> {
  return {
    list: (namespace) => objects.filter((o) => namespace === undefined || o.metadata?.namespace === namespace),
    get: (namespace, name) => objects.find((o) => o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace)),
  };
}

export const EMPTY_LISTERS: ClusterListers = clusterListers({});

export const LISTERS_KEY = new StateKey<ClusterListers>('framework/listers');

/** The listers the runtime lent this cycle (empty ones if none). */
export function listersOf(state: CycleState): ClusterListers {
  return state.read(LISTERS_KEY) ?? EMPTY_LISTERS;
}
