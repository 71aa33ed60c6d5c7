import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import { EventReason } from '../../../controllers/scheduler/constants.js';
import type { ScheduleOneResult } from '../../../controllers/scheduler/framework/runtime.js';
import { errorStatus, success, unschedulable } from '../../../controllers/scheduler/framework/status.js';
import type { PoppedPod } from '../../../controllers/scheduler/queue.js';
import { ScheduleOne } from '../../../controllers/scheduler/schedule-one.js';
import { recordingDecisionSink } from '../../../controllers/shared/decisions.js';
import { silentLogger } from '../../../controllers/shared/log.js';
import { NodeInfo } from '../../../controllers/scheduler/framework/node-info.js';
import { makeNode, makePod } from './fixtures.js';

const pod = makePod({ name: 'p', priority: 100, spec: { schedulerName: 'lab-scheduler' } });
const victim: V1Pod = { ...makePod({ name: 'low', priority: 1, nodeName: 'w1' }), metadata: { name: 'low', namespace: 'default', uid: 'uid-low' } };
const popped = { pod } as PoppedPod;

/** A failed attempt: the one node rejected by NodeResourcesFit, with the PostFilter result given. */
function failure(status = unschedulable('Insufficient cpu'), postFilter?: ScheduleOneResult['postFilter']): ScheduleOneResult {
  const rejected = unschedulable('Insufficient cpu').withPlugin('NodeResourcesFit');
  return { status, numAllNodes: 1, feasible: [], nodeStatuses: new Map([['w1', rejected]]), scores: [], totals: {}, scoringSkipped: false, postFilter, phase: 'Filter', bound: false };
}

/** ScheduleOne on fakes: the runtime answers `result`; queue, cache, client and recorder record their calls. */
function setup(result: ScheduleOneResult, responsible = true, nominatedOnW1: V1Pod[] = []) {
  const runtime = { scheduleAndAssume: vi.fn(async () => ({ ok: false as const, result })), bindingCycle: vi.fn() };
  const queue = { done: vi.fn(), addUnschedulable: vi.fn(), addBackoff: vi.fn() };
  const nodeInfo = vi.fn((name: string) => (name === 'w1' ? new NodeInfo(makeNode('w1'), [], nominatedOnW1) : undefined));
  const cache = { snapshot: vi.fn(() => []), nodeInfo, isAssumed: vi.fn(() => false), assumePod: vi.fn(), forgetPod: vi.fn(), finishBinding: vi.fn(), updateNominatedPod: vi.fn(), deleteNominatedPod: vi.fn() };
  const core = { patchNamespacedPodStatus: vi.fn(async (_req: unknown, _options?: unknown) => ({})), deleteNamespacedPod: vi.fn(async () => ({})) };
  const recorder = { event: vi.fn(async () => {}) };
  const decisions = recordingDecisionSink();
  const cycles = new ScheduleOne({
    schedulerName: 'lab-scheduler',
    runtime: runtime as never,
    cache: cache as never,
    queue: queue as never,
    core: core as never,
    recorder: recorder as never,
    decisions,
    log: silentLogger,
    responsibleFor: () => responsible,
  });
  return { cycles, runtime, queue, cache, core, recorder, decisions: decisions.decisions };
}

