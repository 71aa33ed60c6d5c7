import type { V1DaemonSet, V1Node, V1Pod, V1Toleration } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { eligibleNodes, NODE_TTL_ANNOTATION, unsettledDaemonSets, unsettledNodes } from '../../../lab/bench/daemonsets-settled.js';

const ds = (name: string, generation: number, status: V1DaemonSet['status'], template: { nodeSelector?: Record<string, string>; tolerations?: V1Toleration[] } = { tolerations: [{ operator: 'Exists' }] }): V1DaemonSet => ({
  metadata: { name, namespace: 'kube-system', generation, uid: `uid-${name}` },
  spec: { selector: {}, template: { spec: { containers: [], ...template } } },
  status,
});
const node = (name: string, labels: Record<string, string> = { 'kubernetes.io/os': 'linux' }, simulated = true): V1Node => ({
  metadata: { name, labels },
  spec: simulated ? { taints: [{ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' }] } : {},
});
const pendingOf = (owner: string, kind = 'DaemonSet'): V1Pod => ({ metadata: { name: `${owner}-x`, ownerReferences: [{ apiVersion: 'apps/v1', kind, name: owner, uid: `uid-${owner}`, controller: true }] } });
const nodes = [node('real', { 'kubernetes.io/os': 'linux' }, false), node('kwok-1'), node('kwok-2'), node('kwok-3', { 'kubernetes.io/os': 'windows' })];
const placed = (n: number) => ({ observedGeneration: 1, desiredNumberScheduled: n, currentNumberScheduled: n, numberReady: n - 1, numberMisscheduled: 0 });

describe('eligibleNodes', () => {
  it('nodeSelector and NoSchedule/NoExecute taints decide, as the DaemonSet controller does', () => {
    expect(eligibleNodes(ds('all', 1, placed(4)), nodes)).toBe(4);
    expect(eligibleNodes(ds('linux', 1, placed(3), { nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ operator: 'Exists' }] }), nodes)).toBe(3);
    expect(eligibleNodes(ds('no-tolerations', 1, placed(1), {}), nodes)).toBe(1);
  });
});

describe('unsettledDaemonSets', () => {
  it('settled: generation observed, every eligible node counted and given a pod, none pending (readiness is not waited for)', () => {
    expect(unsettledDaemonSets([ds('kube-proxy', 1, placed(4))], nodes, [pendingOf('web', 'ReplicaSet')])).toEqual([]);
  });
  it('not yet: new nodes not counted yet, pods still to be placed or started, or a generation not yet observed', () => {
    expect(
      unsettledDaemonSets(
        [ds('stale', 1, placed(1)), ds('kube-proxy', 1, placed(4)), ds('labnet', 1, { ...placed(4), currentNumberScheduled: 2 }), ds('new', 2, placed(4))],
        nodes,
        [pendingOf('kube-proxy'), pendingOf('kube-proxy')],
      ),
    ).toEqual([
      'kube-system/stale: 1/4 placed, 0 pending',
      'kube-system/kube-proxy: 4/4 placed, 2 pending',
      'kube-system/labnet: 2/4 placed, 0 pending',
      'kube-system/new: 4/4 placed, 0 pending',
    ]);
  });
});

describe("unsettledNodes: kube-controller-manager's work on nodes that just joined", () => {
  const withTtl = (n: V1Node, ttl?: string, taintKey?: string): V1Node => ({
    ...n,
    metadata: { ...n.metadata, annotations: ttl === undefined ? {} : { [NODE_TTL_ANNOTATION]: ttl } },
    spec: { ...n.spec, taints: [...(n.spec?.taints ?? []), ...(taintKey ? [{ key: taintKey, effect: 'NoSchedule' }] : [])] },
  });

  it('settled once every node carries a TTL and none is tainted not-ready', () => {
    expect(unsettledNodes(nodes.map((n) => withTtl(n, '15')))).toEqual([]);
    expect(unsettledNodes([])).toEqual([]);
  });

  it('counts nodes the TTL controller has not reached, not those with the TTL of an older cluster size (re-annotated only when they change)', () => {
    const [a, b, c, d] = nodes;
    expect(unsettledNodes([withTtl(a!, '15'), withTtl(b!, '15'), withTtl(c!), withTtl(d!, '0')])).toEqual([`1 node(s) not annotated by the TTL controller yet (${NODE_TTL_ANNOTATION})`]);
    // No node annotated at all: a cluster without the TTL controller, nothing to wait for.
    expect(unsettledNodes(nodes.map((n) => withTtl(n)))).toEqual([]);
  });

  it('counts nodes the node lifecycle controller has not untainted yet', () => {
    const [a, b, c, d] = nodes;
    expect(unsettledNodes([withTtl(a!, '0'), withTtl(b!, '0', 'node.kubernetes.io/not-ready'), withTtl(c!, '0', 'node.kubernetes.io/unreachable'), withTtl(d!, '0')])).toEqual(['2 node(s) still tainted not-ready or unreachable']);
  });
});
