/**
 * Upstream e2e scheduling specs (test/e2e/scheduling/predicates.go) replayed in process against
 * the LabScheduler with fake informers: the same pods, the same expectations.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeNode } from './fixtures.js';
import { informerHarness } from './informer-harness.js';
import { exists, spread } from './upstream-fixtures.js';

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe("predicates.go: 'validates 4 pods with MaxSkew=1 are evenly distributed into 2 nodes'", () => {
  it('4 ReplicaSet-like pods with a DoNotSchedule spread on a dedicated key, node affinity to the two labelled nodes: 2 and 2', async () => {
    const key = 'kubernetes.io/e2e-pts-filter';
    const h = informerHarness([
      // node-1 is far emptier: the resource scorers alone would put all four there.
      makeNode('node-1', { allocatable: { cpu: '64', memory: '256Gi' }, labels: { [key]: 'node-1' } }),
      makeNode('node-2', { allocatable: { cpu: '2', memory: '2Gi' }, labels: { [key]: 'node-2' } }),
      makeNode('node-3', { allocatable: { cpu: '4' } }),
    ]);
    stops.push(h.stop);
    const pod = (i: number): V1Pod => ({
      metadata: { name: `e2e-pts-filter-${i}`, namespace: 'e2e', labels: { 'e2e-pts-filter': '' } },
      spec: {
        schedulerName: 'lab-scheduler',
        containers: [{ name: 'pause', image: 'pause' }],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: 'In', values: ['node-1', 'node-2'] }] }] } } },
        topologySpreadConstraints: [spread(1, key, 'DoNotSchedule', exists('e2e-pts-filter'))],
      },
    });
    for (let i = 0; i < 4; i++) h.handlers.add!(pod(i));
    await vi.waitFor(() => {
      h.flush();
      expect(h.bound).toHaveLength(4);
    });
    const perNode = (n: string) => h.bound.filter((b) => b.endsWith(`→${n}`)).length;
    expect([perNode('node-1'), perNode('node-2')]).toEqual([2, 2]);
  });
});

describe("predicates.go: 'validates Pods with non-empty schedulingGates are blocked on scheduling'", () => {
  it('3 pods with gates [foo bar] stay pending, one gate removed: still pending, all removed: all scheduled', async () => {
    const h = informerHarness([makeNode('node-1', { allocatable: { cpu: '4' } })]);
    stops.push(h.stop);
    const pod = (i: number, gates: string[]): V1Pod => ({
      metadata: { name: `gated-${i}`, namespace: 'e2e', labels: { 'e2e-scheduling-gates': '' } },
      spec: { schedulerName: 'lab-scheduler', containers: [{ name: 'pause', image: 'pause' }], schedulingGates: gates.length ? gates.map((name) => ({ name })) : undefined },
    });
    for (let i = 0; i < 3; i++) h.handlers.add!(pod(i, ['foo', 'bar']));
    await vi.waitFor(() => expect([0, 1, 2].map((i) => h.scheduler.queue.whereIs(pod(i, []))).every((w) => w === 'gated')).toBe(true));
    for (let i = 0; i < 3; i++) h.handlers.update!(pod(i, ['foo', 'bar']), pod(i, ['bar']));
    await new Promise((r) => setTimeout(r, 30));
    expect(h.bound).toEqual([]);
    expect(h.patches).toEqual([]); // the API server's SchedulingGated condition is never replaced
    for (let i = 0; i < 3; i++) h.handlers.update!(pod(i, ['bar']), pod(i, []));
    await vi.waitFor(() => expect(h.bound.sort()).toEqual(['gated-0→node-1', 'gated-1→node-1', 'gated-2→node-1']));
  });
});