describe('ScheduleOne: a failed attempt', () => {
  it('an unschedulable pod is parked with the plugins that rejected it, gets FailedScheduling and PodScheduled=False Unschedulable', async () => {
    const h = setup(failure());
    await h.cycles.scheduleOne(popped, { get: () => undefined });
    await h.cycles.waitForInFlight();
    expect(h.queue.addUnschedulable).toHaveBeenCalledWith(popped, new Set(['NodeResourcesFit']));
    expect(h.queue.addBackoff).not.toHaveBeenCalled();
    expect(h.recorder.event).toHaveBeenCalledWith(pod, 'Warning', EventReason.FailedScheduling, 'Insufficient cpu');
    expect(h.core.patchNamespacedPodStatus).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'p', body: { status: { conditions: [expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' })] } } }),
      expect.anything(),
    );
    expect(h.core.deleteNamespacedPod).not.toHaveBeenCalled();
    expect(h.decisions.map((d) => d.verb)).toEqual(['unschedulable']);
  });

  it('an error backs the pod off and writes reason SchedulerError', async () => {
    const h = setup(failure(errorStatus('plugin threw')));
    await h.cycles.scheduleOne(popped, { get: () => undefined });
    await h.cycles.waitForInFlight();
    expect(h.queue.addBackoff).toHaveBeenCalledWith(popped);
    expect(h.queue.addUnschedulable).not.toHaveBeenCalled();
    expect(h.core.patchNamespacedPodStatus).toHaveBeenCalledWith(
      expect.objectContaining({ body: { status: { conditions: [expect.objectContaining({ reason: 'SchedulerError' })] } } }),
      expect.anything(),
    );
  });

  it('a preemption evicts the victims, counts the nomination in the cache at once and writes nominatedNodeName with the condition', async () => {
    const h = setup(failure(unschedulable('Insufficient cpu'), { status: success(), nominatedNodeName: 'w1', victims: [victim] }));
    await h.cycles.scheduleOne(popped, { get: () => undefined });
    await h.cycles.waitForInFlight();
    expect(h.cache.updateNominatedPod).toHaveBeenCalledWith(pod, 'w1');
    expect(h.core.deleteNamespacedPod).toHaveBeenCalledWith({ name: 'low', namespace: 'default', body: { preconditions: { uid: 'uid-low' } } });
    expect(h.core.patchNamespacedPodStatus).toHaveBeenCalledWith(expect.objectContaining({ name: 'p', body: { status: expect.objectContaining({ nominatedNodeName: 'w1' }) } }), expect.anything());
    expect(h.recorder.event).toHaveBeenCalledWith(victim, 'Normal', EventReason.Preempted, expect.stringContaining('on node w1'));
    expect(h.decisions.map((d) => d.verb)).toEqual(['unschedulable', 'preempt']);
  });

  it('a preemption takes its node away from lower-priority pods nominated there: forgotten in the cache, nominatedNodeName null on each', async () => {
    const lower: V1Pod = { ...makePod({ name: 'lower', priority: 10 }), status: { nominatedNodeName: 'w1' } };
    const equal: V1Pod = { ...makePod({ name: 'equal', priority: 100 }), status: { nominatedNodeName: 'w1' } };
    const h = setup(failure(unschedulable('Insufficient cpu'), { status: success(), nominatedNodeName: 'w1', victims: [victim] }), true, [lower, equal]);
    await h.cycles.scheduleOne(popped, { get: () => undefined });
    await h.cycles.waitForInFlight();
    expect(h.cache.nodeInfo).toHaveBeenCalledWith('w1');
    expect(h.cache.deleteNominatedPod.mock.calls).toEqual([[lower]]);
    expect(h.cache.updateNominatedPod).toHaveBeenCalledWith(pod, 'w1');
    const requests = h.core.patchNamespacedPodStatus.mock.calls.map(([req]) => req as { name: string });
    expect(requests.filter((req) => req.name !== 'p' && req.name !== 'low')).toEqual([{ name: 'lower', namespace: 'default', body: { status: { nominatedNodeName: null } } }]);
  });

  it('an empty nomination clears an earlier one, in the cache and on the pod', async () => {
    const nominated: V1Pod = { ...pod, status: { nominatedNodeName: 'w1' } };
    const h = setup(failure(unschedulable('Insufficient cpu'), { status: unschedulable('no victims help'), nominatedNodeName: '' }));
    await h.cycles.scheduleOne({ pod: nominated } as PoppedPod, { get: () => undefined });
    await h.cycles.waitForInFlight();
    expect(h.cache.deleteNominatedPod).toHaveBeenCalledWith(nominated);
    expect(h.core.patchNamespacedPodStatus).toHaveBeenCalledWith(expect.objectContaining({ body: { status: expect.objectContaining({ nominatedNodeName: null }) } }), expect.anything());
    expect(h.core.deleteNamespacedPod).not.toHaveBeenCalled();
  });

  it('a pod no longer ours (or already assumed) is done without a cycle', async () => {
    const h = setup(failure(), false);
    await h.cycles.scheduleOne(popped, { get: () => undefined });
    expect(h.runtime.scheduleAndAssume).not.toHaveBeenCalled();
    expect(h.queue.done).toHaveBeenCalledWith(pod);
  });
});
