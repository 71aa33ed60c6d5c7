// The cluster-wide informers the controllers watch, made one way: the same name, path, list call
// and deserialization for every component that watches the same kind; and componentInformer, how
// every informer of the lab's components is made.
import type { AppsV1Api, CoreV1Api, KubeConfig, KubernetesObject, V1Deployment, V1Node, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { createInformer, stripManagedFields, type Informer, type InformerOptions } from './informer.js';
import type { Logger } from './log.js';

type Watched<T extends KubernetesObject> = Pick<InformerOptions<T>, 'name' | 'path' | 'deserializeAs' | 'list'>;

/** An informer for a lab component: its cache holds objects without managedFields, as kube-controller-manager's and kube-scheduler's do. */
export function componentInformer<T extends KubernetesObject>(kc: KubeConfig, opts: InformerOptions<T>): Informer<T> {
  return createInformer<T>(kc, { transform: stripManagedFields, ...opts });
}

function clusterWide<T extends KubernetesObject>(kc: KubeConfig, watched: Watched<T>, log: Logger | undefined): Informer<T> {
  return componentInformer<T>(kc, { ...watched, log });
}

export const deploymentInformer = (kc: KubeConfig, apps: AppsV1Api, log?: Logger): Informer<V1Deployment> =>
  clusterWide(kc, { name: 'deployments', path: '/apis/apps/v1/deployments', deserializeAs: 'V1Deployment', list: (s) => apps.listDeploymentForAllNamespaces(s) }, log);

export const replicaSetInformer = (kc: KubeConfig, apps: AppsV1Api, log?: Logger): Informer<V1ReplicaSet> =>
  clusterWide(kc, { name: 'replicasets', path: '/apis/apps/v1/replicasets', deserializeAs: 'V1ReplicaSet', list: (s) => apps.listReplicaSetForAllNamespaces(s) }, log);

export const podInformer = (kc: KubeConfig, core: Pick<CoreV1Api, 'listPodForAllNamespaces'>, log?: Logger): Informer<V1Pod> =>
  clusterWide(kc, { name: 'pods', path: '/api/v1/pods', deserializeAs: 'V1Pod', list: (s) => core.listPodForAllNamespaces(s) }, log);

export const nodeInformer = (kc: KubeConfig, core: Pick<CoreV1Api, 'listNode'>, log?: Logger): Informer<V1Node> =>
  clusterWide(kc, { name: 'nodes', path: '/api/v1/nodes', deserializeAs: 'V1Node', list: () => core.listNode() }, log);
