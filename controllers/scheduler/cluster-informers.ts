/**
 * The informers behind the plugins' ClusterListers (framework/listers.ts), as kube-scheduler's
 * SharedInformerFactory serves its plugins: namespaces (InterPodAffinity's namespaceSelector and
 * the pod's namespace labels) and the Services, ReplicationControllers, ReplicaSets and
 * StatefulSets whose selectors PodTopologySpread's default constraints use, and the
 * PodDisruptionBudgets DefaultPreemption weighs victims against. Read-only: list and
 * watch (manifests/rbac/scheduler.yaml grants exactly that).
 */
import type {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PolicyV1Api,
  V1PodDisruptionBudget,
  KubernetesObject,
  V1Namespace,
  V1ReplicaSet,
  V1ReplicationController,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { createInformer, type Informer, type InformerOptions } from '../shared/informer.js';
import type { Logger } from '../shared/log.js';
import type { ListerSources } from './framework/listers.js';

export type ListerCoreClient = Pick<CoreV1Api, 'listNamespace' | 'listServiceForAllNamespaces' | 'listReplicationControllerForAllNamespaces'>;
export type ListerAppsClient = Pick<AppsV1Api, 'listReplicaSetForAllNamespaces' | 'listStatefulSetForAllNamespaces'>;
export type ListerPolicyClient = Pick<PolicyV1Api, 'listPodDisruptionBudgetForAllNamespaces'>;

export interface ListerInformers {
  /** Fills a ListerSources object (the one the runtime's listers read). */
  sources: Required<ListerSources>;
  all: Informer<V1Namespace | V1Service | V1ReplicationController | V1ReplicaSet | V1StatefulSet | V1PodDisruptionBudget>[];
}

export function createListerInformers(kc: KubeConfig, core: ListerCoreClient, apps: ListerAppsClient, policy: ListerPolicyClient, log?: Logger): ListerInformers {
  const make = <T extends KubernetesObject>(opts: Pick<InformerOptions<T>, 'name' | 'path' | 'list' | 'deserializeAs'>) => createInformer<T>(kc, { ...opts, log });
  const sources = {
    namespaces: make<V1Namespace>({ name: 'namespaces', path: '/api/v1/namespaces', list: (s) => core.listNamespace(s), deserializeAs: 'V1Namespace' }),
    services: make<V1Service>({ name: 'services', path: '/api/v1/services', list: (s) => core.listServiceForAllNamespaces(s), deserializeAs: 'V1Service' }),
    replicationControllers: make<V1ReplicationController>({ name: 'replicationcontrollers', path: '/api/v1/replicationcontrollers', list: (s) => core.listReplicationControllerForAllNamespaces(s), deserializeAs: 'V1ReplicationController' }),
    replicaSets: make<V1ReplicaSet>({ name: 'replicasets', path: '/apis/apps/v1/replicasets', list: (s) => apps.listReplicaSetForAllNamespaces(s), deserializeAs: 'V1ReplicaSet' }),
    statefulSets: make<V1StatefulSet>({ name: 'statefulsets', path: '/apis/apps/v1/statefulsets', list: (s) => apps.listStatefulSetForAllNamespaces(s), deserializeAs: 'V1StatefulSet' }),
    podDisruptionBudgets: make<V1PodDisruptionBudget>({ name: 'poddisruptionbudgets', path: '/apis/policy/v1/poddisruptionbudgets', list: (s) => policy.listPodDisruptionBudgetForAllNamespaces(s), deserializeAs: 'V1PodDisruptionBudget' }),
  };
  return { sources, all: Object.values(sources) as ListerInformers['all'] };
}
