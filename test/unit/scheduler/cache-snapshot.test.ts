/**
 * The cache's incremental snapshot: it keeps one NodeInfo per node up to date pod by pod, and a
 * snapshot copies it only for the nodes that changed. The check against a reference: after any
 * sequence of cache operations, a cache that took a snapshot after every step (so it relies on
 * the changes it tracked) must show exactly what a cache shows whose NodeInfos were all summed
 * afresh from its pod index at the end (each node added again), and every NodeInfo's totals must
 * be those of its own pods summed from scratch.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { SchedulerCache } from '../../../controllers/scheduler/cache.js';
import { NodeInfo, podKey } from '../../../controllers/scheduler/framework/node-info.js';
import { makeNode, makePod } from './fixtures.js';

/**
 * A total without its zero entries: one kept up to date pod by pod keeps the key of a resource
 * whose last pod left (at 0), one summed afresh never had it; every reader takes a missing one as 0.
 */
const totals = (amounts: Record<string, number>) => Object.fromEntries(Object.entries(amounts).filter(([, v]) => v !== 0));

/** What a NodeInfo says, in a comparable form. */
function view(infos: NodeInfo[]) {
  return infos.map((n) => ({
    node: n.name,
    labels: n.node.metadata?.labels,
    pods: n.pods.map((p) => `${podKey(p.pod)}${p.assumed ? ' (assumed)' : ''}`).sort(),
    requested: totals(n.requested),
    nonZeroRequested: totals(n.nonZeroRequested),
    usedPorts: n.usedPorts.map((p) => `${p.hostIP}:${p.port}/${p.protocol}`).sort(),
    withAffinity: n.podsWithAffinity.map(podKey).sort(),
    withRequiredAntiAffinity: n.podsWithRequiredAntiAffinity.map(podKey).sort(),
    nominated: n.nominatedPods.map(podKey).sort(),
  }));
}

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Op = (cache: SchedulerCache) => void;

function randomOps(seed: number, count: number): Op[] {
  const next = random(seed);
  const pick = <T,>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const nodes = ['n1', 'n2', 'n3', 'n4'];
  const pods = ['a', 'b', 'c', 'd', 'e', 'f'];
  const pod = (name: string, nodeName?: string, extra: Partial<V1Pod['status']> = {}): V1Pod => {
    const p = makePod({ name, requests: [{ cpu: `${100 + pods.indexOf(name) * 50}m` }], ...(nodeName ? { nodeName } : {}) });
    // Two pods take a host port, one has required anti-affinity: the lists a NodeInfo keeps besides its totals.
    if (name === 'd' || name === 'e') p.spec!.containers[0]!.ports = [{ containerPort: 80, hostPort: 8080 }];
    if (name === 'f') p.spec!.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'x' } } }] } };
    return { ...p, status: { ...p.status, ...extra } };
  };
  const ops: Op[] = [];
  for (let i = 0; i < count; i++) {
    const kind = Math.floor(next() * 9);
    const name = pick(pods);
    const node = pick(nodes);
    const version = i;
    ops.push((cache) => {
      switch (kind) {
        case 0: return cache.addNode(makeNode(node, { labels: { v: String(version) } }));
        case 1: return cache.removeNode(makeNode(node));
        case 2: return cache.addPod(pod(name, node));
        case 3: return cache.removePod(pod(name));
        case 4: return cache.isAssumed(pod(name)) || cache.nominatedNodeOf(pod(name)) ? undefined : tryAssume(cache, pod(name), node);
        case 5: return cache.forgetPod(pod(name));
        case 6: return cache.updateNominatedPod(pod(name), node);
        case 7: return cache.deleteNominatedPod(pod(name));
        default: return cache.addPod(pod(name, undefined, { phase: 'Succeeded' }));
      }
    });
  }
  return ops;
}

function tryAssume(cache: SchedulerCache, pod: V1Pod, node: string): void {
  try {
    cache.assumePod(pod, node);
  } catch {
    // already bound: the cache refuses, as it should
  }
}

describe('SchedulerCache.snapshot (incremental)', () => {
  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('seed %i: snapshots after every step end where one from scratch does', (seed) => {
    const incremental = new SchedulerCache();
    const fromScratch = new SchedulerCache();
    for (const op of randomOps(seed, 60)) {
      op(incremental);
      op(fromScratch);
      incremental.snapshot();
    }
    // Adding a node again sums its NodeInfo afresh from the cache's pod index.
    for (const info of fromScratch.snapshot()) fromScratch.addNode(info.node);
    const snapshot = incremental.snapshot();
    expect(view(snapshot)).toEqual(view(fromScratch.snapshot()));
    for (const info of snapshot) expect(view([info])).toEqual(view([new NodeInfo(info.node, info.pods, info.nominatedPods)]));
  });

  it('a clone has its own lists and totals: removing a pod from it leaves the snapshot as it was', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('n1'));
    cache.addPod({ ...makePod({ name: 'p', nodeName: 'n1', requests: [{ cpu: '500m' }] }) });
    const [info] = cache.snapshot();
    const clone = info!.clone();
    expect(view([clone])).toEqual(view([info!]));
    clone.removePod(info!.pods[0]!.pod);
    expect(clone.pods).toHaveLength(0);
    expect(info!.pods).toHaveLength(1);
    expect(info!.requested.cpu).toBe(500);
  });

  it('hands out the same NodeInfo for an untouched node, a new one for a changed node, and never edits one already handed out', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('n1'));
    cache.addNode(makeNode('n2'));
    const [n1, n2] = cache.snapshot();
    cache.addPod(makePod({ name: 'p', nodeName: 'n2', requests: [{ cpu: '500m' }] }));
    const [n1again, n2again] = cache.snapshot();
    expect(n1again).toBe(n1);
    expect(n2again).not.toBe(n2);
    expect(n2!.pods).toHaveLength(0);
    expect(n2again!.pods).toHaveLength(1);
  });

  it('keeps the nodes in name order as they come and go, and nodeInfo(name) reads the same NodeInfo', () => {
    const cache = new SchedulerCache();
    for (const name of ['c', 'a', 'b']) cache.addNode(makeNode(name));
    expect(cache.snapshot().map((n) => n.name)).toEqual(['a', 'b', 'c']);
    cache.removeNode(makeNode('b'));
    cache.addNode(makeNode('aa'));
    expect(cache.snapshot().map((n) => n.name)).toEqual(['a', 'aa', 'c']);
    expect(cache.nodeInfo('c')).toBe(cache.snapshot()[2]);
    expect(cache.nodeInfo('b')).toBeUndefined();
  });
});
