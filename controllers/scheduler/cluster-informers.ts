/**
 * The informers behind the plugins' ClusterListers (framework/listers.ts), as kube-scheduler's
 * SharedInformerFactory serves its plugins: namespaces (InterPodAffinity's namespaceSelector and
 * the pod's namespace labels) and the Services, ReplicationControllers, ReplicaSets and
 * StatefulSets whose selectors PodTopologySpread's default constraints use, and the
 * PodDisruptionBudgets DefaultPreemption weighs victims against, and the PVCs, PVs,
 * StorageClasses, CSINodes and VolumeAttachments the volume plugins read. All list and watch;
 * the one writer is the VolumeClient VolumeBinding's PreBind updates PVs and PVCs through
 * (manifests/rbac/scheduler.yaml grants exactly that). The storage.k8s.io client is made here
 * from the KubeConfig, as the policy one is by the scheduler.
 */
import type {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PolicyV1Api,
  V1CSINode,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1PodDisruptionBudget,
  V1StorageClass,
  V1VolumeAttachment,
  KubernetesObject,
  V1Namespace,
  V1ReplicaSet,
  V1ReplicationController,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { CoreV1Api as CoreApi, StorageV1Api } from '@kubernetes/client-node';
import type { Informer, InformerOptions } from '../shared/informer.js';
import { componentInformer } from '../shared/workload-informers.js';
import type { Logger } from '../shared/log.js';
import type { ListerSources, VolumeClient } from './framework/listers.js';

export type ListerCoreClient = Pick<CoreV1Api, 'listNamespace' | 'listServiceForAllNamespaces' | 'listReplicationControllerForAllNamespaces'>;
export type ListerAppsClient = Pick<AppsV1Api, 'listReplicaSetForAllNamespaces' | 'listStatefulSetForAllNamespaces'>;
export type ListerPolicyClient = Pick<PolicyV1Api, 'listPodDisruptionBudgetForAllNamespaces'>;

type ListedObject =
  | V1Namespace
  | V1Service
  | V1ReplicationController
  | V1ReplicaSet
  | V1StatefulSet
  | V1PodDisruptionBudget
  | V1PersistentVolumeClaim
  | V1PersistentVolume
  | V1StorageClass
  | V1CSINode
  | V1VolumeAttachment;

export interface ListerInformers {
  /** Fills a ListerSources object (the one the runtime's listers read). */
  sources: Required<ListerSources>;
  all: Informer<ListedObject>[];
  /** The volume informers, whose events may make pods the volume plugins rejected schedulable (volume-events.ts). */
  volumes: VolumeInformers;
}

export type VolumeInformers = ReturnType<typeof volumeInformers>;

/** The writes VolumeBinding's PreBind makes, over a CoreV1Api (upstream: PersistentVolumes().Update, PersistentVolumeClaims().Update). */
export function apiVolumeClient(core: Pick<CoreV1Api, 'replacePersistentVolume' | 'replaceNamespacedPersistentVolumeClaim'>, stopping?: AbortSignal): VolumeClient {
  return {
    stopping,
    updatePersistentVolume: (pv) => core.replacePersistentVolume({ name: pv.metadata?.name ?? '', body: pv }),
    updatePersistentVolumeClaim: (pvc) =>
      core.replaceNamespacedPersistentVolumeClaim({ name: pvc.metadata?.name ?? '', namespace: pvc.metadata?.namespace ?? '', body: pvc }),
  };
}

export function createListerInformers(kc: KubeConfig, core: ListerCoreClient, apps: ListerAppsClient, policy: ListerPolicyClient, log?: Logger): ListerInformers {
  const make = <T extends KubernetesObject>(opts: Pick<InformerOptions<T>, 'name' | 'path' | 'list' | 'deserializeAs'>) => componentInformer<T>(kc, { ...opts, log });
  const sources = {
    namespaces: make<V1Namespace>({ name: 'namespaces', path: '/api/v1/namespaces', list: (s) => core.listNamespace(s), deserializeAs: 'V1Namespace' }),
    services: make<V1Service>({ name: 'services', path: '/api/v1/services', list: (s) => core.listServiceForAllNamespaces(s), deserializeAs: 'V1Service' }),
    replicationControllers: make<V1ReplicationController>({ name: 'replicationcontrollers', path: '/api/v1/replicationcontrollers', list: (s) => core.listReplicationControllerForAllNamespaces(s), deserializeAs: 'V1ReplicationController' }),
    replicaSets: make<V1ReplicaSet>({ name: 'replicasets', path: '/apis/apps/v1/replicasets', list: (s) => apps.listReplicaSetForAllNamespaces(s), deserializeAs: 'V1ReplicaSet' }),
    statefulSets: make<V1StatefulSet>({ name: 'statefulsets', path: '/apis/apps/v1/statefulsets', list: (s) => apps.listStatefulSetForAllNamespaces(s), deserializeAs: 'V1StatefulSet' }),
    podDisruptionBudgets: make<V1PodDisruptionBudget>({ name: 'poddisruptionbudgets', path: '/apis/policy/v1/poddisruptionbudgets', list: (s) => policy.listPodDisruptionBudgetForAllNamespaces(s), deserializeAs: 'V1PodDisruptionBudget' }),
  };
  const volumes = volumeInformers(kc, make);
  // The scheduler stops every informer when it stops; that is also when VolumeBinding's PreBind must stop waiting.
  const stopping = new AbortController();
  const claims = volumes.persistentVolumeClaims;
  const stopClaims = claims.stop.bind(claims);
  claims.stop = () => {
    stopping.abort();
    stopClaims();
  };
  return {
    sources: { ...sources, ...volumes, volumeClient: apiVolumeClient(kc.makeApiClient(CoreApi), stopping.signal) },
    all: [...Object.values(sources), ...Object.values(volumes)] as ListerInformers['all'],
    volumes,
  };
}

type MakeInformer = <T extends KubernetesObject>(opts: Pick<InformerOptions<T>, 'name' | 'path' | 'list' | 'deserializeAs'>) => Informer<T>;

/** The volume plugins' informers (upstream: Core().V1().PersistentVolumeClaims()/PersistentVolumes(), Storage().V1().StorageClasses()/CSINodes()/VolumeAttachments()). */
function volumeInformers(kc: KubeConfig, make: MakeInformer) {
  const core = kc.makeApiClient(CoreApi);
  const storage = kc.makeApiClient(StorageV1Api);
  return {
    persistentVolumeClaims: make<V1PersistentVolumeClaim>({ name: 'persistentvolumeclaims', path: '/api/v1/persistentvolumeclaims', list: (s) => core.listPersistentVolumeClaimForAllNamespaces(s), deserializeAs: 'V1PersistentVolumeClaim' }),
    persistentVolumes: make<V1PersistentVolume>({ name: 'persistentvolumes', path: '/api/v1/persistentvolumes', list: (s) => core.listPersistentVolume(s), deserializeAs: 'V1PersistentVolume' }),
    storageClasses: make<V1StorageClass>({ name: 'storageclasses', path: '/apis/storage.k8s.io/v1/storageclasses', list: (s) => storage.listStorageClass(s), deserializeAs: 'V1StorageClass' }),
    csiNodes: make<V1CSINode>({ name: 'csinodes', path: '/apis/storage.k8s.io/v1/csinodes', list: (s) => storage.listCSINode(s), deserializeAs: 'V1CSINode' }),
    volumeAttachments: make<V1VolumeAttachment>({ name: 'volumeattachments', path: '/apis/storage.k8s.io/v1/volumeattachments', list: (s) => storage.listVolumeAttachment(s), deserializeAs: 'V1VolumeAttachment' }),
  };
}
