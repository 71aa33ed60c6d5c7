import { KubeConfig, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProfile } from '../../../controllers/scheduler/config.js';
import { CycleState } from '../../../controllers/scheduler/framework/cycle-state.js';
import { NodeInfo } from '../../../controllers/scheduler/framework/node-info.js';
import { FrameworkRuntime } from '../../../controllers/scheduler/framework/runtime.js';
import { Code, Status, unresolvable, unschedulable } from '../../../controllers/scheduler/framework/status.js';
import {
  DISRUPTION_TARGET,
  ERR_NO_VICTIMS,
  NOT_ELIGIBLE_PREEMPT_NEVER,
  NOT_ELIGIBLE_TERMINATING_VICTIM,
  REASON_PREEMPTION_BY_SCHEDULER,
  evaluatePreemption,
  lowerPriorityNominatedPods,
  pickOneNodeForPreemption,
  podEligibleToPreemptOthers,
  postFilterResultOf,
  preemptionFailureMessage,
  selectVictimsOnNode,
  type Candidate,
} from '../../../controllers/scheduler/plugins/default-preemption.js';
import { LabScheduler } from '../../../controllers/scheduler/scheduler.js';
import { recordingDecisionSink } from '../../../controllers/shared/decisions.js';
import { silentLogger } from '../../../controllers/shared/log.js';
import { makeNode, makePod, nodeInfo } from './fixtures.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const minutesAgo = (m: number) => NOW - m * 60_000;

interface PodOptions {
  priority?: number;
  cpu?: string;
  node?: string;
  /** status.startTime, ms since the epoch; unset = not started (counts as "now"). */
  started?: number;
  policy?: 'Never' | 'PreemptLowerPriority';
  nominated?: string;
  /** Being deleted by an earlier preemption: deletionTimestamp + DisruptionTarget condition. */
  preempted?: boolean;
  /** Being deleted for some other reason (no DisruptionTarget condition). */
  deleting?: boolean;
}

/** A pod named `name` with uid `uid-<name>`, for the lab scheduler. */
function pod(name: string, o: PodOptions = {}): V1Pod {
  const base = makePod({
    name,
    priority: o.priority,
    nodeName: o.node,
    requests: o.cpu ? [{ cpu: o.cpu }] : [],
    spec: { schedulerName: 'lab-scheduler', ...(o.policy ? { preemptionPolicy: o.policy } : {}) } as never,
  });
  const terminating = o.preempted || o.deleting;
  return {
    ...base,
    metadata: { ...base.metadata, uid: `uid-${name}`, ...(terminating ? { deletionTimestamp: new Date(NOW) } : {}) },
    status: {
      ...(o.started !== undefined ? { startTime: new Date(o.started) } : {}),
      ...(o.nominated ? { nominatedNodeName: o.nominated } : {}),
      ...(o.preempted ? { conditions: [{ type: DISRUPTION_TARGET, status: 'True', reason: REASON_PREEMPTION_BY_SCHEDULER }] } : {}),
    },
  };
}

