import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import { EventReason } from '../../../controllers/scheduler/constants.js';
import { success, unschedulable } from '../../../controllers/scheduler/framework/status.js';
import { DISRUPTION_TARGET, REASON_PREEMPTION_BY_SCHEDULER } from '../../../controllers/scheduler/plugins/default-preemption.js';
import { PreemptionExecutor, preemptionOf } from '../../../controllers/scheduler/preemption-executor.js';
import { recordingDecisionSink } from '../../../controllers/shared/decisions.js';
import { silentLogger } from '../../../controllers/shared/log.js';
import { makePod } from './fixtures.js';

const NOW = new Date('2026-01-02T03:04:05.000Z');

const withUid = (pod: V1Pod, uid: string): V1Pod => ({ ...pod, metadata: { ...pod.metadata, uid } });
const preemptor = withUid(makePod({ name: 'big', priority: 1000, spec: { schedulerName: 'lab-scheduler' } }), 'uid-big');
const victim = (name: string, extra: Partial<V1Pod> = {}): V1Pod => ({ ...withUid(makePod({ name, priority: 1, nodeName: 'w1' }), `uid-${name}`), ...extra });

/** An API error as client-node throws it. */
const apiError = (code: number) => Object.assign(new Error(`HTTP ${code}`), { code });

/** The executor on a fake client; `background` collects the writes it starts. */
function setup(core: { deleteNamespacedPod?: (req: unknown) => Promise<unknown> } = {}) {
  const calls: string[] = [];
  const fake = {
    patchNamespacedPodStatus: vi.fn(async (req: { name: string; body: unknown }) => void calls.push(`patch ${req.name}`)),
    deleteNamespacedPod: vi.fn(async (req: { name: string }) => {
      calls.push(`delete ${req.name}`);
      return core.deleteNamespacedPod?.(req);
    }),
  };
  const events: { name: string; type: string; reason: string; message: string }[] = [];
  const recorder = { event: vi.fn(async (obj: V1Pod, type: string, reason: string, message: string) => void events.push({ name: obj.metadata!.name!, type, reason, message })) };
  const writes: { what: string; write: Promise<void> }[] = [];
  const decisions = recordingDecisionSink();
  const executor = new PreemptionExecutor({
    core: fake as never,
    recorder: recorder as never,
    schedulerName: 'lab-scheduler',
    decisions,
    log: silentLogger,
    background: (what, write) => void writes.push({ what, write }),
    now: () => NOW,
  });
  const allWritten = () => Promise.allSettled(writes.map((w) => w.write));
  return { executor, fake, calls, events, writes, decisions: decisions.decisions, allWritten };
}

describe('PreemptionExecutor', () => {
  it('marks each victim DisruptionTarget, deletes it guarded by its uid, then records Preempted on it', async () => {
    const h = setup();
    h.executor.preempt(preemptor, { nodeName: 'w1', victims: [victim('v1'), victim('v2')] });
    await h.allWritten();
    expect(h.writes.map((w) => w.what)).toEqual(['preemption of default/v1', 'preemption of default/v2']);
    // The victims are evicted concurrently; each one is marked before it is deleted.
    expect(h.calls.filter((c) => c.endsWith('v1'))).toEqual(['patch v1', 'delete v1']);
    expect(h.calls.filter((c) => c.endsWith('v2'))).toEqual(['patch v2', 'delete v2']);
    expect(h.fake.patchNamespacedPodStatus.mock.calls[0]![0]).toEqual({
      name: 'v1',
      namespace: 'default',
      body: {
        status: {
          conditions: [{ type: DISRUPTION_TARGET, status: 'True', reason: REASON_PREEMPTION_BY_SCHEDULER, message: 'lab-scheduler: preempting to accommodate a higher priority pod', lastTransitionTime: NOW.toISOString() }],
        },
      },
    });
    expect(h.fake.deleteNamespacedPod.mock.calls[1]![0]).toEqual({ name: 'v2', namespace: 'default', body: { preconditions: { uid: 'uid-v2' } } });
    expect(h.events).toEqual([
      { name: 'v1', type: 'Normal', reason: EventReason.Preempted, message: 'Preempted by pod uid-big on node w1' },
      { name: 'v2', type: 'Normal', reason: EventReason.Preempted, message: 'Preempted by pod uid-big on node w1' },
    ]);
  });

  it('skips a victim whose deletion has started, and does not mark one already marked', async () => {
    const h = setup();
    const terminating = victim('v3', { metadata: { ...victim('v3').metadata, deletionTimestamp: new Date() } });
    const marked = victim('v4', { status: { conditions: [{ type: DISRUPTION_TARGET, status: 'True', reason: REASON_PREEMPTION_BY_SCHEDULER }] } });
    h.executor.preempt(preemptor, { nodeName: 'w1', victims: [terminating, marked] });
    await h.allWritten();
    expect(h.writes).toHaveLength(1);
    expect(h.calls).toEqual(['delete v4']);
    expect(h.events.map((e) => e.name)).toEqual(['v4']);
  });

  it('a victim already gone (404) or replaced (409 on the uid precondition) is no error and gets no event', async () => {
    for (const code of [404, 409]) {
      const h = setup({ deleteNamespacedPod: async () => Promise.reject(apiError(code)) });
      h.executor.preempt(preemptor, { nodeName: 'w1', victims: [victim('v5')] });
      const [outcome] = await h.allWritten();
      expect(outcome!.status).toBe('fulfilled');
      expect(h.events).toEqual([]);
    }
  });

  it('any other failure rejects the background write (the scheduler logs it) and records no event', async () => {
    const h = setup({ deleteNamespacedPod: async () => Promise.reject(apiError(500)) });
    h.executor.preempt(preemptor, { nodeName: 'w1', victims: [victim('v6')] });
    const [outcome] = await h.allWritten();
    expect(outcome!.status).toBe('rejected');
    expect(h.events).toEqual([]);
  });

  it('reports one preempt decision naming the node and the victims with their priorities', () => {
    const h = setup();
    h.executor.preempt(preemptor, { nodeName: 'w1', victims: [victim('v7')] });
    expect(h.decisions).toEqual([
      expect.objectContaining({
        component: 'lab-scheduler',
        verb: 'preempt',
        object: { kind: 'Pod', namespace: 'default', name: 'big', uid: 'uid-big' },
        reason: 'preempt Pod default/big on node w1: victims default/v7 (priority 1)',
        details: { node: 'w1', priority: 1000, victims: [{ namespace: 'default', name: 'v7', uid: 'uid-v7', priority: 1 }] },
      }),
    ]);
  });

  it('preemptionOf: only a successful PostFilter with a node and victims is a preemption', () => {
    const victims = [victim('v8')];
    expect(preemptionOf({ status: success(), nominatedNodeName: 'w1', victims })).toEqual({ nodeName: 'w1', victims });
    expect(preemptionOf({ status: success(), nominatedNodeName: 'w1', victims: [] })).toBeUndefined();
    expect(preemptionOf({ status: success(), nominatedNodeName: '', victims })).toBeUndefined();
    expect(preemptionOf({ status: unschedulable('no victims help'), nominatedNodeName: 'w1', victims })).toBeUndefined();
    expect(preemptionOf(undefined)).toBeUndefined();
  });
});
