/**
 * After simulated nodes join, every DaemonSet (kube-proxy, the CNI's) puts a pod on each of them:
 * at 500 nodes that is a thousand pods created, scheduled and started by kwok while the bench
 * would already be measuring, and both schedulers' informers would be busy with them. The bench
 * waits until the DaemonSets are settled first, so the measured window holds only its own pods.
 */
import type { V1DaemonSet, V1Pod } from '@kubernetes/client-node';
import type { Clients } from '../../controllers/shared/kube.js';

/**
 * Pure: the DaemonSets still rolling out, as "namespace/name: …" (empty once all are settled):
 * settled once the controller has seen its generation and has a pod on every node it wants, and
 * none of its pods is still Pending (unscheduled or not started). Readiness is not waited for:
 * when kwok's heartbeats lag under load the node lifecycle controller marks some of their pods
 * not ready, and kwok does not mark them ready again.
 */
export function unsettledDaemonSets(daemonSets: readonly V1DaemonSet[], pendingPods: readonly V1Pod[]): string[] {
  const pendingBy = new Map<string, number>();
  for (const pod of pendingPods) {
    const owner = pod.metadata?.ownerReferences?.find((ref) => ref.controller && ref.kind === 'DaemonSet');
    if (owner) pendingBy.set(owner.uid, (pendingBy.get(owner.uid) ?? 0) + 1);
  }
  return daemonSets.flatMap((ds) => {
    const status = ds.status;
    const desired = status?.desiredNumberScheduled ?? 0;
    const scheduled = status?.currentNumberScheduled ?? 0;
    const observed = (status?.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 0);
    const pending = pendingBy.get(ds.metadata?.uid ?? '') ?? 0;
    if (observed && scheduled === desired && pending === 0) return [];
    return [`${ds.metadata?.namespace}/${ds.metadata?.name}: ${scheduled}/${desired} placed, ${pending} pending`];
  });
}

/**
 * Polls until unsettledDaemonSets is empty or `timeoutMs` passes; returns what was still rolling
 * out then (empty when settled), for the caller to note rather than fail on.
 */
export async function waitForDaemonSets(admin: Pick<Clients, 'apps' | 'core'>, timeoutMs: number, update: (detail: string) => void): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const [daemonSets, pending] = await Promise.all([
      admin.apps.listDaemonSetForAllNamespaces(),
      admin.core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Pending' }),
    ]);
    const unsettled = unsettledDaemonSets(daemonSets.items, pending.items);
    if (unsettled.length === 0 || performance.now() > deadline) return unsettled;
    update(unsettled.join(', '));
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
