/**
 * PodTopologySpread with upstream's cases: Filter from podtopologyspread/filtering_test.go
 * (TestSingleConstraint, TestMultipleConstraints, run with no cluster defaults as there), Score
 * from scoring_test.go (TestPodTopologySpreadScore, system defaulting as there); same inputs, same
 * expected codes and normalized scores. Plus the PreFilterExtensions and the default selector.
 */
import type { V1Node, V1Pod, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { CycleState } from '../../../controllers/scheduler/framework/cycle-state.js';
import type { NodeScore } from '../../../controllers/scheduler/framework/interfaces.js';
import { listOf } from '../../../controllers/scheduler/framework/listers.js';
import { asStatus, Code, Status } from '../../../controllers/scheduler/framework/status.js';
import {
  createPodTopologySpread,
  ERR_REASON_CONSTRAINTS_NOT_MATCH,
  ERR_REASON_NODE_LABEL_NOT_MATCH,
  PRE_FILTER_STATE,
} from '../../../controllers/scheduler/plugins/pod-topology-spread.js';
import { barSelector, cycleState, fooSelector, HOSTNAME, node, pod, S, snapshot, spread, U, unschedulableTaint, UU } from './upstream-fixtures.js';

const foo = { foo: '' };
const fooBar = { foo: '', bar: '' };
const on = (nodeName: string, name: string, labels: Record<string, string> = foo, extra: Parameters<typeof pod>[1] = {}) => pod(name, { node: nodeName, labels, ...extra });
/** The four nodes most upstream cases use: node-a, node-b in zone1; node-x, node-y in zone2. */
const abxy = () => [
  node('node-a', { zone: 'zone1', node: 'node-a' }),
  node('node-b', { zone: 'zone1', node: 'node-b' }),
  node('node-x', { zone: 'zone2', node: 'node-x' }),
  node('node-y', { zone: 'zone2', node: 'node-y' }),
];
/** Pods spread 2/1/0/3 over node-a, node-b, node-x, node-y. */
const spread2103 = () => [on('node-a', 'p-a1'), on('node-a', 'p-a2'), on('node-b', 'p-b1'), on('node-y', 'p-y1'), on('node-y', 'p-y2'), on('node-y', 'p-y3')];

interface FilterCase {
  name: string;
  pod: V1Pod;
  nodes: V1Node[];
  existing?: V1Pod[];
  want: Record<string, Code>;
}

const filterCases: FilterCase[] = [
  {
    name: 'no existing pods',
    pod: pod('p', { labels: foo, spread: [spread(1, 'zone', 'DoNotSchedule', fooSelector)] }),
    nodes: abxy(),
    want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S },
  },
  {
    name: "no existing pods, incoming pod doesn't match itself",
    pod: pod('p', { labels: foo, spread: [spread(1, 'zone', 'DoNotSchedule', barSelector)] }),
    nodes: abxy(),
    want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S },
  },
  {
    name: 'existing pods in a different namespace do not count',
    pod: pod('p', { labels: foo, spread: [spread(1, 'zone', 'DoNotSchedule', fooSelector)] }),
    nodes: abxy(),
    existing: [on('node-a', 'p-a1', foo, { ns: 'ns1' }), on('node-a', 'p-b1', foo, { ns: 'ns2' }), on('node-x', 'p-x1'), on('node-y', 'p-y1')],
    want: { 'node-a': S, 'node-b': S, 'node-x': U, 'node-y': U },
  },
  {
    name: 'existing pods do not match null selector',
    pod: pod('p', { labels: foo, spread: [spread(1, 'zone', 'DoNotSchedule', undefined)] }),
    nodes: abxy(),
    existing: [on('node-x', 'p-x1'), on('node-y', 'p-y1')],
    want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S },
  },
  {
    name: 'pods spread across zones as 3/3, all nodes fit',
    pod: pod('p', { labels: foo, spread: [spread(1, 'zone', 'DoNotSchedule', fooSelector)] }),
    nodes: abxy(),
    existing: spread2103(),
    want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S },
  },
  {
    name: "pods spread across zones as 1/2 due to absence of label 'zone' on node-b",
    pod: pod('p', { labels: foo, spread: [spread(1, 'zone', 'DoNotSchedule', fooSelector)] }),
    nodes: [node('node-a', { zone: 'zone1', node: 'node-a' }), node('node-b', { zon: 'zone1', node: 'node-b' }), node('node-x', { zone: 'zone2', node: 'node-x' }), node('node-y', { zone: 'zone2', node: 'node-y' })],
    existing: [on('node-a', 'p-a1'), on('node-b', 'p-b1'), on('node-x', 'p-x1'), on('node-y', 'p-y1')],
    want: { 'node-a': S, 'node-b': UU, 'node-x': U, 'node-y': U },
  },
  {
    name: "pod cannot be scheduled as all nodes don't have label 'rack'",
    pod: pod('p', { labels: foo, spread: [spread(1, 'rack', 'DoNotSchedule', fooSelector)] }),
    nodes: [node('node-a', { zone: 'zone1', node: 'node-a' }), node('node-x', { zone: 'zone2', node: 'node-x' })],
    want: { 'node-a': UU, 'node-x': UU },
  },
  {
    name: 'pods spread across nodes as 2/1/0/3, only node-x fits',
    pod: pod('p', { labels: foo, spread: [spread(1, 'node', 'DoNotSchedule', fooSelector)] }),
    nodes: abxy(),
    existing: spread2103(),
    want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U },
  },
  {
    name: 'pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit',
    pod: pod('p', { labels: foo, spread: [spread(2, 'node', 'DoNotSchedule', fooSelector)] }),
    nodes: abxy(),
    existing: spread2103(),
    want: { 'node-a': U, 'node-b': S, 'node-x': S, 'node-y': U },
  },
  {
    name: "pods spread across nodes as 2/1/0/3, but pod doesn't match itself",
    pod: pod('p', { labels: { bar: '' }, spread: [spread(1, 'node', 'DoNotSchedule', fooSelector)] }),
    nodes: abxy(),
    existing: spread2103(),
    want: { 'node-a': U, 'node-b': S, 'node-x': S, 'node-y': U },
  },
  {
    name: 'incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits',
    pod: pod('p', { labels: foo, nodeAffinity: { key: 'node', operator: 'In', values: ['node-a', 'node-y'] }, spread: [spread(1, 'node', 'DoNotSchedule', fooSelector)] }),
    nodes: abxy(),
    existing: spread2103(),
    want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': U },
  },
  {
    name: 'terminating Pods should be excluded',
    pod: pod('p', { labels: foo, spread: [spread(1, 'node', 'DoNotSchedule', fooSelector)] }),
    nodes: [node('node-a', { node: 'node-a' }), node('node-b', { node: 'node-b' })],
    existing: [on('node-a', 'p-a', foo, { terminating: true }), on('node-b', 'p-b')],
    want: { 'node-a': S, 'node-b': U },
  },
  {
    name: 'incoming pod has nodeAffinity, pods spread as 0/~2~/0/1, hence node-a fits',
    pod: pod('p', { labels: foo, nodeAffinity: { key: 'node', operator: 'NotIn', values: ['node-b'] }, spread: [spread(1, 'zone', 'DoNotSchedule', fooSelector)] }),
    nodes: abxy(),
    existing: [on('node-b', 'p-b1'), on('node-b', 'p-b2'), on('node-y', 'p-y1')],
    want: { 'node-a': S, 'node-b': S, 'node-x': U, 'node-y': U },
  },
  {
    name: 'pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains < minDomains, then the third node fits',
    pod: pod('p', { labels: foo, spread: [spread(2, 'node', 'DoNotSchedule', fooSelector, { minDomains: 4 })] }),
    nodes: [node('node-a', { node: 'node-a' }), node('node-b', { node: 'node-b' }), node('node-c', { node: 'node-c' })],
    existing: [on('node-a', 'p-a1'), on('node-a', 'p-a2'), on('node-b', 'p-b1'), on('node-b', 'p-b2'), on('node-c', 'p-c1')],
    want: { 'node-a': U, 'node-b': U, 'node-c': S },
  },
  {
    name: 'pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains > minDomains, then the all nodes fit',
    pod: pod('p', { labels: foo, spread: [spread(2, 'node', 'DoNotSchedule', fooSelector, { minDomains: 2 })] }),
    nodes: [node('node-a', { node: 'node-a' }), node('node-b', { node: 'node-b' }), node('node-c', { node: 'node-c' })],
    existing: [on('node-a', 'p-a1'), on('node-a', 'p-a2'), on('node-b', 'p-b1'), on('node-b', 'p-b2'), on('node-c', 'p-c1')],
    want: { 'node-a': S, 'node-b': S, 'node-c': S },
  },
  {
    name: 'pods spread across zone as 2/1, maxSkew is 2 and the number of domains < minDomains, then the third and fourth nodes fit',
    pod: pod('p', { labels: foo, spread: [spread(2, 'zone', 'DoNotSchedule', fooSelector, { minDomains: 3 })] }),
    nodes: abxy(),
    existing: [on('node-a', 'p-b1'), on('node-b', 'p-b2'), on('node-y', 'p-y1')],
    want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': S },
  },
  {
    name: 'pods spread across zone as 2/1, maxSkew is 2 and the number of domains > minDomains, then the all nodes fit',
    pod: pod('p', { labels: foo, spread: [spread(2, 'zone', 'DoNotSchedule', fooSelector, { minDomains: 1 })] }),
    nodes: abxy(),
    existing: [on('node-a', 'p-b1'), on('node-b', 'p-b2'), on('node-y', 'p-y1')],
    want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S },
  },
  ...(['labelSelectors', 'nodeAffinity'] as const).flatMap((how): FilterCase[] => {
    const nodes = () => [node('node-a', { node: 'node-a', foo: '' }), node('node-b', { node: 'node-b', foo: '' }), node('node-x', { node: 'node-x', foo: '' }), node('node-y', { node: 'node-y' })];
    const existing = () => [on('node-a', 'p-b1'), on('node-b', 'p-b2'), on('node-y', 'p-y1')];
    const constrain = how === 'labelSelectors' ? { nodeSelector: foo } : { nodeAffinity: { key: 'foo', operator: 'In' as const, values: [''] } };
    return [
      {
        name: `NodeAffinityPolicy honored with ${how} (1/1/0/~0~)`,
        pod: pod('p', { labels: foo, ...constrain, spread: [spread(1, 'node', 'DoNotSchedule', fooSelector)] }),
        nodes: nodes(),
        existing: existing(),
        want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': S },
      },
      {
        name: `NodeAffinityPolicy ignored with ${how} (1/1/0/~1~)`,
        pod: pod('p', { labels: foo, ...constrain, spread: [spread(1, 'node', 'DoNotSchedule', fooSelector, { nodeAffinityPolicy: 'Ignore' })] }),
        nodes: nodes(),
        existing: existing(),
        want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U },
      },
    ];
  }),
  ...([['honored', 'Honor', S], ['ignored', undefined, U]] as const).map(([how, policy, wantY]): FilterCase => ({
    name: `NodeTaintsPolicy ${how}`,
    pod: pod('p', { labels: foo, spread: [spread(1, 'node', 'DoNotSchedule', fooSelector, policy ? { nodeTaintsPolicy: policy } : {})] }),
    nodes: [node('node-a', { node: 'node-a', foo: '' }), node('node-b', { node: 'node-b', foo: '' }), node('node-x', { node: 'node-x', foo: '' }), node('node-y', { node: 'node-y' }, [unschedulableTaint])],
    existing: [on('node-a', 'p-b1'), on('node-b', 'p-b2'), on('node-y', 'p-y1')],
    want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': wantY },
  })),
  // TestMultipleConstraints
  {
    name: 'two Constraints on zone and node, spreads = [3/3, 2/1/0/3]',
    pod: pod('p', { labels: foo, spread: [spread(1, 'zone', 'DoNotSchedule', fooSelector), spread(1, 'node', 'DoNotSchedule', fooSelector)] }),
    nodes: abxy(),
    existing: spread2103(),
    want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U },
  },
  {
    name: 'two Constraints on zone and node, spreads = [3/4, 2/1/0/4]',
    pod: pod('p', { labels: foo, spread: [spread(1, 'zone', 'DoNotSchedule', fooSelector), spread(1, 'node', 'DoNotSchedule', fooSelector)] }),
    nodes: abxy(),
    existing: [...spread2103(), on('node-y', 'p-y4')],
    want: { 'node-a': U, 'node-b': U, 'node-x': U, 'node-y': U },
  },
  {
    name: 'Constraints hold different labelSelectors, spreads = [1/0, 1/0/0/1]',
    pod: pod('p', { labels: fooBar, spread: [spread(1, 'zone', 'DoNotSchedule', fooSelector), spread(1, 'node', 'DoNotSchedule', barSelector)] }),
    nodes: abxy(),
    existing: [on('node-a', 'p-a1'), on('node-y', 'p-y1', { bar: '' })],
    want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U },
  },
  {
    name: 'Constraints hold different labelSelectors, spreads = [1/0, 0/0/1/1]',
    pod: pod('p', { labels: fooBar, spread: [spread(1, 'zone', 'DoNotSchedule', fooSelector), spread(1, 'node', 'DoNotSchedule', barSelector)] }),
    nodes: abxy(),
    existing: [on('node-a', 'p-a1'), on('node-x', 'p-x1', { bar: '' }), on('node-y', 'p-y1', { bar: '' })],
    want: { 'node-a': U, 'node-b': U, 'node-x': U, 'node-y': U },
  },
  {
    name: 'Constraints hold different labelSelectors, spreads = [2/3, 1/0/0/1]',
    pod: pod('p', { labels: fooBar, spread: [spread(1, 'zone', 'DoNotSchedule', fooSelector), spread(1, 'node', 'DoNotSchedule', barSelector)] }),
    nodes: abxy(),
    existing: [on('node-a', 'p-a1'), on('node-a', 'p-a2', fooBar), on('node-y', 'p-y1'), on('node-y', 'p-y2', fooBar), on('node-y', 'p-y3')],
    want: { 'node-a': U, 'node-b': S, 'node-x': U, 'node-y': U },
  },
];