const worker = (name: string, cpu = '2') => makeNode(name, { allocatable: { cpu, memory: '4Gi' } });
const controlPlane = (name = 'kind-control-plane') =>
  makeNode(name, { allocatable: { cpu: '4', memory: '8Gi' }, taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
const names = (pods: readonly V1Pod[] | undefined) => (pods ?? []).map((p) => p.metadata!.name);

const binder = { bind: async () => {} };
const newRuntime = () => new FrameworkRuntime(defaultProfile({ binder }, 'lab-scheduler'));

/** A cycle state after the profile's PreFilter plugins ran for `p` over `nodes`, as Filter expects it. */
async function preFiltered(runtime: FrameworkRuntime, p: V1Pod, nodes: readonly NodeInfo[]): Promise<CycleState> {
  const state = new CycleState();
  const pre = await runtime.runPreFilter(state, p, nodes);
  expect(pre.status.isSuccess()).toBe(true);
  return state;
}

describe('DefaultPreemption: eligibility (cases from TestPodEligibleToPreemptOthers)', () => {
  const w1 = worker('node1');
  const cases: { name: string; preemptor: V1Pod; onNode: V1Pod[]; nominatedStatus?: Status; eligible: boolean; reason?: string }[] = [
    { name: 'without a nominated node', preemptor: pod('p', { priority: 1000 }), onNode: [], eligible: true },
    { name: 'preemptionPolicy Never', preemptor: pod('p', { priority: 1000, policy: 'Never' }), onNode: [], eligible: false, reason: NOT_ELIGIBLE_PREEMPT_NEVER },
    {
      name: 'a victim of its earlier preemption still terminating on the nominated node',
      preemptor: pod('p', { priority: 1000, nominated: 'node1' }),
      onNode: [pod('v', { priority: 0, node: 'node1', preempted: true })],
      nominatedStatus: unschedulable('Insufficient cpu'),
      eligible: false,
      reason: NOT_ELIGIBLE_TERMINATING_VICTIM,
    },
    {
      name: 'the nominated node became unresolvable: look elsewhere',
      preemptor: pod('p', { priority: 1000, nominated: 'node1' }),
      onNode: [pod('v', { priority: 0, node: 'node1', preempted: true })],
      nominatedStatus: unresolvable('node(s) had untolerated taint(s)'),
      eligible: true,
    },
    {
      name: 'a pod terminating for another reason (no DisruptionTarget) does not block',
      preemptor: pod('p', { priority: 1000, nominated: 'node1' }),
      onNode: [pod('v', { priority: 0, node: 'node1', deleting: true })],
      nominatedStatus: unschedulable('Insufficient cpu'),
      eligible: true,
    },
    {
      name: 'a terminating victim of higher priority is not ours to wait for',
      preemptor: pod('p', { priority: 1000, nominated: 'node1' }),
      onNode: [pod('v', { priority: 2000, node: 'node1', preempted: true })],
      nominatedStatus: unschedulable('Insufficient cpu'),
      eligible: true,
    },
  ];
  it.each(cases)('$name', ({ preemptor, onNode, nominatedStatus, eligible, reason }) => {
    const got = podEligibleToPreemptOthers(preemptor, [nodeInfo(w1, onNode)], nominatedStatus);
    expect(got).toEqual(eligible ? { eligible: true } : { eligible: false, reason });
  });
});

describe('DefaultPreemption: the FailedScheduling message and result, through the default profile', () => {
  const cases: { name: string; preemptor: V1Pod; nodes: NodeInfo[]; message: string; nominated?: string; victims?: string[] }[] = [
    {
      name: 'preemptionPolicy Never: not eligible, the nomination is left alone',
      preemptor: pod('p', { priority: 1000, cpu: '1', policy: 'Never' }),
      nodes: [nodeInfo(worker('w1'), [pod('low', { priority: 0, cpu: '2', node: 'w1' })])],
      message: '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    },
    {
      name: 'only UnschedulableAndUnresolvable nodes: preemption is not helpful',
      preemptor: pod('p', { priority: 1000 }),
      nodes: [nodeInfo(controlPlane()), nodeInfo(makeNode('w1', { allocatable: { cpu: '2' }, unschedulable: true }))],
      message:
        '0/2 nodes are available: 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable. ' +
        'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
      nominated: '',
    },
    {
      name: 'removing every lower-priority pod is still not enough: the filter reason is reported',
      preemptor: pod('p', { priority: 100, cpu: '1' }),
      nodes: [nodeInfo(worker('w1'), [pod('high', { priority: 1000, cpu: '1500m', node: 'w1' }), pod('low', { priority: 0, cpu: '500m', node: 'w1' })])],
      message: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.',
      nominated: '',
    },
    {
      name: 'pods of equal priority are never victims',
      preemptor: pod('p', { priority: 100, cpu: '1' }),
      nodes: [nodeInfo(worker('w1'), [pod('peer', { priority: 100, cpu: '2', node: 'w1' })])],
      message: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
      nominated: '',
    },
    {
      // TestPostFilter "no candidate nodes found with mixed reasons, no lower priority pod and no enough CPU resource"
      name: 'mixed: one node short of cpu even when emptied, two without victims',
      preemptor: pod('p', { priority: 1000, cpu: '1' }),
      nodes: [
        nodeInfo(worker('node1'), [pod('p1', { priority: 1000, cpu: '2', node: 'node1' })]),
        nodeInfo(worker('node2'), [pod('p2a', { priority: 2000, cpu: '1500m', node: 'node2' }), pod('p2b', { priority: 0, cpu: '500m', node: 'node2' })]),
        nodeInfo(worker('node3'), [pod('p3', { priority: 1000, cpu: '2', node: 'node3' })]),
      ],
      message: '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 1 Insufficient cpu, 2 No preemption victims found for incoming pod.',
      nominated: '',
    },
    {
      // TestPostFilter "2 UnschedulableAndUnresolvable nodes and 2 nodes don't have enough CPU resource"
      name: 'mixed: two nodes short of cpu, two unresolvable',
      preemptor: pod('p', { priority: 1000, cpu: '1' }),
      nodes: [
        nodeInfo(worker('node1'), [pod('p1a', { priority: 2000, cpu: '1500m', node: 'node1' }), pod('p1b', { priority: 0, cpu: '500m', node: 'node1' })]),
        nodeInfo(worker('node2'), [pod('p2a', { priority: 2000, cpu: '1500m', node: 'node2' }), pod('p2b', { priority: 0, cpu: '500m', node: 'node2' })]),
        nodeInfo(controlPlane('node3')),
        nodeInfo(controlPlane('node4')),
      ],
      message:
        '0/4 nodes are available: 2 Insufficient cpu, 2 node(s) had untolerated taint(s). ' +
        'preemption: 0/4 nodes are available: 2 Insufficient cpu, 2 Preemption is not helpful for scheduling.',
      nominated: '',
    },
    {
      name: 'the lab cluster, every pod at priority 0 (the message kubectl describe shows)',
      preemptor: pod('p', { cpu: '3' }),
      nodes: [
        nodeInfo(controlPlane()),
        nodeInfo(worker('kind-worker', '4'), [pod('a', { cpu: '2', node: 'kind-worker' })]),
        nodeInfo(worker('kind-worker2', '4'), [pod('b', { cpu: '2', node: 'kind-worker2' })]),
      ],
      message:
        '0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. ' +
        'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
      nominated: '',
    },
    {
      name: 'waiting for its earlier victim to terminate on the nominated node',
      preemptor: pod('p', { priority: 1000, cpu: '1', nominated: 'w1' }),
      nodes: [nodeInfo(worker('w1'), [pod('victim', { priority: 0, cpu: '2', node: 'w1', preempted: true })])],
      message: '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.',
    },
    {
      name: 'preemption succeeds: no preemption tail (as upstream), node and victims in the result',
      preemptor: pod('p', { priority: 1000, cpu: '1' }),
      nodes: [nodeInfo(controlPlane()), nodeInfo(worker('w1'), [pod('low', { priority: 10, cpu: '2', node: 'w1' })])],
      message: '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s).',
      nominated: 'w1',
      victims: ['low'],
    },
  ];
  it.each(cases)('$name', async ({ preemptor, nodes, message, nominated, victims }) => {
    const result = await newRuntime().scheduleOne(preemptor, nodes);
    expect(result.bound).toBe(false);
    expect(result.status.code).toBe(Code.Unschedulable);
    expect(result.message).toBe(message);
    expect(result.postFilter?.nominatedNodeName).toBe(nominated);
    expect(names(result.postFilter?.victims)).toEqual(victims ?? []);
    expect(result.postFilter?.status?.isSuccess()).toBe(victims !== undefined);
  });

  it('the dry runs never change the snapshot', async () => {
    const w1 = nodeInfo(worker('w1'), [pod('a', { priority: 0, cpu: '1', node: 'w1' }), pod('b', { priority: 0, cpu: '1', node: 'w1' })]);
    const result = await newRuntime().scheduleOne(pod('p', { priority: 5, cpu: '1' }), [w1]);
    expect(names(result.postFilter?.victims)).toHaveLength(1);
    expect(w1.pods).toHaveLength(2);
    expect(w1.requested.cpu).toBe(2000);
  });

  it('a Filter error during the dry run, with no candidate elsewhere, is an Error naming the plugin', async () => {
    const base = defaultProfile({ binder }, 'lab-scheduler');
    let calls = 0;
    // Rejects in the cycle (Unschedulable), then throws when preemption re-runs the filters.
    const flaky = { name: 'Flaky', filter: () => (calls++ === 0 ? unschedulable('not yet') : Promise.reject(new Error('boom'))) };
    const runtime = new FrameworkRuntime({ ...base, plugins: { ...base.plugins, filter: [flaky] } });
    const result = await runtime.scheduleOne(pod('p', { priority: 5 }), [nodeInfo(worker('w1'), [pod('low', { node: 'w1' })])]);
    expect(result.status.code).toBe(Code.Error);
    expect(result.message).toBe('running PostFilter plugin "DefaultPreemption": preemption: running Filter plugin "Flaky": threw Error: boom');
  });
});

describe('DefaultPreemption: victims are the fewest needed (reprieve)', () => {
  const runtime = newRuntime();
  const runFilters = (s: CycleState, p: V1Pod, n: NodeInfo) => runtime.runFilterWithNominatedPods(s, p, n);
  const cases: { name: string; node: V1Node; onNode: V1Pod[]; preemptor: V1Pod; victims: string[]; code?: Code; reasons?: string[] }[] = [
    {
      name: 'all lower-priority pods are removed, then put back most important first while the pod still fits',
      node: worker('w', '4'),
      onNode: [
        pod('a', { priority: 1, cpu: '1', node: 'w' }),
        pod('b', { priority: 2, cpu: '1', node: 'w' }),
        pod('c', { priority: 3, cpu: '1', node: 'w' }),
        pod('d', { priority: 0, cpu: '1', node: 'w' }),
      ],
      preemptor: pod('p', { priority: 10, cpu: '2' }),
      // c and b fit back; a does not, so the less important d cannot either.
      victims: ['a', 'd'],
    },
    {
      name: 'between equal priorities the longer-running pod is reprieved first',
      node: worker('w'),
      onNode: [pod('young', { priority: 1, cpu: '1', node: 'w', started: minutesAgo(1) }), pod('old', { priority: 1, cpu: '1', node: 'w', started: minutesAgo(60) })],
      preemptor: pod('p', { priority: 10, cpu: '1' }),
      victims: ['young'],
    },
    {
      name: 'a pod that has not started counts as starting now (the youngest)',
      node: worker('w'),
      onNode: [pod('pending', { priority: 1, cpu: '1', node: 'w' }), pod('running', { priority: 1, cpu: '1', node: 'w', started: minutesAgo(5) })],
      preemptor: pod('p', { priority: 10, cpu: '1' }),
      victims: ['pending'],
    },
    {
      name: 'greedy by importance, not by size: the more important pod is kept even if evicting it alone would do',
      node: worker('w', '4'),
      onNode: [pod('small', { priority: 0, cpu: '500m', node: 'w' }), pod('big', { priority: 1, cpu: '3', node: 'w' })],
      preemptor: pod('p', { priority: 10, cpu: '1' }),
      victims: ['small'],
    },
    {
      name: 'equal priority stays: only lower-priority pods are removed, and that is not enough',
      node: worker('w'),
      onNode: [pod('peer', { priority: 10, cpu: '1', node: 'w' }), pod('low', { priority: 5, cpu: '1', node: 'w' })],
      preemptor: pod('p', { priority: 10, cpu: '2' }),
      victims: [],
      code: Code.Unschedulable,
      reasons: ['Insufficient cpu'],
    },
    {
      name: 'nothing of lower priority on the node',
      node: worker('w'),
      onNode: [pod('peer', { priority: 10, cpu: '2', node: 'w' })],
      preemptor: pod('p', { priority: 10, cpu: '1' }),
      victims: [],
      code: Code.UnschedulableAndUnresolvable,
      reasons: [ERR_NO_VICTIMS],
    },
  ];
  it.each(cases)('$name', async ({ node, onNode, preemptor, victims, code, reasons }) => {
    const original = nodeInfo(node, onNode);
    const got = await selectVictimsOnNode(await preFiltered(runtime, preemptor, [original]), preemptor, original, runFilters, NOW);
    expect(names(got.victims)).toEqual(victims);
    expect(got.status.code).toBe(code ?? Code.Success);
    if (reasons) expect(got.status.reasons).toEqual(reasons);
    expect(original.pods.map((p) => p.pod.metadata!.name)).toEqual(onNode.map((p) => p.metadata!.name));
  });
});

describe('DefaultPreemption: which node (pickOneNodeForPreemption)', () => {
  const v = (priority: number, started?: number) => pod(`v${priority}-${started ?? 'now'}`, { priority, started });
  const candidate = (nodeName: string, victims: V1Pod[], numPDBViolations = 0): Candidate => ({ nodeName, victims, numPDBViolations });
  const cases: { name: string; candidates: Candidate[]; want: string }[] = [
    { name: 'fewest PDB violations first', candidates: [candidate('a', [v(0)], 1), candidate('b', [v(100)])], want: 'b' },
    { name: 'then the lowest priority of the most important victim', candidates: [candidate('a', [v(5)]), candidate('b', [v(3), v(3)])], want: 'b' },
    { name: 'then the smallest sum of victim priorities', candidates: [candidate('a', [v(5), v(3)]), candidate('b', [v(5), v(1)])], want: 'b' },
    // Priorities are offset by 2^31 before summing, so only a victim at the lowest possible priority adds 0.
    { name: 'then the fewest victims', candidates: [candidate('a', [v(5), v(-2147483648)]), candidate('b', [v(5)])], want: 'b' },
    {
      name: 'then the latest start of the highest-priority victims',
      candidates: [candidate('a', [v(5, minutesAgo(120)), v(5, minutesAgo(1)), v(1, minutesAgo(1))]), candidate('b', [v(5, minutesAgo(30)), v(5, minutesAgo(30)), v(1, minutesAgo(600))])],
      want: 'b',
    },
    { name: 'then the first', candidates: [candidate('a', [v(5, minutesAgo(3))]), candidate('b', [v(5, minutesAgo(3))])], want: 'a' },
    { name: 'a single candidate', candidates: [candidate('only', [v(5)])], want: 'only' },
  ];
  it.each(cases)('$name', ({ candidates, want }) => {
    expect(pickOneNodeForPreemption(candidates, NOW)?.nodeName).toBe(want);
  });

  it('through the runtime (TestPreempt "basic preemption logic"): two priority-0 victims beat one priority-100 victim', async () => {
    const node = (name: string) => worker(name, '500m');
    const result = await newRuntime().scheduleOne(pod('p', { priority: 1000, cpu: '500m' }), [
      nodeInfo(node('node1'), [pod('p1.1', { priority: 0, cpu: '100m', node: 'node1' }), pod('p1.2', { priority: 0, cpu: '100m', node: 'node1' })]),
      nodeInfo(node('node2'), [pod('p2.1', { priority: 1000, cpu: '300m', node: 'node2' })]),
      nodeInfo(node('node3'), [pod('p3.1', { priority: 100, cpu: '200m', node: 'node3' })]),
    ]);
    expect(result.postFilter?.nominatedNodeName).toBe('node1');
    expect(names(result.postFilter?.victims).sort()).toEqual(['p1.1', 'p1.2']);
  });

  it('through the runtime: equal highest priority, so the smaller sum wins (node2)', async () => {
    const node = (name: string) => worker(name, '500m');
    const result = await newRuntime().scheduleOne(pod('p', { priority: 1000, cpu: '500m' }), [
      nodeInfo(node('node1'), [pod('p1.1', { priority: 100, cpu: '100m', node: 'node1' }), pod('p1.2', { priority: 0, cpu: '100m', node: 'node1' })]),
      nodeInfo(node('node2'), [pod('p2.1', { priority: 100, cpu: '300m', node: 'node2' })]),
    ]);
    expect(result.postFilter?.nominatedNodeName).toBe('node2');
    expect(names(result.postFilter?.victims)).toEqual(['p2.1']);
  });
});

describe('DefaultPreemption: messages and results (pure)', () => {
  it('builds the histogram like FitError: dry-run reasons plus "not helpful" for nodes not tried, sorted as strings', () => {
    const statuses = new Map<string, Status>([
      ['b', unschedulable('Insufficient cpu', 'Insufficient memory')],
      ['c', unresolvable(ERR_NO_VICTIMS)],
    ]);
    const nodes = ['a', 'b', 'c', ...Array.from({ length: 10 }, (_, i) => `x${i}`)];
    expect(preemptionFailureMessage(nodes, statuses)).toBe(
      '0/13 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 No preemption victims found for incoming pod, 11 Preemption is not helpful for scheduling.',
    );
  });

  it('prefixes every message with "preemption: " and clears the nomination only when no node works', () => {
    expect(postFilterResultOf({ kind: 'not-eligible', reason: NOT_ELIGIBLE_PREEMPT_NEVER })).toEqual({ status: unschedulable('preemption: not eligible due to preemptionPolicy=Never.') });
    expect(postFilterResultOf({ kind: 'no-candidate', reason: '0/1 nodes are available: 1 x.', nodeStatuses: new Map() })).toEqual({
      status: unschedulable('preemption: 0/1 nodes are available: 1 x.'),
      nominatedNodeName: '',
    });
    expect(postFilterResultOf({ kind: 'error', reason: 'boom' }).status?.code).toBe(Code.Error);
  });

  it('evaluatePreemption only dry-runs nodes rejected as Unschedulable', async () => {
    const tried: string[] = [];
    const runFilters = async (_s: CycleState, _p: V1Pod, n: NodeInfo) => {
      tried.push(n.name);
      return unschedulable('Insufficient cpu');
    };
    const nodes = ['a', 'b', 'c'].map((n) => nodeInfo(worker(n), [pod(`low-${n}`, { priority: 0, node: n })]));
    const outcome = await evaluatePreemption({
      state: new CycleState(),
      pod: pod('p', { priority: 5 }),
      nodeStatuses: new Map([
        ['a', unschedulable('Insufficient cpu')],
        ['b', unresolvable('node(s) were unschedulable')],
        ['c', unschedulable('Insufficient cpu')],
      ]),
      nodes,
      runFilters,
      now: NOW,
    });
    expect(tried).toEqual(['a', 'c']);
    expect(outcome).toMatchObject({ kind: 'no-candidate', reason: '0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 Insufficient cpu.' });
  });
});

describe('lowerPriorityNominatedPods (upstream getLowerPriorityNominatedPods)', () => {
  const preemptor = pod('preemptor', { priority: 100, nominated: 'w1' });
  it.each([
    { why: 'no pods nominated to the node: none', nominated: [], want: [] },
    { why: 'a lower-priority pod loses its nomination', nominated: [pod('low', { priority: 50, nominated: 'w1' })], want: ['low'] },
    { why: 'an equal-priority pod keeps it (only strictly lower)', nominated: [pod('peer', { priority: 100, nominated: 'w1' })], want: [] },
    { why: 'a higher-priority pod keeps it', nominated: [pod('vip', { priority: 200, nominated: 'w1' })], want: [] },
    { why: 'the preemptor itself, nominated there before, keeps it', nominated: [preemptor], want: [] },
    { why: 'a pod without spec.priority counts as priority 0', nominated: [pod('unset', { nominated: 'w1' })], want: ['unset'] },
    { why: 'negative priorities are lower too', nominated: [pod('negative', { priority: -10, nominated: 'w1' })], want: ['negative'] },
    {
      why: 'a mixed set: only the lower ones, in the order given',
      nominated: [pod('l1', { priority: 99 }), pod('h1', { priority: 101 }), pod('l2', { priority: -1 }), pod('e1', { priority: 100 }), pod('l3', { priority: 0 })],
      want: ['l1', 'l2', 'l3'],
    },
  ])('$why', ({ nominated, want }) => {
    expect(names(lowerPriorityNominatedPods(preemptor, nominated))).toEqual(want);
  });

  it('a preemptor without spec.priority (0) displaces only negative-priority pods', () => {
    const nominated = [pod('zero', { priority: 0 }), pod('unset'), pod('minus', { priority: -1 })];
    expect(names(lowerPriorityNominatedPods(pod('plain'), nominated))).toEqual(['minus']);
  });

  it('the extremes of int32 priorities compare as numbers', () => {
    const top = pod('system', { priority: 2_000_001_000 });
    expect(names(lowerPriorityNominatedPods(top, [pod('bottom', { priority: -2_147_483_648 }), pod('also-top', { priority: 2_000_001_000 })]))).toEqual(['bottom']);
  });

  it('does not change the list it is given', () => {
    const nominated = [pod('a', { priority: 1 }), pod('b', { priority: 500 })];
    const copy = [...nominated];
    lowerPriorityNominatedPods(preemptor, nominated);
    expect(nominated).toEqual(copy);
  });
});

describe('nominated pods keep the room preemption freed (runtime filters)', () => {
  const node = worker('w1', '1');
  const nominated = pod('urgent', { priority: 100, cpu: '700m', nominated: 'w1' });
  const withNomination = () => new NodeInfo(node, [], [nominated]);
  it.each([
    { name: 'a lower-priority pod does not fit next to it', p: pod('small', { priority: 50, cpu: '500m' }), fits: false },
    { name: 'an equal-priority pod does not either', p: pod('peer', { priority: 100, cpu: '500m' }), fits: false },
    { name: 'a higher-priority pod ignores it', p: pod('vip', { priority: 200, cpu: '500m' }), fits: true },
    { name: 'the nominated pod itself fits', p: nominated, fits: true },
  ])('$name', async ({ p, fits }) => {
    const runtime = newRuntime();
    const status = await runtime.runFilterWithNominatedPods(await preFiltered(runtime, p, [withNomination()]), p, withNomination());
    expect(status.isSuccess()).toBe(fits);
    if (!fits) expect(status.reasons).toEqual(['Insufficient cpu']);
  });
});

/** Each harness's stop, so a failed test leaves no loop running. */
const stops: (() => Promise<void>)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) void stop();
});

