/**
 * The bench's own kube-controller-manager (bench-component-pod.ts): the control plane's binary
 * running only the ReplicaSet controller, with chosen client limits, under a ServiceAccount bound
 * to the role kube-controller-manager gives that controller (system:controller:replicaset-controller).
 * The control plane's own ReplicaSet controller must be off meanwhile (the bench's lab phase).
 */
import type { ClientLimits } from '../base/token-bucket.js';
import type { BenchComponent } from './bench-component-pod.js';

export const BENCH_KCM = 'bench-kube-controller-manager';
/** On the process's command line only: how nodeProcessStats finds it in the node. */
export const BENCH_KCM_MARKER = '--controllers=replicaset';

/** Pure: the component at `limits` (undefined: unthrottled, a negative qps to client-go). */
export function benchKubeControllerManager(namespace: string, limits: ClientLimits | undefined): BenchComponent {
  return {
    name: BENCH_KCM,
    namespace,
    roles: ['system:controller:replicaset-controller'],
    component: 'kube-controller-manager',
    command: [
      'kube-controller-manager', BENCH_KCM_MARKER, '--leader-elect=false', '--secure-port=0', '--use-service-account-credentials=false',
      `--kube-api-qps=${limits ? limits.qps : -1}`, `--kube-api-burst=${limits ? limits.burst : 100}`, '--v=1',
    ],
  };
}