async function filterCodes(plugin: ReturnType<typeof createPodTopologySpread>, incoming: V1Pod, nodes: V1Node[], existing: V1Pod[] = []) {
  const infos = snapshot(nodes, existing);
  const state = cycleState(infos);
  const pre = await plugin.preFilter(state, incoming, infos);
  expect(pre instanceof Status ? pre.isSuccess() : asStatus(pre?.status).isSuccess()).toBe(true);
  const codes: Record<string, Code> = {};
  const reasons: Record<string, string[]> = {};
  for (const info of infos) {
    const status = asStatus(await plugin.filter(state, incoming, info));
    codes[info.name] = status.code;
    reasons[info.name] = [...status.reasons];
  }
  return { codes, reasons, state, infos };
}

describe('PodTopologySpread Filter (upstream TestSingleConstraint / TestMultipleConstraints)', () => {
  const plugin = createPodTopologySpread({ defaultingType: 'List' });
  it.each(filterCases)('$name', async ({ pod: incoming, nodes, existing, want }) => {
    const { codes, reasons } = await filterCodes(plugin, incoming, nodes, existing);
    expect(codes).toEqual(want);
    for (const [name, code] of Object.entries(codes)) {
      if (code === U) expect(reasons[name]).toEqual([ERR_REASON_CONSTRAINTS_NOT_MATCH]);
      if (code === UU) expect(reasons[name]).toEqual([ERR_REASON_NODE_LABEL_NOT_MATCH]);
    }
  });

  it('PreFilter skips a pod without hard constraints (and nothing selects it)', async () => {
    const infos = snapshot(abxy());
    const result = await plugin.preFilter(cycleState(infos), pod('p', { labels: foo }), infos);
    expect((result as { status: Status }).status.isSkip()).toBe(true);
  });
});

