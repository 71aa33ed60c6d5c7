/**
 * SchedulingGates (PreEnqueue) with upstream's cases (pkg/scheduler/framework/plugins/schedulinggates/
 * scheduling_gates_test.go, TestPreEnqueue), the queue's gated set, and the scheduler: a gated pod
 * is never tried (so its SchedulingGated condition, which the API server sets, is never replaced),
 * and the update that removes its gates gets it scheduled.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Code } from '../../../controllers/scheduler/framework/status.js';
import { SchedulingGates } from '../../../controllers/scheduler/plugins/scheduling-gates.js';
import { SchedulingQueue } from '../../../controllers/scheduler/queue.js';
import { makePod } from './fixtures.js';
import { informerHarness as harness } from './informer-harness.js';

const gated = (name: string, gates: string[]) => makePod({ name, requests: [{ cpu: '100m' }], spec: { schedulingGates: gates.map((g) => ({ name: g })), schedulerName: 'lab-scheduler' } as never });
const ungate = (pod: V1Pod): V1Pod => ({ ...pod, spec: { ...pod.spec!, schedulingGates: undefined } });

describe('SchedulingGates.preEnqueue (upstream TestPreEnqueue)', () => {
  it('pod does not carry scheduling gates: success', async () => {
    const status = await SchedulingGates.preEnqueue(makePod({ name: 'p' }));
    expect(status?.isSuccess() ?? true).toBe(true);
  });
  it('pod carries scheduling gates: UnschedulableAndUnresolvable "waiting for scheduling gates: [foo bar]"', async () => {
    const status = await SchedulingGates.preEnqueue(gated('p', ['foo', 'bar']));
    expect(status?.code).toBe(Code.UnschedulableAndUnresolvable);
    expect(status?.reasons).toEqual(['waiting for scheduling gates: [foo bar]']);
  });
  it('an empty gate list is no gate', async () => {
    const status = await SchedulingGates.preEnqueue(gated('p', []));
    expect(status?.isSuccess()).toBe(true);
  });
});

describe('SchedulingQueue: the gated set', () => {
  const queue = () => {
    let now = 0;
    const q = new SchedulingQueue({ less: () => false, clock: () => now });
    return { q, advance: (ms: number) => (now += ms) };
  };

  it('a gated pod is parked, not active; no cluster event and no timeout moves it', () => {
    const { q, advance } = queue();
    const pod = gated('p', ['foo']);
    q.addGated(pod);
    expect(q.whereIs(pod)).toBe('gated');
    expect(q.moveAllToActiveOrBackoff('NodeAdd')).toBe(0);
    advance(10 * 60_000);
    q.flush();
    expect(q.whereIs(pod)).toBe('gated');
    expect(q.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 1 });
  });

  it('the update that passed PreEnqueue moves it straight to active (no backoff)', () => {
    const { q } = queue();
    const pod = gated('p', ['foo']);
    q.addGated(pod);
    q.update(ungate(pod));
    expect(q.whereIs(pod)).toBe('active');
    expect(q.lengths().gated).toBe(0);
  });

  it('delete forgets a gated pod', () => {
    const { q } = queue();
    const pod = gated('p', ['foo']);
    q.addGated(pod);
    q.delete(pod);
    expect(q.whereIs(pod)).toBeUndefined();
  });
});

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('LabScheduler and a gated pod', () => {
  it('never tries it while gated (no binding, no PodScheduled patch); schedules it once the gates are removed', async () => {
    const h = harness();
    stops.push(h.stop);
    const pod = gated('g', ['example.com/wait']);
    h.handlers.add!(pod);
    await vi.waitFor(() => expect(h.scheduler.queue.whereIs(pod)).toBe('gated'));
    // A label change while still gated keeps it gated.
    const relabelled = { ...pod, metadata: { ...pod.metadata, labels: { x: 'y' } } };
    h.handlers.update!(pod, relabelled);
    await new Promise((r) => setTimeout(r, 20));
    expect(h.scheduler.queue.whereIs(pod)).toBe('gated');
    expect(h.bound).toEqual([]);
    expect(h.patches).toEqual([]);

    h.handlers.update!(relabelled, ungate(relabelled));
    await vi.waitFor(() => expect(h.bound).toEqual(['g→w1']));
  });

  it('a pod without gates is scheduled as before', async () => {
    const h = harness();
    stops.push(h.stop);
    h.handlers.add!(makePod({ name: 'plain', requests: [{ cpu: '100m' }], spec: { schedulerName: 'lab-scheduler' } as never }));
    await vi.waitFor(() => expect(h.bound).toEqual(['plain→w1']));
  });

  it('a gated pod deleted before its PreEnqueue verdict arrives is not queued', async () => {
    const h = harness();
    stops.push(h.stop);
    const pod = gated('gone', ['x']);
    h.handlers.add!(pod);
    h.handlers.del!(pod);
    await new Promise((r) => setTimeout(r, 20));
    expect(h.scheduler.queue.whereIs(pod)).toBeUndefined();
  });
});
