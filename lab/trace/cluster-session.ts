/**
 * A trace session on the lab cluster's own taps (audit log, etcd, kubelet, containerd) for
 * whoever records a run from outside the lab's components: compare, bench.
 */
import { clusterAuditLogPath } from '../cluster/checkout-sync.js';
import { controlPlaneContainer, listNodeContainers } from '../cluster/nodes.js';
import { adminKubeconfigPath } from '../cluster/paths.js';
import { loadKubeConfig } from '../../controllers/shared/kube.js';
import { startTraceSession, type TraceSession, type TraceSessionOptions } from './session.js';

export async function startClusterTrace(opts: Pick<TraceSessionOptions, 'jsonlPath' | 'disable' | 'log'> = {}): Promise<TraceSession> {
  const nodes = await listNodeContainers();
  const controlPlane = await controlPlaneContainer();
  return startTraceSession({
    nodes: nodes.filter((n) => n.running).map((n) => n.name),
    controlPlane,
    auditLogPath: await clusterAuditLogPath(controlPlane),
    kubeConfig: loadKubeConfig(adminKubeconfigPath()),
    ...opts,
  });
}
