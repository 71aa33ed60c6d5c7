import { describe, expect, it } from 'vitest';
import { SchedulingQueue } from '../../../controllers/scheduler/queue.js';
import { SchedulerCache } from '../../../controllers/scheduler/cache.js';
import { PrioritySort } from '../../../controllers/scheduler/plugins/priority-sort.js';
import { makeNode, makePod } from './fixtures.js';

function clock(start = 1_000_000) {
  const c = { now: start, fn: () => c.now };
  return c;
}

describe('SchedulingQueue', () => {
  it('pops by priority, then by age', async () => {
    const t = clock();
    const q = new SchedulingQueue({ less: PrioritySort.less, clock: t.fn });
    q.add(makePod({ name: 'old-low', priority: 0 }));
    t.now += 1;
    q.add(makePod({ name: 'new-high', priority: 100 }));
    t.now += 1;
    q.add(makePod({ name: 'new-low', priority: 0 }));
    const names = [];
    for (let i = 0; i < 3; i++) names.push((await q.pop())!.pod.metadata!.name);
    expect(names).toEqual(['new-high', 'old-low', 'new-low']);
  });

  it('pop waits for an add and returns undefined after close', async () => {
    const q = new SchedulingQueue({ less: PrioritySort.less });
    const pending = q.pop();
    q.add(makePod({ name: 'late' }));
    expect((await pending)!.pod.metadata!.name).toBe('late');
    const waiting = q.pop();
    q.close();
    expect(await waiting).toBeUndefined();
  });

  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 10_000],
    [9, 10_000],
  ])('backoff after %i attempts is %i ms', (attempts, ms) => {
    expect(new SchedulingQueue({ less: PrioritySort.less }).backoffDuration(attempts)).toBe(ms);
  });

  it('an errored pod waits out its doubling backoff before becoming active', async () => {
    const t = clock();
    const q = new SchedulingQueue({ less: PrioritySort.less, clock: t.fn });
    const pod = makePod({ name: 'p' });
    q.add(pod);
    q.addBackoff((await q.pop())!); // attempt 1 → 1 s
    t.now += 999;
    q.flush();
    expect(q.whereIs(pod)).toBe('backoff');
    t.now += 1;
    q.flush();
    expect(q.whereIs(pod)).toBe('active');
    q.addBackoff((await q.pop())!); // attempt 2 → 2 s
    t.now += 1999;
    q.flush();
    expect(q.whereIs(pod)).toBe('backoff');
    t.now += 1;
    q.flush();
    expect(q.whereIs(pod)).toBe('active');
  });

  it('unschedulable pods wait for a cluster event, then go to backoff or active', async () => {
    const t = clock();
    const q = new SchedulingQueue({ less: PrioritySort.less, clock: t.fn });
    const pod = makePod({ name: 'p' });
    q.add(pod);
    const popped = (await q.pop())!;
    q.addUnschedulable(popped);
    t.now += 60_000;
    q.flush();
    expect(q.whereIs(pod)).toBe('unschedulable');
    expect(q.moveAllToActiveOrBackoff('NodeAdd')).toBe(1);
    expect(q.whereIs(pod)).toBe('active'); // backoff (1 s) long over

    q.addUnschedulable((await q.pop())!);
    q.moveAllToActiveOrBackoff('NodeUpdate'); // right after the failure: still backing off (2 s)
    expect(q.whereIs(pod)).toBe('backoff');
  });

  it('an event during the attempt sends the pod to backoff, not unschedulable', async () => {
    const q = new SchedulingQueue({ less: PrioritySort.less });
    const pod = makePod({ name: 'p' });
    q.add(pod);
    const popped = (await q.pop())!;
    q.moveAllToActiveOrBackoff('AssignedPodDelete');
    q.addUnschedulable(popped);
    expect(q.whereIs(pod)).toBe('backoff');
  });

  it('flushes pods parked unschedulable for 5 minutes', async () => {
    const t = clock();
    const q = new SchedulingQueue({ less: PrioritySort.less, clock: t.fn });
    const pod = makePod({ name: 'p' });
    q.add(pod);
    q.addUnschedulable((await q.pop())!);
    t.now += 5 * 60_000 - 1;
    q.flush();
    expect(q.whereIs(pod)).toBe('unschedulable');
    t.now += 1;
    q.flush();
    expect(q.whereIs(pod)).toBe('active');
  });

  it('delete removes a pod wherever it is; update of a parked pod retries it', async () => {
    const q = new SchedulingQueue({ less: PrioritySort.less });
    const pod = makePod({ name: 'p' });
    q.add(pod);
    q.delete(pod);
    expect(q.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 0 });
    q.add(pod);
    q.addUnschedulable((await q.pop())!);
    q.update({ ...pod, metadata: { ...pod.metadata, labels: { x: 'y' } } });
    expect(q.whereIs(pod)).toBe('backoff');
  });
});