/** A LabScheduler on fakes (no informers, no API server) recording patches, deletes, events, bindings and decisions. */
function harness() {
  const events: { pod: string; type: string; reason: string; message: string }[] = [];
  const patches: { name: string; namespace: string; body: { status: Record<string, unknown> } }[] = [];
  const deletes: unknown[] = [];
  const bound: string[] = [];
  const recorder = {
    async event(obj: V1Pod, type: string, reason: string, message: string) {
      events.push({ pod: obj.metadata!.name!, type, reason, message });
    },
  };
  const core = {
    patchNamespacedPodStatus: vi.fn(async (p: (typeof patches)[number]) => {
      patches.push(p);
      return {};
    }),
    deleteNamespacedPod: vi.fn(async (p: unknown) => {
      deletes.push(p);
      return {};
    }),
  };
  const decisions = recordingDecisionSink();
  const profile = defaultProfile({ binder: { bind: async (p: V1Pod, n: string) => void bound.push(`${p.metadata!.name}→${n}`) } }, 'lab-scheduler');
  const scheduler = new LabScheduler({
    kc: new KubeConfig(),
    clients: { core: core as never },
    recorder: recorder as never,
    decisions,
    profile,
    log: silentLogger,
    backoff: { initialMs: 1, maxMs: 1 },
  });
  const abort = new AbortController();
  const loop = scheduler.scheduleUntilStopped(abort.signal, { get: () => undefined });
  const stop = async () => {
    abort.abort();
    await loop;
  };
  stops.push(stop);
  return { scheduler, core, events, patches, deletes, bound, decisions: decisions.decisions, stop };
}