describe('PodTopologySpread PreFilterExtensions (upstream TestPreFilterStateAddPod / RemovePod, through Filter)', () => {
  const plugin = createPodTopologySpread({ defaultingType: 'List' });
  const incoming = pod('p', { labels: foo, spread: [spread(1, 'node', 'DoNotSchedule', fooSelector)] });

  it('removing a matching pod from node-a on a state copy makes node-a fit there only (2/1/0/3 → 1 removed twice)', async () => {
    const { state, infos } = await filterCodes(plugin, incoming, abxy(), spread2103());
    const copy = state.clone();
    const nodeA = infos[0]!.clone();
    const [a1, a2] = spread2103();
    for (const victim of [a1!, a2!]) {
      nodeA.removePod(victim);
      await plugin.preFilterExtensions!.removePod(copy, incoming, victim, nodeA);
    }
    expect(asStatus(await plugin.filter(copy, incoming, nodeA)).code).toBe(S);
    // The original state is untouched: node-a still does not fit.
    expect(asStatus(await plugin.filter(state, incoming, infos[0]!)).code).toBe(U);
    expect(state.read(PRE_FILTER_STATE)!.tpValueToMatchNum[0]!.get('node-a')).toBe(2);
    expect(copy.read(PRE_FILTER_STATE)!.tpValueToMatchNum[0]!.get('node-a')).toBe(0);
  });

  it('adding a matching pod on node-x (the emptiest) raises the minimum', async () => {
    const { state, infos } = await filterCodes(plugin, incoming, abxy(), spread2103());
    const copy = state.clone();
    const added = on('node-x', 'p-x1');
    await plugin.preFilterExtensions!.addPod(copy, incoming, added, infos[2]!);
    // min is now 1 (node-b, node-x): node-b (1+1-1=1) fits as well.
    expect(asStatus(await plugin.filter(copy, incoming, infos[1]!)).code).toBe(S);
    expect(asStatus(await plugin.filter(state, incoming, infos[1]!)).code).toBe(U);
  });

  it('a pod of another namespace or not matching the selector changes nothing', async () => {
    const { state, infos } = await filterCodes(plugin, incoming, abxy(), spread2103());
    const copy = state.clone();
    await plugin.preFilterExtensions!.addPod(copy, incoming, on('node-x', 'other-ns', foo, { ns: 'other' }), infos[2]!);
    await plugin.preFilterExtensions!.addPod(copy, incoming, on('node-x', 'no-match', { bar: '' }), infos[2]!);
    expect(copy.read(PRE_FILTER_STATE)!.tpValueToMatchNum[0]!.get('node-x')).toBe(0);
  });
});

