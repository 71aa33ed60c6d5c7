import { describe, expect, it } from 'vitest';
import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { planReplicas, runSlowStart, slowStartBatches } from '../../../controllers/replicaset/manage-replicas.js';

const rs = (replicas: number, extra: Partial<V1ReplicaSet['metadata']> = {}): V1ReplicaSet => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'rs', ...extra },
  spec: { replicas, selector: { matchLabels: { app: 'web' } } },
});
const pods = (n: number, node = 'n1'): V1Pod[] =>
  Array.from({ length: n }, (_, i) => ({
    metadata: { name: `p${i}`, namespace: 'ns', creationTimestamp: new Date(Date.UTC(2025, 0, 1, 0, i)) },
    spec: { nodeName: node, containers: [] },
    status: { phase: 'Running' },
  }));

describe('slowStartBatches', () => {
  it.each([
    [0, []],
    [1, [1]],
    [2, [1, 1]],
    [3, [1, 2]],
    [5, [1, 2, 2]],
    [7, [1, 2, 4]],
    [10, [1, 2, 4, 3]],
    [500, [1, 2, 4, 8, 16, 32, 64, 128, 245]],
  ])('%i → %j', (count, batches) => {
    expect(slowStartBatches(count)).toEqual(batches);
    expect(slowStartBatches(count).reduce((a, b) => a + b, 0)).toBe(count);
  });
});

describe('planReplicas', () => {
  it('does nothing while expectations are not satisfied', () => {
    const plan = planReplicas({ rs: rs(3), pods: pods(1), expectationsSatisfied: false });
    expect(plan.action).toBe('wait');
  });

  it('does nothing for a ReplicaSet being deleted', () => {
    expect(planReplicas({ rs: rs(3, { deletionTimestamp: new Date() }), pods: [], expectationsSatisfied: true }).action).toBe('wait');
  });

  it('creates the missing pods in slow-start batches', () => {
    const plan = planReplicas({ rs: rs(3), pods: pods(1), expectationsSatisfied: true });
    expect(plan).toMatchObject({ action: 'create', want: 3, have: 1, count: 2, batches: [1, 1] });
    expect(plan.reason).toBe('want 3, have 1, create 2 (batches 1+1, expecting 2 adds)');
  });

  it('caps creates at burstReplicas', () => {
    const plan = planReplicas({ rs: rs(1000), pods: [], expectationsSatisfied: true });
    expect(plan).toMatchObject({ action: 'create', count: 500 });
    expect(plan.reason).toContain('capped at burst 500');
    expect(planReplicas({ rs: rs(10), pods: [], expectationsSatisfied: true, burstReplicas: 3 })).toMatchObject({ count: 3, batches: [1, 2] });
  });

  it('defaults spec.replicas to 1', () => {
    const plan = planReplicas({ rs: { metadata: { name: 'x' }, spec: { selector: {} } } as V1ReplicaSet, pods: [], expectationsSatisfied: true });
    expect(plan).toMatchObject({ action: 'create', count: 1 });
  });

  it('deletes the surplus, newest first, capped at burst', () => {
    // Without a reference time creation times compare exactly: newest first.
    const plan = planReplicas({ rs: rs(2), pods: pods(5), expectationsSatisfied: true });
    expect(plan.action).toBe('delete');
    if (plan.action !== 'delete') return;
    expect(plan.pods.map((p) => p.metadata!.name)).toEqual(['p4', 'p3', 'p2']);
    expect(plan.reason).toBe('want 2, have 5, delete 3: p4, p3, p2 (expecting 3 deletes)');
    // With one, pods a day old created a minute apart share a log2 age bucket and tie
    // (upstream LogarithmicScaleDown); the tie break is the uid, here all empty: input order.
    const logScale = planReplicas({ rs: rs(2), pods: pods(5), expectationsSatisfied: true, now: new Date(Date.UTC(2025, 0, 2)) });
    expect(logScale.action === 'delete' && logScale.pods.map((p) => p.metadata!.name)).toEqual(['p0', 'p1', 'p2']);
    const capped = planReplicas({ rs: rs(0), pods: pods(5), expectationsSatisfied: true, burstReplicas: 2 });
    expect(capped.action === 'delete' && capped.pods.length).toBe(2);
  });

  it('uses the related pods for the same-node rank', () => {
    const mine = [...pods(1, 'crowded'), ...pods(1, 'quiet')].map((p, i) => ({ ...p, metadata: { ...p.metadata, name: `m${i}` } }));
    const siblings = pods(3, 'crowded');
    const plan = planReplicas({ rs: rs(1), pods: mine, relatedPods: [...mine, ...siblings], expectationsSatisfied: true });
    expect(plan.action === 'delete' && plan.pods.map((p) => p.metadata!.name)).toEqual(['m0']);
  });

  it('does nothing when the count is right', () => {
    expect(planReplicas({ rs: rs(2), pods: pods(2), expectationsSatisfied: true }).action).toBe('none');
  });
});

describe('runSlowStart', () => {
  it('runs every create when all succeed', async () => {
    let calls = 0;
    const result = await runSlowStart(10, async () => void calls++);
    expect(result).toEqual({ succeeded: 10, skipped: 0 });
    expect(calls).toBe(10);
  });

  it('stops at the first failed batch and reports what was skipped', async () => {
    let calls = 0;
    // batches 1, 2, 4, 3: the 4th call (first of batch 3) fails
    const result = await runSlowStart(10, async () => {
      calls++;
      if (calls === 4) throw new Error('quota');
    });
    expect(calls).toBe(7); // batch 3 (4 calls) runs in full, batch 4 never starts
    expect(result.succeeded).toBe(6);
    expect(result.skipped).toBe(4);
    expect((result.error as Error).message).toBe('quota');
  });

  it('a failing first batch skips everything else', async () => {
    let calls = 0;
    const result = await runSlowStart(500, async () => {
      calls++;
      throw new Error('forbidden');
    });
    expect(calls).toBe(1);
    expect(result).toMatchObject({ succeeded: 0, skipped: 500 });
  });
});
