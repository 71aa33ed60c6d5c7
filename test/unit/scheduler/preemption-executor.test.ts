import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import { EventReason } from '../../../controllers/scheduler/constants.js';
import { success, unschedulable } from '../../../controllers/scheduler/framework/status.js';
import { DISRUPTION_TARGET, REASON_PREEMPTION_BY_SCHEDULER } from '../../../controllers/scheduler/plugins/default-preemption.js';
import { PreemptionExecutor, clearNominationPatch, preemptionOf } from '../../../controllers/scheduler/preemption-executor.js';
import { recordingDecisionSink } from '../../../controllers/shared/decisions.js';
import { silentLogger } from '../../../controllers/shared/log.js';
import { makePod } from './fixtures.js';

const NOW = new Date('2026-01-02T03:04:05.000Z');

const withUid = (pod: V1Pod, uid: string): V1Pod => ({ ...pod, metadata: { ...pod.metadata, uid } });
const preemptor = withUid(makePod({ name: 'big', priority: 1000, spec: { schedulerName: 'lab-scheduler' } }), 'uid-big');
const victim = (name: string, extra: Partial<V1Pod> = {}): V1Pod => ({ ...withUid(makePod({ name, priority: 1, nodeName: 'w1' }), `uid-${name}`), ...extra });

/** An API error as client-node throws it. */
const apiError = (code: number) => Object.assign(new Error(`HTTP ${code}`), { code });

/** A pending pod an earlier preemption nominated to `node` (its status says so, as the informer shows it). */
const nominatedTo = (node: string | undefined, name: string, priority: number): V1Pod => ({
  ...withUid(makePod({ name, priority, spec: { schedulerName: 'lab-scheduler' } }), `uid-${name}`),
  status: node ? { nominatedNodeName: node } : {},
});

/**
 * The executor on a fake client and nominator (`nominated`: node → pods nominated there); `background`
 * collects the writes it starts. `patchNamespacedPodStatus` may answer differently per pod.
 */
