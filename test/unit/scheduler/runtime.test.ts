import { afterEach, describe, expect, it, vi } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { buildProfile } from '../../../controllers/scheduler/framework/profile.js';
import { FrameworkRuntime, summarizeCycle, type CycleResult } from '../../../controllers/scheduler/framework/runtime.js';
import { fitErrorMessage } from '../../../controllers/scheduler/framework/fit-error.js';
import { Code, Status, errorStatus, success, unschedulable, unresolvable } from '../../../controllers/scheduler/framework/status.js';
import { waitOnPermit } from '../../../controllers/scheduler/framework/waiting-pod.js';
import type { FilterPlugin, PermitPlugin, Plugin, PostFilterPlugin, ReservePlugin, ScorePlugin } from '../../../controllers/scheduler/framework/interfaces.js';
import { defaultProfile } from '../../../controllers/scheduler/config.js';
import { PrioritySort } from '../../../controllers/scheduler/plugins/priority-sort.js';
import { createDefaultBinder } from '../../../controllers/scheduler/plugins/default-binder.js';
import { makeNode, makePod, nodeInfo } from './fixtures.js';

function fakeBinder(fail = false) {
  const bound: string[] = [];
  return {
    bound,
    binder: { async bind(pod: V1Pod, node: string) { if (fail) throw new Error('conflict'); bound.push(`${pod.metadata!.name}→${node}`); } },
  };
}

const profileOf = (plugins: Plugin[], weights: Record<string, number> = {}, timeoutMs?: number) =>
  buildProfile({ schedulerName: 'lab', plugins: [PrioritySort, ...plugins, createDefaultBinder(fakeBinder().binder)], scoreWeights: weights, pluginTimeoutMs: timeoutMs });