describe('SchedulerCache', () => {
  const setup = () => {
    const t = clock();
    const cache = new SchedulerCache({ clock: t.fn, assumedTtlMs: 30_000 });
    cache.addNode(makeNode('a', { allocatable: { cpu: '1' } }));
    return { t, cache };
  };
  const pod = makePod({ name: 'p', requests: [{ cpu: '600m' }] });

  it('counts an assumed pod on its node at once', () => {
    const { cache } = setup();
    cache.assumePod(pod, 'a');
    const info = cache.nodeInfo('a')!;
    expect(info.requested.cpu).toBe(600);
    expect(info.pods[0]!.assumed).toBe(true);
    expect(cache.isAssumed(pod)).toBe(true);
  });

  it('forget removes an assumed pod (bind failed)', () => {
    const { cache } = setup();
    cache.assumePod(pod, 'a');
    cache.forgetPod(pod);
    expect(cache.nodeInfo('a')!.pods).toHaveLength(0);
  });

  it('the informer seeing the pod bound confirms it; it no longer expires', () => {
    const { t, cache } = setup();
    cache.assumePod(pod, 'a');
    cache.finishBinding(pod);
    cache.addPod({ ...pod, spec: { ...pod.spec!, nodeName: 'a' } });
    expect(cache.isAssumed(pod)).toBe(false);
    t.now += 60_000;
    expect(cache.cleanupExpired()).toEqual([]);
    expect(cache.nodeInfo('a')!.requested.cpu).toBe(600);
  });

  it('an unbound informer copy does not cancel the assumption', () => {
    const { cache } = setup();
    cache.assumePod(pod, 'a');
    cache.addPod(pod);
    expect(cache.isAssumed(pod)).toBe(true);
  });

  it('an unconfirmed assumption expires TTL after binding finished, not before', () => {
    const { t, cache } = setup();
    cache.assumePod(pod, 'a');
    t.now += 120_000;
    expect(cache.cleanupExpired()).toEqual([]); // binding still in flight
    cache.finishBinding(pod);
    t.now += 29_999;
    expect(cache.cleanupExpired()).toEqual([]);
    t.now += 1;
    expect(cache.cleanupExpired()).toEqual(['default/p']);
    expect(cache.nodeInfo('a')!.pods).toHaveLength(0);
  });

  it('finished and deleted pods free their resources', () => {
    const { cache } = setup();
    const bound = { ...pod, spec: { ...pod.spec!, nodeName: 'a' } };
    cache.addPod(bound);
    expect(cache.nodeInfo('a')!.requested.cpu).toBe(600);
    cache.updatePod(bound, { ...bound, status: { phase: 'Succeeded' } });
    expect(cache.nodeInfo('a')!.requested.cpu ?? 0).toBe(0);
    cache.addPod(bound);
    cache.removePod(bound);
    expect(cache.counts()).toEqual({ nodes: 1, pods: 0, assumed: 0 });
  });

  it('refuses to assume a pod the informer already shows bound', () => {
    const { cache } = setup();
    cache.addPod({ ...pod, spec: { ...pod.spec!, nodeName: 'a' } });
    expect(() => cache.assumePod(pod, 'a')).toThrow(/already bound/);
  });
});
