/**
 * After simulated nodes join, every DaemonSet (kube-proxy, the CNI's) puts a pod on each of them:
 * at 500 nodes that is a thousand pods created, scheduled and started by kwok while the bench
 * would already be measuring, and both schedulers' informers would be busy with them. The bench
 * waits until the DaemonSets are settled first, so the measured window holds only its own pods.
 */
import type { V1DaemonSet } from '@kubernetes/client-node';
import type { Clients } from '../../controllers/shared/kube.js';

/** Pure: the DaemonSets still rolling out, as "namespace/name ready/desired" (empty once all are settled). */
export function unsettledDaemonSets(daemonSets: readonly V1DaemonSet[]): string[] {
  return daemonSets.flatMap((ds) => {
    const status = ds.status;
    const desired = status?.desiredNumberScheduled ?? 0;
    const ready = status?.numberReady ?? 0;
    const observed = (status?.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 0);
    const settled = observed && ready === desired && (status?.currentNumberScheduled ?? 0) === desired;
    return settled ? [] : [`${ds.metadata?.namespace}/${ds.metadata?.name} ${ready}/${desired}`];
  });
}

/**
 * Polls until unsettledDaemonSets is empty or `timeoutMs` passes; returns what was still rolling
 * out then (empty when settled), for the caller to note rather than fail on.
 */
export async function waitForDaemonSets(admin: Pick<Clients, 'apps'>, timeoutMs: number, update: (detail: string) => void): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const unsettled = unsettledDaemonSets((await admin.apps.listDaemonSetForAllNamespaces()).items);
    if (unsettled.length === 0 || performance.now() > deadline) return unsettled;
    update(unsettled.join(', '));
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
