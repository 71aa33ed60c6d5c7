/**
 * The cache's incremental snapshot: a NodeInfo is rebuilt only for the nodes that changed. The
 * check against a reference: after any sequence of cache operations, a cache that took a
 * snapshot after every step (so it relies on the changes it tracked) must show exactly what a
 * cache that took one snapshot at the end (everything built from scratch) shows.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { SchedulerCache } from '../../../controllers/scheduler/cache.js';
import { podKey, type NodeInfo } from '../../../controllers/scheduler/framework/node-info.js';
import { makeNode, makePod } from './fixtures.js';

/** What a NodeInfo says, in a comparable form. */
function view(infos: NodeInfo[]) {
  return infos.map((n) => ({
    node: n.name,
    labels: n.node.metadata?.labels,
    pods: n.pods.map((p) => `${podKey(p.pod)}${p.assumed ? ' (assumed)' : ''}`).sort(),
    requested: n.requested,
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
    expect(view(incremental.snapshot())).toEqual(view(fromScratch.snapshot()));
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