function setup(
  core: { deleteNamespacedPod?: (req: unknown) => Promise<unknown>; patchNamespacedPodStatus?: (req: { name: string }) => Promise<unknown> } = {},
  nominated: Record<string, V1Pod[]> = {},
) {
  const calls: string[] = [];
  const fake = {
    patchNamespacedPodStatus: vi.fn(async (req: { name: string; body: unknown }, _options?: unknown) => {
      calls.push(`patch ${req.name}`);
      return core.patchNamespacedPodStatus?.(req);
    }),
    deleteNamespacedPod: vi.fn(async (req: { name: string }) => {
      calls.push(`delete ${req.name}`);
      return core.deleteNamespacedPod?.(req);
    }),
  };
  const events: { name: string; type: string; reason: string; message: string }[] = [];
  const recorder = { event: vi.fn(async (obj: V1Pod, type: string, reason: string, message: string) => void events.push({ name: obj.metadata!.name!, type, reason, message })) };
  const writes: { what: string; write: Promise<void> }[] = [];
  const decisions = recordingDecisionSink();
  const nominator = {
    nominatedPodsOn: vi.fn((node: string) => nominated[node] ?? []),
    deleteNominatedPod: vi.fn((pod: V1Pod) => void calls.push(`forget ${pod.metadata!.name}`)),
  };
  const executor = new PreemptionExecutor({
    core: fake as never,
    nominator,
    recorder: recorder as never,
    schedulerName: 'lab-scheduler',
    decisions,
    log: silentLogger,
    background: (what, write) => void writes.push({ what, write }),
    now: () => NOW,
  });
  const allWritten = () => Promise.allSettled(writes.map((w) => w.write));
  return { executor, fake, nominator, calls, events, writes, decisions: decisions.decisions, allWritten };
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

/** The headers a call's request options set (client-node's header middleware, run on a fake request). */
function headersSetBy(options: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  const request = { setHeaderParam: (key: string, value: string) => void (headers[key] = value) };
  for (const m of (options as { middleware: { pre: (r: unknown) => unknown }[] }).middleware) m.pre(request);
  return headers;
}

/** The requests of the status patches that cleared a nomination, in order. */
const clearingPatches = (fake: { patchNamespacedPodStatus: { mock: { calls: unknown[][] } } }) =>
  fake.patchNamespacedPodStatus.mock.calls
    .map(([req]) => req as { name: string; namespace: string; body: { status: Record<string, unknown> } })
    .filter((req) => 'nominatedNodeName' in req.body.status);

describe('PreemptionExecutor: lower-priority pods nominated to the node lose their nomination (upstream prepareCandidateAsync)', () => {
  it('each one is forgotten by the nominator and gets {"status":{"nominatedNodeName":null}} (strategic merge), before any victim is touched', async () => {
    const low = nominatedTo('w1', 'low-nominated', 10);
    const h = setup({}, { w1: [low] });
    h.executor.preempt(preemptor, { nodeName: 'w1', victims: [victim('v1')] });
    await h.allWritten();
    expect(h.nominator.nominatedPodsOn).toHaveBeenCalledWith('w1');
    expect(h.nominator.deleteNominatedPod).toHaveBeenCalledWith(low);
    expect(clearingPatches(h.fake)).toEqual([{ name: 'low-nominated', namespace: 'default', body: { status: { nominatedNodeName: null } } }]);
    expect(headersSetBy(h.fake.patchNamespacedPodStatus.mock.calls[0]![1])).toEqual({ 'Content-Type': 'application/strategic-merge-patch+json' });
    // Upstream's async preemption clears the nominations first, then evicts.
    expect(h.calls).toEqual(['forget low-nominated', 'patch low-nominated', 'patch v1', 'delete v1']);
  });

  it('pods of equal or higher priority nominated there keep theirs; so do lower-priority pods nominated to other nodes', async () => {
    const equal = nominatedTo('w1', 'equal', 1000);
    const higher = nominatedTo('w1', 'higher', 2000);
    const lowElsewhere = nominatedTo('w2', 'low-elsewhere', 1);
    const h = setup({}, { w1: [equal, higher], w2: [lowElsewhere] });
    h.executor.preempt(preemptor, { nodeName: 'w1', victims: [victim('v1')] });
    await h.allWritten();
    expect(h.nominator.deleteNominatedPod).not.toHaveBeenCalled();
    expect(clearingPatches(h.fake)).toEqual([]);
    expect(h.writes.map((w) => w.what)).toEqual(['preemption of default/v1']);
  });

  it('only the lower ones of a mixed set, each patched in the nominator’s order', async () => {
    const pods = [nominatedTo('w1', 'n-500', 500), nominatedTo('w1', 'n-1000', 1000), nominatedTo('w1', 'n-0', 0), nominatedTo('w1', 'n-negative', -5)];
    const h = setup({}, { w1: pods });
    h.executor.preempt(preemptor, { nodeName: 'w1', victims: [victim('v1')] });
    await h.allWritten();
    expect(h.nominator.deleteNominatedPod.mock.calls.map(([p]) => p.metadata!.name)).toEqual(['n-500', 'n-0', 'n-negative']);
    expect(clearingPatches(h.fake).map((r) => r.name)).toEqual(['n-500', 'n-0', 'n-negative']);
  });

  it('upstream TestRemoveNominatedNodeName: no request for a pod whose status names no node (it is still forgotten in memory)', async () => {
    const notYetVisible = nominatedTo(undefined, 'just-nominated', 10);
    const h = setup({}, { w1: [notYetVisible] });
    h.executor.preempt(preemptor, { nodeName: 'w1', victims: [victim('v1')] });
    await h.allWritten();
    expect(h.nominator.deleteNominatedPod).toHaveBeenCalledWith(notYetVisible);
    expect(clearingPatches(h.fake)).toEqual([]);
    expect(h.calls).toEqual(['forget just-nominated', 'patch v1', 'delete v1']);
  });

  it('the preempt decision and its reason name the pods that lost their nomination', () => {
    const h = setup({}, { w1: [nominatedTo('w1', 'low-nominated', 10)] });
    h.executor.preempt(preemptor, { nodeName: 'w1', victims: [victim('v7')] });
    expect(h.decisions).toEqual([
      expect.objectContaining({
        verb: 'preempt',
        reason: 'preempt Pod default/big on node w1: victims default/v7 (priority 1); nominations cleared: default/low-nominated',
        details: {
          node: 'w1',
          priority: 1000,
          victims: [{ namespace: 'default', name: 'v7', uid: 'uid-v7', priority: 1 }],
          nominationsCleared: [{ namespace: 'default', name: 'low-nominated', uid: 'uid-low-nominated', priority: 10 }],
        },
      }),
    ]);
  });

  it('a failed clearing patch is reported (naming the pod) but neither stops the other patches nor the eviction; a pod gone (404) is no failure; a 500 is tried 4 times (PatchPodStatus)', async () => {
    const h = setup(
      {
        patchNamespacedPodStatus: async (req) => {
          if (req.name === 'broken') throw apiError(500);
          if (req.name === 'gone') throw apiError(404);
        },
      },
      { w1: [nominatedTo('w1', 'broken', 1), nominatedTo('w1', 'gone', 2), nominatedTo('w1', 'fine', 3)] },
    );
    h.executor.preempt(preemptor, { nodeName: 'w1', victims: [victim('v1')] });
    const outcomes = await h.allWritten();
    expect(h.writes.map((w) => w.what)).toEqual(['status.nominatedNodeName of lower-priority pods on node w1', 'preemption of default/v1']);
    expect(outcomes[0]).toEqual({ status: 'rejected', reason: new Error('cannot clear status.nominatedNodeName of lower-priority pods nominated to node w1: default/broken: HTTP 500') });
    expect(outcomes[1]!.status).toBe('fulfilled');
    expect(clearingPatches(h.fake).map((r) => r.name)).toEqual(['broken', 'broken', 'broken', 'broken', 'gone', 'fine']);
    expect(h.calls.slice(-2)).toEqual(['patch v1', 'delete v1']);
    expect(h.events.map((e) => e.name)).toEqual(['v1']);
  });

  it('the victims wait until the clearing patches have answered', async () => {
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const h = setup({ patchNamespacedPodStatus: async (req) => (req.name === 'slow' ? held : undefined) }, { w1: [nominatedTo('w1', 'slow', 1)] });
    h.executor.preempt(preemptor, { nodeName: 'w1', victims: [victim('v1')] });
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.calls).toEqual(['forget slow', 'patch slow']);
    answer();
    await h.allWritten();
    expect(h.calls).toEqual(['forget slow', 'patch slow', 'patch v1', 'delete v1']);
  });
});

describe('clearNominationPatch (upstream clearNominatedNodeName)', () => {
  it.each([
    { why: 'a nominated pod: null removes the field', status: { nominatedNodeName: 'node1' }, want: { status: { nominatedNodeName: null } } },
    { why: 'already cleared (empty string): nothing to send', status: { nominatedNodeName: '' }, want: undefined },
    { why: 'no nominatedNodeName at all: nothing to send', status: {}, want: undefined },
    { why: 'no status at all: nothing to send', status: undefined, want: undefined },
  ])('$why', ({ status, want }) => {
    expect(clearNominationPatch({ metadata: { name: 'foo' }, status })).toEqual(want);
  });
});