describe('FailedScheduling message', () => {
  it('counts and sorts reasons like upstream FitError', () => {
    const statuses = new Map<string, Status>([
      ['kind-control-plane', unresolvable('node(s) had untolerated taint(s)')],
      ['kind-worker', unschedulable('Insufficient cpu')],
      ['kind-worker2', unschedulable('Insufficient cpu')],
    ]);
    expect(
      fitErrorMessage({ numAllNodes: 3, nodeStatuses: statuses, postFilterMsg: 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.' }),
    ).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('counts each reason of a node with several; sorts as strings', () => {
    const statuses = new Map<string, Status>();
    for (let i = 0; i < 10; i++) statuses.set(`a${i}`, unschedulable('Insufficient cpu', 'Insufficient memory'));
    statuses.set('b', unschedulable('Too many pods'));
    statuses.set('c', unschedulable('Too many pods'));
    expect(fitErrorMessage({ numAllNodes: 12, nodeStatuses: statuses })).toBe('0/12 nodes are available: 10 Insufficient cpu, 10 Insufficient memory, 2 Too many pods.');
  });

  it('uses the PreFilter message instead of the histogram, and handles no nodes', () => {
    const statuses = new Map([['a', unschedulable('x')]]);
    expect(fitErrorMessage({ numAllNodes: 1, nodeStatuses: statuses, preFilterMsg: 'pod has unbound PVCs' })).toBe('0/1 nodes are available: pod has unbound PVCs.');
    expect(fitErrorMessage({ numAllNodes: 0, nodeStatuses: new Map() })).toBe('no nodes available to schedule pods');
  });
});

describe('default profile end to end (pure)', () => {
  const cp = makeNode('kind-control-plane', { allocatable: { cpu: '4', memory: '8Gi' }, taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
  const w1 = makeNode('kind-worker', { allocatable: { cpu: '4', memory: '8Gi' } });
  const w2 = makeNode('kind-worker2', { allocatable: { cpu: '4', memory: '8Gi' } });

  it('picks the least loaded worker, binds, and summarises the cycle', async () => {
    const { binder, bound } = fakeBinder();
    const runtime = new FrameworkRuntime(defaultProfile({ binder }));
    const busy = makePod({ nodeName: 'kind-worker2', requests: [{ cpu: '2', memory: '1Gi' }] });
    const pod = makePod({ name: 'web', requests: [{ cpu: '500m', memory: '256Mi' }] });
    const assumed: string[] = [];
    const result = await runtime.scheduleOne(pod, [nodeInfo(cp), nodeInfo(w1), nodeInfo(w2, [busy])], { assume: (_p, n) => assumed.push(n) });
    expect(result.bound).toBe(true);
    expect(result.chosen).toBe('kind-worker');
    expect(result.feasible).toEqual(['kind-worker', 'kind-worker2']);
    expect(result.nodeStatuses.get('kind-control-plane')?.reasons).toEqual(['node(s) had untolerated taint(s)']);
    expect(bound).toEqual(['web→kind-worker']);
    expect(assumed).toEqual(['kind-worker']);
    expect(result.totals['kind-worker']!).toBeGreaterThan(result.totals['kind-worker2']!);
    expect(summarizeCycle(result)).toMatch(/^filter 3 nodes → 2 feasible \(kind-worker, kind-worker2\); score kind-worker \d+, kind-worker2 \d+ → bind kind-worker$/);
  });

  it('reports the kube-scheduler message when nothing fits, with DefaultPreemption’s tail', async () => {
    const runtime = new FrameworkRuntime(defaultProfile({ binder: fakeBinder().binder }));
    const pod = makePod({ requests: [{ cpu: '3' }] });
    const full = (node: string) => makePod({ nodeName: node, requests: [{ cpu: '2' }] });
    const result = await runtime.scheduleOne(pod, [nodeInfo(cp), nodeInfo(w1, [full('kind-worker')]), nodeInfo(w2, [full('kind-worker2')])]);
    expect(result.bound).toBe(false);
    expect(result.status.code).toBe(Code.Unschedulable);
    // All pods have priority 0: nothing on the workers is of lower priority than the pod.
    expect(result.message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. ' +
        'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
  });
});

describe('plugin guards', () => {
  const nodes = () => [nodeInfo(makeNode('a', { allocatable: { cpu: '1', memory: '1Gi' } })), nodeInfo(makeNode('b', { allocatable: { cpu: '1', memory: '1Gi' } }))];
  const goodScore: ScorePlugin = { name: 'Good', score: (_s, _p, n) => (n.name === 'b' ? 80 : 20) };
  const cases: { name: string; plugin: Plugin; message: RegExp }[] = [
    { name: 'filter throws', plugin: { name: 'Boom', filter: () => { throw new TypeError('cannot read x'); } } as FilterPlugin, message: /running Filter plugin "Boom": threw TypeError: cannot read x/ },
    { name: 'async filter rejects', plugin: { name: 'Boom', filter: async () => { throw new Error('nope'); } } as FilterPlugin, message: /running Filter plugin "Boom": threw Error: nope/ },
    { name: 'filter hangs', plugin: { name: 'Slow', filter: () => new Promise<Status>(() => {}) } as FilterPlugin, message: /running Filter plugin "Slow": did not return within 30 ms/ },
    { name: 'score NaN', plugin: { name: 'Nan', score: () => Number.NaN } as ScorePlugin, message: /running Score plugin "Nan": returned score NaN for node a/ },
    { name: 'score out of range', plugin: { name: 'Big', score: () => 150 } as ScorePlugin, message: /running Score plugin "Big": returned an invalid score 150 for node a, it should be in the range of \[0, 100\]/ },
    { name: 'score negative after normalize', plugin: { name: 'Neg', score: () => 5, scoreExtensions: { normalizeScore: (_s: unknown, _p: unknown, scores: { score: number }[]) => { for (const s of scores) s.score = -1; } } } as ScorePlugin, message: /invalid score -1/ },
    { name: 'filter returns garbage', plugin: { name: 'Odd', filter: () => 'yes' as never } as FilterPlugin, message: /running Filter plugin "Odd": returned "yes" instead of a Status/ },
  ];
  it.each(cases)('$name → Error naming the plugin', async ({ plugin, message }) => {
    const runtime = new FrameworkRuntime(profileOf([plugin, goodScore], {}, 30));
    const result = await runtime.scheduleOne(makePod(), nodes());
    expect(result.bound).toBe(false);
    expect(result.status.code).toBe(Code.Error);
    expect(result.status.plugin).toBe(plugin.name);
    expect(result.message).toMatch(message);
    // The runtime is not poisoned: a healthy profile on the same nodes still schedules.
    const healthy = new FrameworkRuntime(profileOf([goodScore], {}, 30));
    expect((await healthy.scheduleOne(makePod(), nodes())).chosen).toBe('b');
  });

  it('async and sync plugins in one profile: an async Filter that passes hands on to the next, whose rejection counts; an async Score counts', async () => {
    const asyncPass: FilterPlugin = { name: 'AsyncPass', filter: async () => success() };
    const rejectsA: FilterPlugin = { name: 'RejectsA', filter: (_s, _p, n) => (n.name === 'a' ? unschedulable('not a') : success()) };
    const asyncScore: ScorePlugin = { name: 'AsyncScore', score: async (_s, _p, n) => (n.name === 'b' ? 70 : 10) };
    const three = () => [...nodes(), nodeInfo(makeNode('c', { allocatable: { cpu: '1', memory: '1Gi' } }))];
    const result = await new FrameworkRuntime(profileOf([asyncPass, rejectsA, asyncScore], {}, 30)).scheduleOne(makePod(), three());
    expect(result.feasible).toEqual(['b', 'c']);
    expect(result.nodeStatuses.get('a')?.plugin).toBe('RejectsA');
    expect(result.totals).toEqual({ b: 70, c: 10 });
    expect(result.chosen).toBe('b');
  });

  it('a score above 100 is fine when NormalizeScore brings it into range', async () => {
    const counts: ScorePlugin = { name: 'Counts', score: (_s, _p, n) => (n.name === 'a' ? 400 : 200), scoreExtensions: { normalizeScore: (_s, _p, scores) => { for (const s of scores) s.score = s.score / 4; } } };
    const result = await new FrameworkRuntime(profileOf([counts])).scheduleOne(makePod(), nodes());
    expect(result.scores).toEqual([{ plugin: 'Counts', weight: 1, scores: { a: 100, b: 50 } }]);
    expect(result.chosen).toBe('a');
  });

  it('weights multiply normalised scores', async () => {
    const prefersA: ScorePlugin = { name: 'PrefersA', score: (_s, _p, n) => (n.name === 'a' ? 60 : 0) };
    const result = await new FrameworkRuntime(profileOf([prefersA, goodScore], { PrefersA: 2 })).scheduleOne(makePod(), nodes());
    expect(result.totals).toEqual({ a: 140, b: 80 });
    expect(result.chosen).toBe('a');
  });
});

describe('ties and lifecycle', () => {
  const nodes = () => ['a', 'b', 'c'].map((n) => nodeInfo(makeNode(n)));
  const flat: ScorePlugin = { name: 'Flat', score: () => 50 };

  it('breaks ties by reservoir sampling with the injected random', () => {
    const runtime = (r: number) => new FrameworkRuntime(profileOf([flat]), { random: () => r });
    expect(runtime(0.99).selectHost(['a', 'b', 'c'], { a: 5, b: 5, c: 5 })).toBe('a');
    expect(runtime(0).selectHost(['a', 'b', 'c'], { a: 5, b: 5, c: 5 })).toBe('c');
    expect(runtime(0).selectHost(['a', 'b', 'c'], { a: 5, b: 9, c: 5 })).toBe('b');
  });

  it('unreserves and forgets when binding fails', async () => {
    const events: string[] = [];
    const reserve: ReservePlugin = { name: 'R', reserve: () => { events.push('reserve'); }, unreserve: () => { events.push('unreserve'); } };
    const failing = fakeBinder(true);
    const profile = buildProfile({ schedulerName: 'lab', plugins: [PrioritySort, flat, reserve, createDefaultBinder(failing.binder)] });
    const result = await new FrameworkRuntime(profile, { random: () => 0.99 }).scheduleOne(makePod(), nodes(), {
      assume: (_p, n) => events.push(`assume ${n}`),
      forget: (_p, n) => events.push(`forget ${n}`),
    });
    expect(result.bound).toBe(false);
    expect(result.phase).toBe('Bind');
    expect(result.status.code).toBe(Code.Error);
    expect(result.message).toMatch(/running Bind plugin "DefaultBinder": threw Error: conflict/);
    expect(events).toEqual(['assume a', 'reserve', 'unreserve', 'forget a']);
  });

  it('permit Wait resolves later or times out', async () => {
    let allow!: (s: Status) => void;
    const gate = { name: 'Gate', permit: () => ({ status: new Status(Code.Wait), waitFor: new Promise<Status>((r) => (allow = r)), timeoutMs: 1000 }) };
    const runtime = new FrameworkRuntime(profileOf([flat, gate]));
    const pending = runtime.scheduleOne(makePod(), nodes());
    await new Promise((r) => setTimeout(r, 5));
    allow(new Status(Code.Success));
    expect((await pending).bound).toBe(true);

    const never = { name: 'Never', permit: () => ({ status: new Status(Code.Wait), waitFor: new Promise<Status>(() => {}), timeoutMs: 10 }) };
    const timedOut = await new FrameworkRuntime(profileOf([flat, never])).scheduleOne(makePod(), nodes());
    expect(timedOut.phase).toBe('Permit');
    expect(timedOut.message).toBe('rejected due to timeout after waiting 10 ms at plugin Never');
  });

  it('PreFilter narrowing rejects other nodes as unresolvable; PostFilter message is appended', async () => {
    const narrow = { name: 'OnlyA', preFilter: () => ({ nodeNames: ['a'] }) };
    const rejectAll: FilterPlugin = { name: 'No', filter: () => unschedulable('Insufficient cpu') };
    const post: PostFilterPlugin = { name: 'Pre', postFilter: () => unschedulable('preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.') };
    const result = await new FrameworkRuntime(profileOf([narrow, rejectAll, post])).scheduleOne(makePod(), nodes());
    expect(result.message).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [OnlyA]. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
  });

  it('a single feasible node skips scoring, as upstream', async () => {
    const onlyB: FilterPlugin = { name: 'OnlyB', filter: (_s, _p, n) => (n.name === 'b' ? undefined : unresolvable('not b')) };
    const result = await new FrameworkRuntime(profileOf([onlyB, flat])).scheduleOne(makePod(), nodes());
    expect(result).toMatchObject({ chosen: 'b', scoringSkipped: true, bound: true });
    expect(summarizeCycle(result)).toBe('filter 3 nodes → 1 feasible (b); score skipped (one feasible node) → bind b');
  });
});

describe('summarizeCycle with many nodes', () => {
  const base = { numAllNodes: 500, status: success(), nodeStatuses: new Map(), scores: {}, phase: 'bind' } as unknown as CycleResult;
  const names = Array.from({ length: 12 }, (_, i) => `kwok-node-${String(i + 1).padStart(4, '0')}`);
  it('names the best five by total and counts the rest, so a line stays readable at 500 nodes', () => {
    const totals = Object.fromEntries(names.map((n, i) => [n, i * 10]));
    const result = { ...base, feasible: names, totals, chosen: 'kwok-node-0012' } as CycleResult;
    expect(summarizeCycle(result)).toBe(
      'filter 500 nodes → 12 feasible (kwok-node-0001, kwok-node-0002, kwok-node-0003, kwok-node-0004, kwok-node-0005, +7 more); ' +
        'score kwok-node-0012 110, kwok-node-0011 100, kwok-node-0010 90, kwok-node-0009 80, kwok-node-0008 70, +7 more → bind kwok-node-0012',
    );
  });
  it('five or fewer: every node, in the cycle\'s order, as before', () => {
    const five = names.slice(0, 5);
    const result = { ...base, numAllNodes: 5, feasible: five, totals: Object.fromEntries(five.map((n, i) => [n, 50 - i])), chosen: five[0] } as CycleResult;
    expect(summarizeCycle(result)).toBe(`filter 5 nodes → 5 feasible (${five.join(', ')}); score ${five.map((n, i) => `${n} ${50 - i}`).join(', ')} → bind ${five[0]}`);
  });
});

describe('scheduling cycle and binding cycle', () => {
  const nodes = () => ['a', 'b'].map((n) => nodeInfo(makeNode(n)));
  const flat: ScorePlugin = { name: 'Flat', score: () => 50 };
  const waitFor = (verdict: Promise<Status>, timeoutMs = 60_000) => ({ status: new Status(Code.Wait), waitFor: verdict, timeoutMs });

  it('the scheduling cycle returns as soon as Permit says Wait; the binding cycle waits for the verdict', async () => {
    let allow!: (s: Status) => void;
    const gate: PermitPlugin = { name: 'Gate', permit: () => waitFor(new Promise<Status>((r) => (allow = r))) };
    const runtime = new FrameworkRuntime(profileOf([flat, gate]), { random: () => 0.99 });
    const assumed: string[] = [];
    const outcome = await runtime.scheduleAndAssume(makePod({ name: 'p' }), nodes(), { assume: (_p, n) => assumed.push(n) });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(assumed).toEqual(['a']);
    expect(outcome.assumed).toMatchObject({ nodeName: 'a', cycle: { chosen: 'a' }, waitingOn: [{ plugin: 'Gate', timeoutMs: 60_000 }] });

    let finished = false;
    const binding = runtime.bindingCycle(outcome.assumed).then((r) => ((finished = true), r));
    await new Promise((r) => setTimeout(r, 5));
    expect(finished).toBe(false);
    allow(new Status(Code.Success));
    expect(await binding).toMatchObject({ bound: true, phase: 'PostBind', chosen: 'a' });
  });

  it('a Permit rejection ends the scheduling cycle at once, even while an earlier plugin waits; the pod is unreserved and forgotten', async () => {
    const events: string[] = [];
    const reserve: ReservePlugin = { name: 'R', reserve: () => void events.push('reserve'), unreserve: () => void events.push('unreserve') };
    const waiter: PermitPlugin = { name: 'Waiter', permit: () => waitFor(new Promise<Status>(() => {})) };
    const rejecter: PermitPlugin = { name: 'Rejecter', permit: () => unschedulable('not now') };
    const runtime = new FrameworkRuntime(profileOf([flat, reserve, waiter, rejecter]), { random: () => 0.99 });
    const outcome = await runtime.scheduleAndAssume(makePod(), nodes(), { assume: (_p, n) => events.push(`assume ${n}`), forget: (_p, n) => events.push(`forget ${n}`) });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.result).toMatchObject({ phase: 'Permit', bound: false, message: 'not now', status: { code: Code.Unschedulable, plugin: 'Rejecter' } });
    expect(events).toEqual(['assume a', 'reserve', 'unreserve', 'forget a']);
  });

  it('a failing binding cycle unreserves and forgets; scheduleOne is the two cycles back to back', async () => {
    const events: string[] = [];
    const reserve: ReservePlugin = { name: 'R', reserve: () => void events.push('reserve'), unreserve: () => void events.push('unreserve') };
    const preBind = { name: 'NoVolume', preBind: () => errorStatus('volume not ready') };
    const runtime = new FrameworkRuntime(profileOf([flat, reserve, preBind]), { random: () => 0.99 });
    const hooks = { assume: (_p: V1Pod, n: string) => events.push(`assume ${n}`), forget: (_p: V1Pod, n: string) => events.push(`forget ${n}`) };
    const outcome = await runtime.scheduleAndAssume(makePod(), nodes(), hooks);
    expect(events).toEqual(['assume a', 'reserve']);
    if (!outcome.ok) throw new Error('expected the scheduling cycle to place the pod');
    const result = await runtime.bindingCycle(outcome.assumed, hooks);
    expect(result).toMatchObject({ phase: 'PreBind', bound: false, message: 'running PreBind plugin "NoVolume": volume not ready' });
    expect(events).toEqual(['assume a', 'reserve', 'unreserve', 'forget a']);
  });
});

describe('waitOnPermit', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits for all waiting plugins together: the first timeout decides and no timer is left behind', async () => {
    vi.useFakeTimers();
    const never = new Promise<Status>(() => {});
    const verdict = waitOnPermit([{ plugin: 'Slow', waitFor: never, timeoutMs: 1000 }, { plugin: 'Quick', waitFor: never, timeoutMs: 500 }], 5000);
    await vi.advanceTimersByTimeAsync(500);
    const status = await verdict;
    expect(status).toMatchObject({ code: Code.Unschedulable, plugin: 'Quick', reasons: ['rejected due to timeout after waiting 500 ms at plugin Quick'] });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('allows once every plugin allows; a failed wait names its plugin once', async () => {
    const allowed = await waitOnPermit([{ plugin: 'A', waitFor: Promise.resolve(new Status(Code.Success)) }, { plugin: 'B', waitFor: Promise.resolve(undefined as never) }], 1000);
    expect(allowed.isSuccess()).toBe(true);
    const failed = await waitOnPermit([{ plugin: 'A', waitFor: new Promise<Status>(() => {}), timeoutMs: 1000 }, { plugin: 'B', waitFor: Promise.reject(new Error('boom')) }], 1000);
    expect(failed).toMatchObject({ code: Code.Error, plugin: 'B', reasons: ['running Permit plugin "B": wait failed: Error: boom'] });
  });
});
