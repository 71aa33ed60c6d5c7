/**
 * The bench's own kube-controller-manager (bench-component-pod.ts): the control plane's binary
 * running only the ReplicaSet controller, with chosen client limits, under a ServiceAccount bound
 * to the role kube-controller-manager gives that controller (system:controller:replicaset-controller).
 * The control plane's own ReplicaSet controller must be off meanwhile (the bench's lab phase).
 * It leads by the lab's ReplicaSet controller's Lease (client-go's election and the lab's read and
 * write a Lease the same way), so a `lab run` started during the measurement stands by behind it.
 * kube-controller-manager does not release its Lease when it stops: the next holder waits for it
 * to expire (15 s).
 */
import type { ClientLimits } from '../base/token-bucket.js';
import { LAB_NAMESPACE } from '../run/components.js';
import { leaseNameFor } from '../run/leadership.js';
import type { BenchComponent } from './bench-component-pod.js';

/** The Role the lab's manifests give its ReplicaSet controller for its Lease (manifests/rbac/replicaset-controller.yaml). */
export const REPLICASET_LEASE_ROLE = 'k8s-flow-lab:replicaset-controller:leader-election';

export const BENCH_KCM = 'bench-kube-controller-manager';
/** On the process's command line only: how nodeProcessStats finds it in the node. */
export const BENCH_KCM_MARKER = '--controllers=replicaset';

/** Pure: the component at `limits` (undefined: unthrottled, a negative qps to client-go). */
export function benchKubeControllerManager(namespace: string, limits: ClientLimits | undefined): BenchComponent {
  const lease = leaseNameFor('replicaset');
  return {
    name: BENCH_KCM,
    namespace,
    roles: ['system:controller:replicaset-controller'],
    component: 'kube-controller-manager',
    leaderElection: { namespace: LAB_NAMESPACE, lease, role: REPLICASET_LEASE_ROLE },
    command: [
      'kube-controller-manager', BENCH_KCM_MARKER, '--secure-port=0', '--use-service-account-credentials=false',
      '--leader-elect=true', '--leader-elect-resource-lock=leases', `--leader-elect-resource-namespace=${LAB_NAMESPACE}`, `--leader-elect-resource-name=${lease}`,
      `--kube-api-qps=${limits ? limits.qps : -1}`, `--kube-api-burst=${limits ? limits.burst : 100}`, '--v=1',
    ],
  };
}