interface ScoreCase {
  name: string;
  pod: V1Pod;
  existing?: V1Pod[];
  nodes: V1Node[];
  failedNodes?: V1Node[];
  services?: V1Service[];
  want: Record<string, number>;
}

const hostNodes = (...names: string[]) => names.map((n) => node(n, { [HOSTNAME]: n }));
const zoneHost = (name: string, zone: string) => node(name, { zone, [HOSTNAME]: name });
const soft = (maxSkew: number, key: string, selector = fooSelector, extra = {}) => spread(maxSkew, key, 'ScheduleAnyway', selector, extra);
const pods = (spec: Record<string, number>, labels = foo) =>
  Object.entries(spec).flatMap(([nodeName, n]) => Array.from({ length: n }, (_, i) => on(nodeName, `p-${nodeName.slice(-1)}${i + 1}`, labels)));

const scoreCases: ScoreCase[] = [
  {
    name: 'one constraint on node, no existing pods',
    pod: pod('p', { labels: foo, spread: [soft(1, HOSTNAME)] }),
    nodes: hostNodes('node-a', 'node-b'),
    want: { 'node-a': 100, 'node-b': 100 },
  },
  {
    name: 'one constraint on node, only one node is candidate',
    pod: pod('p', { labels: foo, spread: [soft(1, HOSTNAME)] }),
    existing: pods({ 'node-a': 2, 'node-b': 1 }),
    nodes: hostNodes('node-a'),
    failedNodes: hostNodes('node-b'),
    want: { 'node-a': 100 },
  },
  {
    name: 'one constraint on node, all nodes have the same number of matching pods',
    pod: pod('p', { labels: foo, spread: [soft(1, HOSTNAME)] }),
    existing: pods({ 'node-a': 1, 'node-b': 1 }),
    nodes: hostNodes('node-a', 'node-b'),
    want: { 'node-a': 100, 'node-b': 100 },
  },
  {
    name: 'one constraint on node, all 4 nodes are candidates',
    pod: pod('p', { labels: foo, spread: [soft(1, HOSTNAME)] }),
    existing: pods({ 'node-a': 2, 'node-b': 1, 'node-d': 3 }),
    nodes: hostNodes('node-a', 'node-b', 'node-c', 'node-d'),
    want: { 'node-a': 20, 'node-b': 60, 'node-c': 100, 'node-d': 0 },
  },
  {
    name: 'one constraint on node, null selector',
    pod: pod('p', { labels: foo, spread: [spread(1, HOSTNAME, 'ScheduleAnyway', undefined)] }),
    existing: pods({ 'node-a': 2, 'node-b': 1, 'node-d': 3 }),
    nodes: hostNodes('node-a', 'node-b', 'node-c', 'node-d'),
    want: { 'node-a': 100, 'node-b': 100, 'node-c': 100, 'node-d': 100 },
  },
  {
    name: 'one constraint on node, all 4 nodes are candidates, maxSkew=2',
    pod: pod('p', { labels: foo, spread: [soft(2, HOSTNAME)] }),
    existing: pods({ 'node-a': 2, 'node-b': 1, 'node-d': 3 }),
    nodes: hostNodes('node-a', 'node-b', 'node-c', 'node-d'),
    want: { 'node-a': 33, 'node-b': 66, 'node-c': 100, 'node-d': 16 },
  },
  {
    name: 'one constraint on node, all 4 nodes are candidates, maxSkew=3',
    pod: pod('p', { labels: foo, spread: [soft(3, HOSTNAME)] }),
    existing: pods({ 'node-a': 4, 'node-b': 3, 'node-c': 2, 'node-d': 1 }),
    nodes: hostNodes('node-a', 'node-b', 'node-c', 'node-d'),
    want: { 'node-a': 44, 'node-b': 66, 'node-c': 77, 'node-d': 100 },
  },
  {
    name: "system defaulting, nodes don't have zone, pods match service",
    pod: pod('p', { labels: foo }),
    existing: pods({ 'node-a': 4, 'node-b': 3, 'node-c': 2, 'node-d': 1 }),
    nodes: hostNodes('node-a', 'node-b', 'node-c', 'node-d'),
    services: [{ metadata: { name: 'svc', namespace: 'default' }, spec: { selector: foo } }],
    want: { 'node-a': 44, 'node-b': 66, 'node-c': 77, 'node-d': 100 },
  },
  {
    name: 'one constraint on node, 3 out of 4 nodes are candidates',
    pod: pod('p', { labels: foo, spread: [soft(1, HOSTNAME)] }),
    existing: pods({ 'node-a': 4, 'node-b': 2, 'node-x': 1, 'node-y': 3 }),
    nodes: hostNodes('node-a', 'node-b', 'node-x'),
    failedNodes: hostNodes('node-y'),
    want: { 'node-a': 33, 'node-b': 83, 'node-x': 100 },
  },
  {
    name: "one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key",
    pod: pod('p', { labels: foo, spread: [soft(1, HOSTNAME)] }),
    existing: pods({ 'node-a': 4, 'node-b': 2, 'node-x': 1, 'node-y': 3 }),
    nodes: [node('node-a', { [HOSTNAME]: 'node-a' }), node('node-b', { n: 'node-b' }), node('node-x', { [HOSTNAME]: 'node-x' })],
    failedNodes: hostNodes('node-y'),
    want: { 'node-a': 16, 'node-b': 0, 'node-x': 100 },
  },
  {
    name: 'one constraint on zone, 3 out of 4 nodes are candidates',
    pod: pod('p', { labels: foo, spread: [soft(1, 'zone')] }),
    existing: pods({ 'node-a': 4, 'node-b': 2, 'node-x': 1, 'node-y': 3 }),
    nodes: [zoneHost('node-a', 'zone1'), zoneHost('node-b', 'zone1'), zoneHost('node-x', 'zone2')],
    failedNodes: [zoneHost('node-y', 'zone2')],
    want: { 'node-a': 75, 'node-b': 75, 'node-x': 100 },
  },
  {
    name: 'two Constraints on zone and node, 2 out of 4 nodes are candidates',
    pod: pod('p', { labels: foo, spread: [soft(1, 'zone'), soft(1, HOSTNAME)] }),
    existing: pods({ 'node-a': 2, 'node-b': 1, 'node-x': 2, 'node-y': 4 }),
    nodes: [zoneHost('node-a', 'zone1'), zoneHost('node-x', 'zone2')],
    failedNodes: [zoneHost('node-b', 'zone1'), zoneHost('node-y', 'zone2')],
    want: { 'node-a': 100, 'node-x': 63 },
  },
  {
    name: 'two Constraints on zone, 2 out of 4 nodes are candidates',
    pod: pod('p', { labels: fooBar, spread: [soft(1, 'zone'), soft(1, 'zone', barSelector)] }),
    existing: [on('node-a', 'p-a1', fooBar), on('node-a', 'p-a2'), on('node-b', 'p-b1', fooBar), on('node-y', 'p-y1'), on('node-y', 'p-y2', fooBar), on('node-y', 'p-y3')],
    nodes: [node('node-a', { zone: 'zone1' }), node('node-x', { zone: 'zone2' })],
    failedNodes: [node('node-b', { zone: 'zone1' }), node('node-y', { zone: 'zone2' })],
    want: { 'node-a': 85, 'node-x': 100 },
  },
  {
    name: 'two Constraints on zone and node, with different labelSelectors',
    pod: pod('p', { labels: fooBar, spread: [soft(1, 'zone'), soft(1, HOSTNAME, barSelector)] }),
    existing: [on('node-a', 'p-a1'), on('node-b', 'p-b1', fooBar), on('node-y', 'p-y1'), on('node-y', 'p-y2', { bar: '' })],
    nodes: [zoneHost('node-a', 'zone1'), zoneHost('node-b', 'zone1'), zoneHost('node-x', 'zone2'), zoneHost('node-y', 'zone2')],
    want: { 'node-a': 60, 'node-b': 20, 'node-x': 100, 'node-y': 60 },
  },
  {
    name: 'two Constraints on zone and node, with different labelSelectors, some nodes have 0 pods',
    pod: pod('p', { labels: fooBar, spread: [soft(1, 'zone'), soft(1, HOSTNAME, barSelector)] }),
    existing: [on('node-b', 'p-b1', { bar: '' }), on('node-x', 'p-x1'), on('node-y', 'p-y1', fooBar)],
    nodes: [zoneHost('node-a', 'zone1'), zoneHost('node-b', 'zone1'), zoneHost('node-x', 'zone2'), zoneHost('node-y', 'zone2')],
    want: { 'node-a': 100, 'node-b': 60, 'node-x': 40, 'node-y': 0 },
  },
  {
    name: 'two Constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are candidates',
    pod: pod('p', { labels: fooBar, spread: [soft(1, 'zone'), soft(1, HOSTNAME, barSelector)] }),
    existing: [on('node-a', 'p-a1'), on('node-b', 'p-b1', fooBar), on('node-y', 'p-y1'), on('node-y', 'p-y2', { bar: '' })],
    nodes: [zoneHost('node-a', 'zone1'), zoneHost('node-b', 'zone1'), zoneHost('node-x', 'zone2')],
    failedNodes: [zoneHost('node-y', 'zone2')],
    want: { 'node-a': 50, 'node-b': 25, 'node-x': 100 },
  },
  {
    name: 'existing pods in a different namespace do not count',
    pod: pod('p', { labels: foo, spread: [soft(1, HOSTNAME)] }),
    existing: [on('node-a', 'p-a1', foo, { ns: 'ns1' }), on('node-a', 'p-a2'), on('node-b', 'p-b1'), on('node-b', 'p-b2')],
    nodes: hostNodes('node-a', 'node-b'),
    want: { 'node-a': 100, 'node-b': 33 },
  },
  {
    name: 'terminating Pods should be excluded',
    pod: pod('p', { labels: foo, spread: [soft(1, HOSTNAME)] }),
    existing: [on('node-a', 'p-a', foo, { terminating: true }), on('node-b', 'p-b')],
    nodes: hostNodes('node-a', 'node-b'),
    want: { 'node-a': 100, 'node-b': 0 },
  },
  {
    name: 'minDomains has no effect when ScheduleAnyway',
    pod: pod('p', { labels: foo, spread: [soft(2, 'node', fooSelector, { minDomains: 10 })] }),
    existing: pods({ 'node-a': 2, 'node-b': 2, 'node-c': 1 }),
    nodes: [node('node-a', { node: 'node-a' }), node('node-b', { node: 'node-b' }), node('node-c', { node: 'node-c' })],
    want: { 'node-a': 75, 'node-b': 75, 'node-c': 100 },
  },
  ...(['labelSelectors', 'nodeAffinity'] as const).flatMap((how): ScoreCase[] => {
    const constrain = how === 'labelSelectors' ? { nodeSelector: foo } : { nodeAffinity: { key: 'foo', operator: 'In' as const, values: [''] } };
    const nodes = () => [node('node-a', { node: 'node-a', foo: '' }), node('node-b', { node: 'node-b', foo: '' }), node('node-c', { node: 'node-c' })];
    return [
      {
        name: `NodeAffinityPolicy honored with ${how}`,
        pod: pod('p', { labels: foo, ...constrain, spread: [soft(1, 'node')] }),
        existing: pods({ 'node-a': 2, 'node-b': 1, 'node-c': 1 }),
        nodes: nodes(),
        want: { 'node-a': 0, 'node-b': 33, 'node-c': 100 },
      },
      {
        name: `NodeAffinityPolicy ignored with ${how}`,
        pod: pod('p', { labels: foo, ...constrain, spread: [soft(1, 'node', fooSelector, { nodeAffinityPolicy: 'Ignore' })] }),
        existing: pods({ 'node-a': 2, 'node-b': 1, 'node-c': 1 }),
        nodes: nodes(),
        want: { 'node-a': 66, 'node-b': 100, 'node-c': 100 },
      },
    ];
  }),
  {
    name: 'NodeTaintsPolicy honored',
    pod: pod('p', { labels: foo, spread: [soft(1, 'node', fooSelector, { nodeTaintsPolicy: 'Honor' })] }),
    existing: pods({ 'node-a': 2, 'node-b': 1, 'node-c': 1 }),
    nodes: [node('node-a', { node: 'node-a' }), node('node-b', { node: 'node-b' }), node('node-c', { node: 'node-c' }, [unschedulableTaint])],
    want: { 'node-a': 0, 'node-b': 33, 'node-c': 100 },
  },
  {
    name: 'NodeTaintsPolicy ignored',
    pod: pod('p', { labels: foo, spread: [soft(1, 'node')] }),
    existing: pods({ 'node-a': 2, 'node-b': 1, 'node-c': 1 }),
    nodes: [node('node-a', { node: 'node-a' }), node('node-b', { node: 'node-b' }), node('node-c', { node: 'node-c' }, [unschedulableTaint])],
    want: { 'node-a': 66, 'node-b': 100, 'node-c': 100 },
  },
  {
    name: 'matchLabelKeys ANDed with LabelSelector when LabelSelector is empty',
    pod: pod('p', { labels: fooBar, spread: [soft(1, 'zone', {}, { matchLabelKeys: ['foo'] }), soft(1, HOSTNAME, {}, { matchLabelKeys: ['bar'] })] }),
    existing: [on('node-a', 'p-a1'), on('node-b', 'p-b1', fooBar), on('node-c', 'p-y1'), on('node-c', 'p-y2', { bar: '' })],
    nodes: [zoneHost('node-a', 'zone1'), zoneHost('node-b', 'zone1'), zoneHost('node-c', 'zone2'), zoneHost('node-d', 'zone2')],
    want: { 'node-a': 60, 'node-b': 20, 'node-c': 60, 'node-d': 100 },
  },
  {
    name: "matchLabelKeys ANDed with LabelSelector when LabelSelector isn't empty",
    pod: pod('p', { labels: { foo: '', bar: '', baz: '' }, spread: [soft(1, 'zone'), soft(1, HOSTNAME, barSelector, { matchLabelKeys: ['baz'] })] }),
    existing: [on('node-a', 'p-a1'), on('node-b', 'p-b1', { foo: '', bar: '', baz: '' }), on('node-c', 'p-c1'), on('node-c', 'p-c2', { bar: '' }), on('node-c', 'p-d3', { bar: '', baz: '' })],
    nodes: [zoneHost('node-a', 'zone1'), zoneHost('node-b', 'zone1'), zoneHost('node-c', 'zone2'), zoneHost('node-d', 'zone2')],
    want: { 'node-a': 60, 'node-b': 20, 'node-c': 60, 'node-d': 100 },
  },
];

