/**
 * A kube-scheduler of the bench's own, so the built-in side of a scheduling measurement is one
 * fresh process with chosen client limits, measured like the lab's scheduler process: the same
 * binary as the control plane's (its image, already in every node's containerd), run as a pod on a
 * worker node under a ServiceAccount bound to system:kube-scheduler and system:volume-scheduler
 * (kubeadm binds the control plane's one the same way), serving a scheduler name of its own, with
 * no leader election and no serving port (so it needs no delegated authentication).
 *
 * The control plane's kube-scheduler is left as it is. A crash leaves a namespace and two
 * ClusterRoleBindings with fixed names; the next start replaces them, `lab up --recreate` drops them.
 */
import { RbacAuthorizationV1Api, type V1ClusterRoleBinding, type V1ConfigMap, type V1Pod } from '@kubernetes/client-node';
import type { Clients } from '../../controllers/shared/kube.js';
import type { ClientLimits } from '../base/token-bucket.js';

export const BENCH_KUBE_SCHEDULER = 'bench-kube-scheduler';
const CONFIG_DIR = '/etc/bench-kube-scheduler';
/** On the process's command line only: how nodeProcessStats finds it in the node. */
export const BENCH_KUBE_SCHEDULER_MARKER = `--config=${CONFIG_DIR}/config.yaml`;
const ROLES = ['system:kube-scheduler', 'system:volume-scheduler'] as const;

/** Pure: the KubeSchedulerConfiguration. `limits` undefined = unthrottled (client-go: qps < 0 means no limiter). */
export function benchSchedulerConfig(schedulerName: string, limits: ClientLimits | undefined): string {
  return JSON.stringify({
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    clientConnection: limits ? { qps: limits.qps, burst: limits.burst } : { qps: -1, burst: 100 },
    leaderElection: { leaderElect: false },
    profiles: [{ schedulerName }],
  }, null, 2);
}

export interface BenchSchedulerSpec {
  namespace: string;
  schedulerName: string;
  image: string;
  /** The worker node the pod runs on (set directly: no scheduler is involved in placing it). */
  nodeName: string;
  limits: ClientLimits | undefined;
}

/** Pure: the ConfigMap and the Pod. */
export function benchSchedulerObjects(spec: BenchSchedulerSpec): { configMap: V1ConfigMap; pod: V1Pod } {
  const metadata = { name: BENCH_KUBE_SCHEDULER, namespace: spec.namespace, labels: { app: BENCH_KUBE_SCHEDULER } };
  return {
    configMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { 'config.yaml': benchSchedulerConfig(spec.schedulerName, spec.limits) } },
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata,
      spec: {
        nodeName: spec.nodeName,
        serviceAccountName: BENCH_KUBE_SCHEDULER,
        containers: [{
          name: 'kube-scheduler',
          image: spec.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['kube-scheduler', BENCH_KUBE_SCHEDULER_MARKER, '--secure-port=0', '--v=1'],
          volumeMounts: [{ name: 'config', mountPath: CONFIG_DIR, readOnly: true }],
        }],
        volumes: [{ name: 'config', configMap: { name: BENCH_KUBE_SCHEDULER } }],
      },
    },
  };
}

/** Pure: the bindings of the ServiceAccount in `namespace` to kube-scheduler's roles. */
export function benchSchedulerBindings(namespace: string): V1ClusterRoleBinding[] {
  return ROLES.map((role) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `k8s-flow-lab-${BENCH_KUBE_SCHEDULER}-${role.replace('system:', '')}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'ServiceAccount', name: BENCH_KUBE_SCHEDULER, namespace }],
  }));
}

/** The image the control plane's kube-scheduler runs (its static pod's). */
export async function controlPlaneSchedulerImage(admin: Clients): Promise<string> {
  const pods = await admin.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'component=kube-scheduler' });
  const image = pods.items[0]?.spec?.containers[0]?.image;
  if (!image) throw new Error('no kube-scheduler pod in kube-system: the bench copies its image, so the cluster needs one (npx lab up --recreate)');
  return image;
}

const isNotFound = (error: unknown) => (error as { code?: number }).code === 404;

/** Creates the scheduler's objects in `spec.namespace` (which must exist) and its bindings. */
export async function createBenchScheduler(admin: Clients, spec: BenchSchedulerSpec): Promise<void> {
  const rbac = admin.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  for (const binding of benchSchedulerBindings(spec.namespace)) {
    await rbac.deleteClusterRoleBinding({ name: binding.metadata!.name! }).catch((error: unknown) => { if (!isNotFound(error)) throw error; });
    await rbac.createClusterRoleBinding({ body: binding });
  }
  await admin.core.createNamespacedServiceAccount({ namespace: spec.namespace, body: { metadata: { name: BENCH_KUBE_SCHEDULER } } });
  const { configMap, pod } = benchSchedulerObjects(spec);
  await admin.core.createNamespacedConfigMap({ namespace: spec.namespace, body: configMap });
  await admin.core.createNamespacedPod({ namespace: spec.namespace, body: pod });
}

/** Deletes the bindings; the namespace (and with it the pod) is the caller's to drop. */
export async function deleteBenchSchedulerBindings(admin: Clients, namespace: string): Promise<void> {
  const rbac = admin.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  for (const binding of benchSchedulerBindings(namespace)) {
    await rbac.deleteClusterRoleBinding({ name: binding.metadata!.name! }).catch((error: unknown) => { if (!isNotFound(error)) throw error; });
  }
}