describe('LabScheduler carries out a preemption', () => {
  it('deletes the victim (uid precondition), marks it, records Preempted, nominates the node, then binds once the victim is gone', async () => {
    const h = harness();
    const { scheduler } = h;
    scheduler.cache.addNode(worker('w1', '1'));
    scheduler.cache.addNode(worker('w2', '1'));
    const lowA = pod('low-a', { priority: 0, cpu: '700m', node: 'w1' });
    const lowB = pod('low-b', { priority: 10, cpu: '700m', node: 'w2' });
    scheduler.cache.addPod(lowA);
    scheduler.cache.addPod(lowB);

    const urgent = pod('urgent', { priority: 1000, cpu: '700m' });
    scheduler.queue.add(urgent);
    await vi.waitFor(() => expect(h.events.map((e) => `${e.reason} ${e.pod}`).sort()).toEqual(['FailedScheduling urgent', 'Preempted low-a']));

    // w1's victim has the lower priority (0 < 10), so w1 is the node.
    expect(h.deletes).toEqual([{ name: 'low-a', namespace: 'default', body: { preconditions: { uid: 'uid-low-a' } } }]);
    expect(h.events.find((e) => e.reason === 'Preempted')).toEqual({ pod: 'low-a', type: 'Normal', reason: 'Preempted', message: 'Preempted by pod uid-urgent on node w1' });
    expect(h.events.find((e) => e.reason === 'FailedScheduling')!.message).toBe('0/2 nodes are available: 2 Insufficient cpu.');
    await vi.waitFor(() => expect(h.patches).toHaveLength(2));
    expect(h.patches.find((p) => p.name === 'low-a')!.body.status.conditions).toEqual([
      expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: 'lab-scheduler: preempting to accommodate a higher priority pod' }),
    ]);
    expect(h.patches.find((p) => p.name === 'urgent')!.body.status).toEqual({
      conditions: [expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient cpu.' })],
      nominatedNodeName: 'w1',
    });
    expect(h.decisions.map((d) => d.verb)).toEqual(['unschedulable', 'preempt']);
    expect(h.decisions[1]).toMatchObject({
      object: { kind: 'Pod', namespace: 'default', name: 'urgent', uid: 'uid-urgent' },
      reason: 'preempt Pod default/urgent on node w1: victims default/low-a (priority 0)',
      details: { node: 'w1', priority: 1000, victims: [{ namespace: 'default', name: 'low-a', uid: 'uid-low-a', priority: 0 }] },
    });
    expect(scheduler.queue.whereIs(urgent)).toBe('unschedulable');
    expect(scheduler.cache.nominatedNodeOf(urgent)).toBe('w1');

    // The victim is gone. A lower-priority pod that arrives first finds w1 kept for urgent.
    scheduler.cache.removePod(lowA);
    const filler = pod('filler', { priority: 5, cpu: '700m' });
    scheduler.queue.add(filler);
    await vi.waitFor(() => expect(h.events.map((e) => `${e.reason} ${e.pod}`)).toContain('FailedScheduling filler'));
    expect(h.events.find((e) => e.pod === 'filler')!.message).toBe(
      '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    );
    expect(h.bound).toEqual([]);

    // The informer's delete event moves the parked pods back; urgent (higher priority) goes first.
    scheduler.queue.moveAllToActiveOrBackoff('AssignedPodDelete');
    await vi.waitFor(() => expect(h.bound).toEqual(['urgent→w1']));
    expect(scheduler.cache.nominatedNodeOf(urgent)).toBeUndefined();
    await h.stop();
  });

  it('a victim already terminating is not deleted again; a victim gone meanwhile (404) gets no event', async () => {
    const h = harness();
    const { scheduler } = h;
    h.core.deleteNamespacedPod.mockRejectedValueOnce(Object.assign(new Error('not found'), { code: 404 }));
    scheduler.cache.addNode(worker('w1', '1'));
    scheduler.cache.addPod(pod('gone', { priority: 0, cpu: '400m', node: 'w1' }));
    scheduler.cache.addPod(pod('leaving', { priority: 0, cpu: '400m', node: 'w1', deleting: true }));
    scheduler.queue.add(pod('urgent', { priority: 1000, cpu: '1' }));
    await vi.waitFor(() => expect(h.decisions.map((d) => d.verb)).toEqual(['unschedulable', 'preempt']));
    await scheduler.waitForInFlight();
    expect(h.deletes).toEqual([]);
    expect(h.events.map((e) => e.reason)).toEqual(['FailedScheduling']);
    await h.stop();
  });

  it("upstream TestNominatedNode 'mid-priority pod preempts low-priority pod, followed by a high-priority pod with another preemption': medium loses its nomination, then retries", async () => {
    const h = harness();
    const { scheduler } = h;
    scheduler.cache.addNode(worker('w1', '5'));
    for (const n of [1, 2, 3, 4]) scheduler.cache.addPod(pod(`low-${n}`, { priority: 0, cpu: '1', node: 'w1', started: minutesAgo(n) }));
    const medium = pod('medium', { priority: 100, cpu: '4' });
    scheduler.queue.add(medium);
    await vi.waitFor(() => expect(h.decisions.map((d) => d.verb)).toEqual(['unschedulable', 'preempt']));
    expect(scheduler.cache.nominatedNodeOf(medium)).toBe('w1');
    // The informer shows medium's patch: its status now names w1 (eventhandlers.updatePod keeps the nominator's copy fresh).
    const mediumNominated: V1Pod = { ...medium, status: { nominatedNodeName: 'w1' } };
    scheduler.cache.updateNominatedPod(mediumNominated);
    await scheduler.waitForInFlight();
    const before = h.patches.length;

    // The victims are still terminating (their deletes are fakes): high needs 3 of w1's 5 cpu and preempts too.
    const high = pod('high', { priority: 1000, cpu: '3' });
    scheduler.queue.add(high);
    await vi.waitFor(() => expect(h.decisions.map((d) => d.verb)).toEqual(['unschedulable', 'preempt', 'unschedulable', 'preempt']));
    expect(scheduler.cache.nominatedNodeOf(medium)).toBeUndefined();
    expect(scheduler.cache.nominatedNodeOf(high)).toBe('w1');
    expect(h.decisions[3]).toMatchObject({
      object: { name: 'high' },
      reason: expect.stringMatching(/^preempt Pod default\/high on node w1: victims .*; nominations cleared: default\/medium$/),
      details: { nominationsCleared: [{ namespace: 'default', name: 'medium', uid: 'uid-medium', priority: 100 }] },
    });
    await scheduler.waitForInFlight();
    const later = h.patches.slice(before);
    const clearing = later.findIndex((p) => p.name === 'medium');
    expect(later[clearing]).toEqual({ name: 'medium', namespace: 'default', body: { status: { nominatedNodeName: null } } });
    // Cleared before high's victims are marked (upstream's async preemption does it first).
    const marked = later.flatMap((p, i) => ((p.body.status.conditions as { type: string }[] | undefined)?.some((c) => c.type === 'DisruptionTarget') ? [i] : []));
    expect(marked.length).toBeGreaterThan(0);
    expect(Math.min(...marked)).toBeGreaterThan(clearing);

    // The informer shows the cleared nomination: medium, parked, is queued again and looks for room anew; none is left on w1 next to high.
    scheduler.handlers.updatePod(mediumNominated, medium);
    await vi.waitFor(() => {
      scheduler.queue.flush();
      expect(h.decisions.map((d) => `${d.verb} ${d.object.name}`)).toContain('unschedulable medium');
      expect(h.decisions.filter((d) => d.object.name === 'medium')).toHaveLength(3);
    });
    expect(h.decisions.at(-1)!.reason).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.',
    );
    expect(scheduler.cache.nominatedNodeOf(medium)).toBeUndefined();
    await h.stop();
  });

  it('no node works: an earlier nomination is cleared in the same status patch', async () => {
    const h = harness();
    const { scheduler } = h;
    scheduler.cache.addNode(worker('w1', '1'));
    scheduler.cache.addPod(pod('peer', { priority: 100, cpu: '1', node: 'w1' }));
    scheduler.queue.add(pod('p', { priority: 100, cpu: '500m', nominated: 'w1' }));
    await vi.waitFor(() => expect(h.patches).toHaveLength(1));
    expect(h.patches[0]!.body.status).toEqual({
      conditions: [
        expect.objectContaining({
          reason: 'Unschedulable',
          message: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
        }),
      ],
      nominatedNodeName: null,
    });
    expect(h.deletes).toEqual([]);
    await h.stop();
  });
});