describe('PodTopologySpread Score + NormalizeScore (upstream TestPodTopologySpreadScore, system defaulting)', () => {
  const plugin = createPodTopologySpread();
  it.each(scoreCases)('$name', async ({ pod: incoming, existing, nodes, failedNodes, services, want }) => {
    const all = snapshot([...nodes, ...(failedNodes ?? [])], existing);
    const feasible = all.slice(0, nodes.length);
    const state = cycleState(all, { services: listOf(services ?? []) });
    expect(asStatus(await plugin.preScore(state, incoming, feasible)).isSuccess()).toBe(true);
    const scores: NodeScore[] = [];
    for (const info of feasible) scores.push({ name: info.name, score: (await plugin.score(state, incoming, info)) as number });
    await plugin.scoreExtensions!.normalizeScore(state, incoming, scores);
    expect(Object.fromEntries(scores.map((s) => [s.name, s.score]))).toEqual(want);
  });

  it('PreScore skips a pod with no soft constraints that nothing selects (upstream TestPreScoreSkip)', async () => {
    const all = snapshot(hostNodes('node-a', 'node-b'));
    const status = asStatus(await plugin.preScore(cycleState(all), pod('p', { labels: foo }), all));
    expect(status.isSkip()).toBe(true);
  });

  it('PreScore skips with hard constraints only (they are Filter\'s)', async () => {
    const all = snapshot(hostNodes('node-a', 'node-b'));
    const status = asStatus(await plugin.preScore(cycleState(all), pod('p', { labels: foo, spread: [spread(1, HOSTNAME, 'DoNotSchedule', fooSelector)] }), all));
    expect(status.isSkip()).toBe(true);
  });
});

