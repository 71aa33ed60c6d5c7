/**
 * The bench's own kube-scheduler (bench-component-pod.ts): the control plane's binary serving a
 * scheduler name of its own, with chosen client limits, bound to system:kube-scheduler and
 * system:volume-scheduler as kubeadm binds the control plane's one.
 */
import type { ClientLimits } from '../base/token-bucket.js';
import type { BenchComponent } from './bench-component-pod.js';

export const BENCH_KUBE_SCHEDULER = 'bench-kube-scheduler';
const CONFIG_DIR = '/etc/bench-kube-scheduler';
/** On the process's command line only: how nodeProcessStats finds it in the node. */
export const BENCH_KUBE_SCHEDULER_MARKER = `--config=${CONFIG_DIR}/config.yaml`;

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

/** Pure: the component, serving `schedulerName` at `limits`, in `namespace`. */
export function benchKubeScheduler(namespace: string, schedulerName: string, limits: ClientLimits | undefined): BenchComponent {
  return {
    name: BENCH_KUBE_SCHEDULER,
    namespace,
    roles: ['system:kube-scheduler', 'system:volume-scheduler'],
    component: 'kube-scheduler',
    command: ['kube-scheduler', BENCH_KUBE_SCHEDULER_MARKER, '--secure-port=0', '--v=1'],
    configDir: CONFIG_DIR,
    files: { 'config.yaml': benchSchedulerConfig(schedulerName, limits) },
  };
}
