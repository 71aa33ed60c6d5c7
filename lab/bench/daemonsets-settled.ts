/**
 * After simulated nodes join, every DaemonSet (kube-proxy, the CNI's) puts a pod on each of them:
 * at 500 nodes that is a thousand pods created, scheduled and started by kwok while the bench
 * would already be measuring, and both schedulers' informers would be busy with them. And
 * kube-controller-manager works through every new node: its TTL controller annotates each with
 * the TTL for the cluster's size, its node lifecycle controller lifts each one's not-ready taint,
 * a get and a patch a node at its client limit: about 9 nodes a second, so a minute after 500
 * nodes joined. (Nodes already there keep their old TTL until they next change: the controller
 * re-annotates a node on its own update events only, so that is not waited for.) The audit log
 * showed those patches, and 20 % fewer pods created a second by the bench, in the measured window
 * of whichever scheduler went first. The bench waits until both are settled first, so the
 * measured window holds only its own pods.
 */
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { firstUntoleratedTaint } from '../../controllers/scheduler/plugins/helpers.js';
import type { Clients } from '../../controllers/shared/kube.js';

/**
 * Pure: how many of `nodes` a DaemonSet wants a pod on: its pod template's nodeSelector matches
 * and it tolerates every NoSchedule and NoExecute taint (the DaemonSet controller's own test, less
 * node affinity, which the cluster's DaemonSets do not use).
 */
export function eligibleNodes(ds: V1DaemonSet, nodes: readonly V1Node[]): number {
  const spec = ds.spec?.template?.spec;
  const selector = Object.entries(spec?.nodeSelector ?? {});
  return nodes.filter((node) => {
    const labels = node.metadata?.labels ?? {};
    if (!selector.every(([key, value]) => labels[key] === value)) return false;
    return !firstUntoleratedTaint(node.spec?.taints, spec?.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  }).length;
}

/**
 * Pure: the DaemonSets still rolling out, as "namespace/name: …" (empty once all are settled):
 * settled once the controller has seen its generation and counts every node it should (its
 * status catches up with new nodes a moment after they join: right after `lab nodes add` it may
 * still show the old count, all placed), has a pod on each, and none of its pods is Pending
 * (unscheduled or not started). Readiness is not waited for: when kwok's heartbeats lag under load
 * the node lifecycle controller marks some of their pods not ready, and kwok does not mark them
 * ready again.
 */
export function unsettledDaemonSets(daemonSets: readonly V1DaemonSet[], nodes: readonly V1Node[], pendingPods: readonly V1Pod[]): string[] {
  const pendingBy = new Map<string, number>();
  for (const pod of pendingPods) {
    const owner = pod.metadata?.ownerReferences?.find((ref) => ref.controller && ref.kind === 'DaemonSet');
    if (owner) pendingBy.set(owner.uid, (pendingBy.get(owner.uid) ?? 0) + 1);
  }
  return daemonSets.flatMap((ds) => {
    const status = ds.status;
    const wanted = eligibleNodes(ds, nodes);
    const desired = status?.desiredNumberScheduled ?? 0;
    const scheduled = status?.currentNumberScheduled ?? 0;
    const observed = (status?.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 0);
    const pending = pendingBy.get(ds.metadata?.uid ?? '') ?? 0;
    if (observed && desired === wanted && scheduled === wanted && pending === 0) return [];
    return [`${ds.metadata?.namespace}/${ds.metadata?.name}: ${scheduled}/${wanted} placed, ${pending} pending`];
  });
}

/** The annotation kube-controller-manager's TTL controller keeps on every node. */
export const NODE_TTL_ANNOTATION = 'node.alpha.kubernetes.io/ttl';
const NOT_READY_TAINTS = new Set(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);

/**
 * Pure: what kube-controller-manager still has to do to the nodes, as text (empty once done):
 * nodes without a TTL annotation while others have one (the TTL controller has not reached
 * them; none at all: a cluster without that controller, nothing to wait for), and nodes still
 * tainted not-ready or unreachable.
 */
export function unsettledNodes(nodes: readonly V1Node[]): string[] {
  const annotated = nodes.filter((node) => node.metadata?.annotations?.[NODE_TTL_ANNOTATION] !== undefined).length;
  const behind = annotated > 0 ? nodes.length - annotated : 0;
  const tainted = nodes.filter((node) => node.spec?.taints?.some((t) => NOT_READY_TAINTS.has(t.key))).length;
  return [
    ...(behind > 0 ? [`${behind} node(s) not annotated by the TTL controller yet (${NODE_TTL_ANNOTATION})`] : []),
    ...(tainted > 0 ? [`${tainted} node(s) still tainted not-ready or unreachable`] : []),
  ];
}

/**
 * Polls until unsettledDaemonSets and unsettledNodes are empty or `timeoutMs` passes; returns what
 * was still rolling out then (empty when settled), for the caller to note rather than fail on.
 */
export async function waitForDaemonSets(admin: Pick<Clients, 'apps' | 'core'>, timeoutMs: number, update: (detail: string) => void): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const [daemonSets, nodes, pending] = await Promise.all([
      admin.apps.listDaemonSetForAllNamespaces(),
      admin.core.listNode(),
      admin.core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Pending' }),
    ]);
    const unsettled = [...unsettledDaemonSets(daemonSets.items, nodes.items, pending.items), ...unsettledNodes(nodes.items)];
    if (unsettled.length === 0 || performance.now() > deadline) return unsettled;
    update(unsettled.join(', '));
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