describe('PodTopologySpread default constraints (helper/spread.go DefaultSelector)', () => {
  const plugin = createPodTopologySpread();
  const all = () => snapshot(hostNodes('node-a', 'node-b'), pods({ 'node-a': 2 }));
  const rsOwned = (name: string) => pod(name, { labels: { app: 'web', 'pod-template-hash': 'h1' }, ownerRef: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-h1' } });

  it('a ReplicaSet pod gets the system defaults with the ReplicaSet selector: the node with fewer of its pods scores higher', async () => {
    const infos = snapshot(hostNodes('node-a', 'node-b'), [
      { ...rsOwned('w1'), spec: { ...rsOwned('w1').spec!, nodeName: 'node-a' } },
      { ...rsOwned('w2'), spec: { ...rsOwned('w2').spec!, nodeName: 'node-a' } },
    ]);
    const replicaSets = listOf([{ metadata: { name: 'web-h1', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web', 'pod-template-hash': 'h1' } }, template: {} } }]);
    const state = cycleState(infos, { replicaSets });
    expect(asStatus(await plugin.preScore(state, rsOwned('w3'), infos)).isSuccess()).toBe(true);
    const scores: NodeScore[] = [];
    for (const info of infos) scores.push({ name: info.name, score: (await plugin.score(state, rsOwned('w3'), info)) as number });
    await plugin.scoreExtensions!.normalizeScore(state, rsOwned('w3'), scores);
    expect(scores[1]!.score).toBeGreaterThan(scores[0]!.score);
  });

  it('a ReplicaSet the listers do not know gives no defaults (PreScore skips)', async () => {
    const status = asStatus(await plugin.preScore(cycleState(all()), rsOwned('w3'), all()));
    expect(status.isSkip()).toBe(true);
  });

  it('defaults never apply at Filter: system defaults are ScheduleAnyway', async () => {
    const services = listOf<V1Service>([{ metadata: { name: 'svc', namespace: 'default' }, spec: { selector: foo } }]);
    const result = await plugin.preFilter(cycleState(all(), { services }), pod('p', { labels: foo }), all());
    expect((result as { status: Status }).status.isSkip()).toBe(true);
  });

  it('a Service with a nil selector selects nothing', async () => {
    const services = listOf<V1Service>([{ metadata: { name: 'svc', namespace: 'default' }, spec: {} }]);
    const status = asStatus(await plugin.preScore(cycleState(all(), { services }), pod('p', { labels: foo }), all()));
    expect(status.isSkip()).toBe(true);
  });
});

// A CycleState without PreFilter is an error for Filter, as upstream (getPreFilterState fails).
describe('PodTopologySpread without its PreFilter state', () => {
  it('Filter throws a clear error (the runtime turns it into an Error status)', () => {
    const plugin = createPodTopologySpread();
    expect(() => plugin.filter(new CycleState(), pod('p'), snapshot(hostNodes('n'))[0]!)).toThrow(/PreFilterPodTopologySpread/);
  });
});
