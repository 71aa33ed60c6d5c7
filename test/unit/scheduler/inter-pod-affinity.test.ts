/**
 * InterPodAffinity with upstream's cases: Filter from interpodaffinity/filtering_test.go
 * (TestRequiredAffinitySingleNode, TestRequiredAffinityMultipleNodes) and Score from
 * scoring_test.go (TestPreferredAffinity, hardPodAffinityWeight 1), same inputs and expected
 * statuses and normalized scores. The two cases with invalid label values are left out: the API
 * server rejects such pods before a scheduler sees them. Plus the PreFilterExtensions.
 */
import type { V1Affinity, V1LabelSelector, V1Namespace, V1Node, V1Pod, V1PodAffinityTerm } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { NodeScore } from '../../../controllers/scheduler/framework/interfaces.js';
import { listOf } from '../../../controllers/scheduler/framework/listers.js';
import { asStatus, Code, Status } from '../../../controllers/scheduler/framework/status.js';
import {
  createInterPodAffinity,
  ERR_REASON_AFFINITY_RULES_NOT_MATCH as AFF,
  ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH as ANTI,
  ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH as EXISTING,
} from '../../../controllers/scheduler/plugins/inter-pod-affinity.js';
import { cycleState, exists, labelsIn, node, pod, snapshot } from './upstream-fixtures.js';

/** upstream's `namespaces` fixture: two teams with two sub-teams each. */
const namespaces = listOf<V1Namespace>([
  { metadata: { name: 'subteam1.team1', labels: { team: 'team1' } } },
  { metadata: { name: 'subteam2.team1', labels: { team: 'team1' } } },
  { metadata: { name: 'subteam1.team2', labels: { team: 'team2' } } },
  { metadata: { name: 'subteam2.team2', labels: { team: 'team2' } } },
]);

const term = (labelSelector: V1LabelSelector, topologyKey: string, extra: Partial<V1PodAffinityTerm> = {}): V1PodAffinityTerm => ({ labelSelector, topologyKey, ...extra });
const notIn = (key: string, values: string[]): V1LabelSelector => ({ matchExpressions: [{ key, operator: 'NotIn', values }] });
const team1 = { matchExpressions: [{ key: 'team', operator: 'In', values: ['team1'] }] };

interface P {
  ns?: string;
  node?: string;
  labels?: Record<string, string>;
  affinity?: V1PodAffinityTerm[];
  anti?: V1PodAffinityTerm[];
  raw?: V1Affinity;
}
/** The shared pod builder with this file's shorthands: required `affinity` / `anti` terms, or a `raw` affinity. */
function p(name: string, o: P = {}): V1Pod {
  return pod(name, { ns: o.ns, node: o.node, labels: o.labels, affinity: o.raw, podAffinity: o.affinity && { required: o.affinity }, podAntiAffinity: o.anti && { required: o.anti } });
}

const podLabel = { service: 'securityscan' };
const podLabel2 = { security: 'S1' };
const node1 = () => node('node1', { region: 'r1', zone: 'z11' });
const existingOnNode1 = () => p('existing', { node: 'node1', labels: podLabel });

type Want = [Code, string] | 'skip' | 'ok';
interface FilterCase {
  name: string;
  pod: V1Pod;
  pods?: V1Pod[];
  nodes: V1Node[];
  /** Per node (in order), or 'skip' for PreFilter Skip. */
  want: Want[] | 'skip';
}

const singleNode: FilterCase[] = [
  { name: 'A pod that has no required pod affinity scheduling rules can schedule onto a node with no existing pods', pod: p('p'), nodes: [node1()], want: 'skip' },
  {
    name: 'satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches the existing pod',
    pod: p('p', { labels: podLabel2, affinity: [term(labelsIn('service', ['securityscan', 'value2']), 'region')] }),
    pods: [existingOnNode1()],
    nodes: [node1()],
    want: ['ok'],
  },
  {
    name: 'satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in operator in labelSelector that matches the existing pod',
    pod: p('p', { labels: podLabel2, affinity: [term(notIn('service', ['securityscan3', 'value3']), 'region')] }),
    pods: [existingOnNode1()],
    nodes: [node1()],
    want: ['ok'],
  },
  {
    name: 'Does not satisfy the PodAffinity with labelSelector because of diff Namespace',
    pod: p('p', { labels: podLabel2, affinity: [term(labelsIn('service', ['securityscan', 'value2']), 'region', { namespaces: ['DiffNameSpace'] })] }),
    pods: [p('existing', { ns: 'ns', node: 'node1', labels: podLabel })],
    nodes: [node1()],
    want: [[Code.UnschedulableAndUnresolvable, AFF]],
  },
  {
    name: "Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod",
    pod: p('p', { labels: podLabel, affinity: [term(labelsIn('service', ['antivirusscan', 'value2']), '')] }),
    pods: [existingOnNode1()],
    nodes: [node1()],
    want: [[Code.UnschedulableAndUnresolvable, AFF]],
  },
  ...([['securityscan', 'ok'], ['securityscan2', [Code.UnschedulableAndUnresolvable, AFF]]] as const).map(([value, want]): FilterCase => ({
    name: value === 'securityscan'
      ? 'satisfies the PodAffinity with different label Operators in multiple RequiredDuringSchedulingIgnoredDuringExecution'
      : "The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule onto the node because one of the matchExpression item don't match.",
    pod: p('p', {
      labels: podLabel2,
      affinity: [
        term({ matchExpressions: [{ key: 'service', operator: 'Exists' }, { key: 'wrongkey', operator: 'DoesNotExist' }] }, 'region'),
        term({ matchExpressions: [{ key: 'service', operator: 'In', values: [value] }, { key: 'service', operator: 'NotIn', values: ['WrongValue'] }] }, 'region'),
      ],
    }),
    pods: [existingOnNode1()],
    nodes: [node1()],
    want: [want as Want],
  })),
  {
    name: 'satisfies the PodAffinity and PodAntiAffinity with the existing pod',
    pod: p('p', { labels: podLabel2, affinity: [term(labelsIn('service', ['securityscan', 'value2']), 'region')], anti: [term(labelsIn('service', ['antivirusscan', 'value2']), 'node')] }),
    pods: [existingOnNode1()],
    nodes: [node1()],
    want: ['ok'],
  },
  {
    name: 'satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod',
    pod: p('p', { labels: podLabel2, affinity: [term(labelsIn('service', ['securityscan', 'value2']), 'region')], anti: [term(labelsIn('service', ['antivirusscan', 'value2']), 'node')] }),
    pods: [p('existing', { node: 'node1', labels: podLabel, anti: [term(labelsIn('service', ['antivirusscan', 'value2']), 'node')] })],
    nodes: [node1()],
    want: ['ok'],
  },
  {
    name: "satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod",
    pod: p('p', { labels: podLabel2, affinity: [term(labelsIn('service', ['securityscan', 'value2']), 'region')], anti: [term(labelsIn('service', ['securityscan', 'value2']), 'zone')] }),
    pods: [existingOnNode1()],
    nodes: [node1()],
    want: [[Code.Unschedulable, ANTI]],
  },
  {
    name: "satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry with the existing pod",
    pod: p('p', { labels: podLabel, affinity: [term(labelsIn('service', ['securityscan', 'value2']), 'region')], anti: [term(labelsIn('service', ['antivirusscan', 'value2']), 'node')] }),
    pods: [p('existing', { node: 'node1', labels: podLabel, anti: [term(labelsIn('service', ['securityscan', 'value2']), 'zone')] })],
    nodes: [node1()],
    want: [[Code.Unschedulable, EXISTING]],
  },
  {
    name: 'pod matches its own Label in PodAffinity and that matches the existing pod Labels',
    pod: p('p', { labels: podLabel, affinity: [term(notIn('service', ['securityscan', 'value2']), 'region')] }),
    pods: [p('existing', { node: 'node2', labels: podLabel })],
    nodes: [node1()],
    want: [[Code.UnschedulableAndUnresolvable, AFF]],
  },
  {
    name: "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. doesn't satisfy PodAntiAffinity symmetry with the existing pod",
    pod: p('p', { labels: podLabel }),
    pods: [p('existing', { node: 'node1', labels: podLabel, anti: [term(labelsIn('service', ['securityscan', 'value2']), 'zone')] })],
    nodes: [node1()],
    want: [[Code.Unschedulable, EXISTING]],
  },
  {
    name: 'verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the existing pod',
    pod: p('p', { labels: podLabel }),
    pods: [p('existing', { node: 'node1', labels: podLabel, anti: [term(notIn('service', ['securityscan', 'value2']), 'zone')] })],
    nodes: [node1()],
    want: 'skip',
  },
  {
    name: "satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry with incoming pod",
    pod: p('p', { labels: podLabel, anti: [term(exists('service'), 'region'), term(exists('security'), 'region')] }),
    pods: [p('existing', { node: 'node1', labels: podLabel2, anti: [term(exists('security'), 'zone')] })],
    nodes: [node1()],
    want: [[Code.Unschedulable, ANTI]],
  },
  {
    name: 'PodAntiAffinity symmetry check a1: incoming pod and existing pod partially match each other on AffinityTerms',
    pod: p('p', { labels: podLabel, anti: [term(exists('service'), 'zone'), term(exists('security'), 'zone')] }),
    pods: [p('existing', { node: 'node1', labels: podLabel2, anti: [term(exists('security'), 'zone')] })],
    nodes: [node1()],
    want: [[Code.Unschedulable, ANTI]],
  },
  {
    name: 'PodAntiAffinity symmetry check a2: incoming pod and existing pod partially match each other on AffinityTerms',
    pod: p('p', { labels: podLabel2, anti: [term(exists('security'), 'zone')] }),
    pods: [p('existing', { node: 'node1', labels: podLabel, anti: [term(exists('service'), 'zone'), term(exists('security'), 'zone')] })],
    nodes: [node1()],
    want: [[Code.Unschedulable, EXISTING]],
  },
  {
    name: 'PodAntiAffinity symmetry check b1: incoming pod and existing pod partially match each other on AffinityTerms',
    pod: p('p', { labels: { abc: '', xyz: '' }, anti: [term(exists('abc'), 'zone'), term(exists('def'), 'zone')] }),
    pods: [p('existing', { node: 'node1', labels: { def: '', xyz: '' }, anti: [term(exists('abc'), 'zone'), term(exists('def'), 'zone')] })],
    nodes: [node1()],
    want: [[Code.Unschedulable, ANTI]],
  },
  {
    name: 'PodAntiAffinity symmetry check b2: incoming pod and existing pod partially match each other on AffinityTerms',
    pod: p('p', { labels: { def: '', xyz: '' }, anti: [term(exists('abc'), 'zone'), term(exists('def'), 'zone')] }),
    pods: [p('existing', { node: 'node1', labels: { abc: '', xyz: '' }, anti: [term(exists('abc'), 'zone'), term(exists('def'), 'zone')] })],
    nodes: [node1()],
    want: [[Code.Unschedulable, ANTI]],
  },
  {
    name: 'affinity with NamespaceSelector',
    pod: p('p', { labels: podLabel2, affinity: [term(labelsIn('service', ['securityscan', 'value2']), 'region', { namespaceSelector: team1 })] }),
    pods: [p('existing', { ns: 'subteam1.team1', node: 'node1', labels: podLabel })],
    nodes: [node1()],
    want: ['ok'],
  },
  {
    name: 'affinity with non-matching NamespaceSelector',
    pod: p('p', { labels: podLabel2, affinity: [term(labelsIn('service', ['securityscan', 'value2']), 'region', { namespaceSelector: team1 })] }),
    pods: [p('existing', { ns: 'subteam1.team2', node: 'node1', labels: podLabel })],
    nodes: [node1()],
    want: [[Code.UnschedulableAndUnresolvable, AFF]],
  },
  {
    name: 'anti-affinity with matching NamespaceSelector',
    pod: p('p', { ns: 'subteam1.team1', labels: podLabel2, anti: [term(labelsIn('service', ['securityscan', 'value2']), 'zone', { namespaceSelector: team1 })] }),
    pods: [p('existing', { ns: 'subteam2.team1', node: 'node1', labels: podLabel })],
    nodes: [node1()],
    want: [[Code.Unschedulable, ANTI]],
  },
  {
    name: 'anti-affinity with matching all NamespaceSelector',
    pod: p('p', { ns: 'subteam1.team1', labels: podLabel2, anti: [term(labelsIn('service', ['securityscan', 'value2']), 'zone', { namespaceSelector: {} })] }),
    pods: [p('existing', { ns: 'subteam2.team1', node: 'node1', labels: podLabel })],
    nodes: [node1()],
    want: [[Code.Unschedulable, ANTI]],
  },
  {
    name: 'anti-affinity with non-matching NamespaceSelector',
    pod: p('p', { ns: 'subteam1.team1', labels: podLabel2, anti: [term(labelsIn('service', ['securityscan', 'value2']), 'zone', { namespaceSelector: team1 })] }),
    pods: [p('existing', { ns: 'subteam1.team2', node: 'node1', labels: podLabel })],
    nodes: [node1()],
    want: ['ok'],
  },
];

const china = { region: 'China' };
const chinaAz1 = { region: 'China', az: 'az1' };
const india = { region: 'India' };
const anti = (key: string, topologyKey: string, values?: string[]) => term(values ? labelsIn(key, values) : exists(key), topologyKey);
const U: Want = [Code.Unschedulable, ANTI];

const multipleNodes: FilterCase[] = [
  {
    name: 'A pod can be scheduled onto all the nodes that have the same topology key & label value with one of them has an existing pod that matches the affinity rules',
    pod: p('p', { affinity: [term(labelsIn('foo', ['bar']), 'region')] }),
    pods: [p('p1', { node: 'node1', labels: { foo: 'bar' } })],
    nodes: [node('node1', china), node('node2', chinaAz1), node('node3', india)],
    want: ['ok', 'ok', [Code.UnschedulableAndUnresolvable, AFF]],
  },
  {
    name: 'The affinity rule is to schedule all of the pods of this collection to the same zone. The first pod of the collection should not be blocked from being scheduled onto any node',
    pod: p('p', { labels: { foo: 'bar', service: 'securityscan' }, affinity: [term(labelsIn('foo', ['bar']), 'zone'), term(labelsIn('service', ['securityscan']), 'zone')] }),
    pods: [p('p1', { node: 'nodeA', labels: { foo: 'bar' } })],
    nodes: [node('nodeA', { zone: 'az1', hostname: 'h1' }), node('nodeB', { zone: 'az2', hostname: 'h2' })],
    want: ['ok', 'ok'],
  },
  {
    name: 'The first pod of the collection can only be scheduled on nodes labelled with the requested topology keys',
    pod: p('p', { labels: { foo: 'bar', service: 'securityscan' }, affinity: [term(labelsIn('foo', ['bar']), 'zone'), term(labelsIn('service', ['securityscan']), 'zone')] }),
    pods: [p('p1', { node: 'nodeA', labels: { foo: 'bar' } })],
    nodes: [node('nodeA', { zoneLabel: 'az1', hostname: 'h1' }), node('nodeB', { zoneLabel: 'az2', hostname: 'h2' })],
    want: [[Code.UnschedulableAndUnresolvable, AFF], [Code.UnschedulableAndUnresolvable, AFF]],
  },
  {
    name: 'NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB.',
    pod: p('p', { anti: [anti('foo', 'region', ['abc'])] }),
    pods: [p('e', { node: 'nodeA', labels: { foo: 'abc' } })],
    nodes: [node('nodeA', { region: 'r1', hostname: 'nodeA' }), node('nodeB', { region: 'r1', hostname: 'nodeB' })],
    want: [U, U],
  },
  {
    name: 'This test ensures that anti-affinity matches a pod when any term of the anti-affinity rule matches a pod.',
    pod: p('p', { anti: [anti('foo', 'region', ['abc']), anti('service', 'zone', ['securityscan'])] }),
    pods: [p('e', { node: 'nodeA', labels: { foo: 'abc', service: 'securityscan' } })],
    nodes: [node('nodeA', { region: 'r1', zone: 'z1', hostname: 'nodeA' }), node('nodeB', { region: 'r1', zone: 'z2', hostname: 'nodeB' })],
    want: [U, U],
  },
  {
    name: 'NodeA and nodeB have same topologyKey and label value. The pod can not be scheduled onto nodeA and nodeB but can be scheduled onto nodeC',
    pod: p('p', { anti: [anti('foo', 'region', ['abc'])] }),
    pods: [p('e', { node: 'nodeA', labels: { foo: 'abc' } })],
    nodes: [node('nodeA', china), node('nodeB', chinaAz1), node('nodeC', india)],
    want: [U, U, 'ok'],
  },
  {
    name: 'nodeC has an existing pod that matches the inter pod affinity rule but in a different namespace',
    pod: p('p', { ns: 'NS1', labels: { foo: '123' }, anti: [anti('foo', 'region', ['bar'])] }),
    pods: [p('e1', { ns: 'NS1', node: 'nodeA', labels: { foo: 'bar' } }), p('e2', { ns: 'NS2', node: 'nodeC', anti: [anti('foo', 'region', ['123'])] })],
    nodes: [node('nodeA', china), node('nodeB', chinaAz1), node('nodeC', india)],
    want: [U, U, 'ok'],
  },
  {
    name: "Test existing pod's anti-affinity: if an existing pod has a term with invalid topologyKey, labelSelector of the term is firstly checked, and then topologyKey of the term is also checked",
    pod: p('p', { labels: { foo: '' } }),
    pods: [p('e', { node: 'nodeA', anti: [anti('foo', 'invalid-node-label')] })],
    nodes: [node('nodeA', { region: 'r1', zone: 'z1', hostname: 'nodeA' }), node('nodeB', { region: 'r1', zone: 'z1', hostname: 'nodeB' })],
    want: 'skip',
  },
  {
    name: "Test incoming pod's anti-affinity: even if labelSelector matches, we still check if topologyKey matches",
    pod: p('p', { node: 'nodeA', anti: [anti('foo', 'invalid-node-label')] }),
    pods: [p('e', { node: 'nodeA', labels: { foo: '' } })],
    nodes: [node('nodeA', { region: 'r1', zone: 'z1', hostname: 'nodeA' }), node('nodeB', { region: 'r1', zone: 'z1', hostname: 'nodeB' })],
    want: ['ok', 'ok'],
  },
  {
    name: "Test existing pod's anti-affinity: incoming pod wouldn't considered as a fit as it violates each existingPod's terms on all nodes",
    pod: p('p', { labels: { foo: '', bar: '' } }),
    pods: [p('e1', { node: 'nodeA', anti: [anti('foo', 'zone')] }), p('e2', { node: 'nodeA', anti: [anti('bar', 'region')] })],
    nodes: [node('nodeA', { region: 'r1', zone: 'z1', hostname: 'nodeA' }), node('nodeB', { region: 'r1', zone: 'z2', hostname: 'nodeB' })],
    want: [[Code.Unschedulable, EXISTING], [Code.Unschedulable, EXISTING]],
  },
];

async function runFilter(c: FilterCase) {
  const plugin = createInterPodAffinity();
  const infos = snapshot(c.nodes, c.pods);
  const state = cycleState(infos, { namespaces });
  const pre = await plugin.preFilter(state, c.pod, infos);
  const preStatus = pre instanceof Status ? pre : asStatus(pre?.status);
  if (preStatus.isSkip()) return { skipped: true as const, got: [], state, infos, plugin };
  expect(preStatus.isSuccess()).toBe(true);
  const got: Want[] = [];
  for (const info of infos) {
    const status = asStatus(await plugin.filter(state, c.pod, info));
    got.push(status.isSuccess() ? 'ok' : [status.code, status.message()]);
  }
  return { skipped: false as const, got, state, infos, plugin };
}

describe('InterPodAffinity Filter (upstream TestRequiredAffinitySingleNode / TestRequiredAffinityMultipleNodes)', () => {
  it.each([...singleNode, ...multipleNodes])('$name', async (c) => {
    const { skipped, got } = await runFilter(c);
    if (c.want === 'skip') expect(skipped).toBe(true);
    else expect(got).toEqual(c.want);
  });
});

describe('InterPodAffinity PreFilterExtensions (upstream TestPreFilterStateAddRemovePod, through Filter)', () => {
  const c = multipleNodes[3]!; // anti-affinity to foo=abc per region; the matching pod sits on nodeA
  it('removing the matching pod (a preemption victim) on a state copy lets the pod onto that region; the original state is untouched', async () => {
    const { state, infos, plugin } = await runFilter(c);
    const copy = state.clone();
    const nodeA = infos[0]!.clone();
    const victim = c.pods![0]!;
    nodeA.removePod(victim);
    await plugin.preFilterExtensions!.removePod(copy, c.pod, victim, nodeA);
    expect(asStatus(await plugin.filter(copy, c.pod, nodeA)).isSuccess()).toBe(true);
    expect(asStatus(await plugin.filter(state, c.pod, infos[0]!)).code).toBe(Code.Unschedulable);
  });

  it("adding a pod whose required anti-affinity matches the incoming pod blocks its region (existing pods' anti-affinity)", async () => {
    const incoming = p('p', { labels: { app: 'x' }, affinity: [term(exists('app'), 'region')] });
    const infos = snapshot([node('n1', china), node('n2', india)], [p('friend', { node: 'n1', labels: { app: 'y' } }), p('friend2', { node: 'n2', labels: { app: 'y' } })]);
    const plugin = createInterPodAffinity();
    const state = cycleState(infos, { namespaces });
    await plugin.preFilter(state, incoming, infos);
    const copy = state.clone();
    const enemy = p('enemy', { node: 'n2', anti: [term(exists('app'), 'region')] });
    await plugin.preFilterExtensions!.addPod(copy, incoming, enemy, infos[1]!);
    expect(asStatus(await plugin.filter(copy, incoming, infos[1]!)).message()).toBe(EXISTING);
    expect(asStatus(await plugin.filter(copy, incoming, infos[0]!)).isSuccess()).toBe(true);
  });
});

// TestPreferredAffinity
const S1 = { security: 'S1' };
const S2 = { security: 'S2' };
const pref = (weight: number, podAffinityTerm: V1PodAffinityTerm) => ({ weight, podAffinityTerm });
const stayWithS1InRegion: V1Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [pref(5, term(labelsIn('security', ['S1']), 'region'))] } };
const stayWithS2InRegion: V1Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [pref(6, term(labelsIn('security', ['S2']), 'region'))] } };
const affinity3: V1Affinity = {
  podAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      pref(8, term({ matchExpressions: [{ key: 'security', operator: 'NotIn', values: ['S1'] }, { key: 'security', operator: 'In', values: ['S2'] }] }, 'region')),
      pref(2, term({ matchExpressions: [{ key: 'security', operator: 'Exists' }, { key: 'wrongkey', operator: 'DoesNotExist' }] }, 'region')),
    ],
  },
};
const hardAffinity: V1Affinity = {
  podAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      term(labelsIn('security', ['S1', 'value2']), 'region'),
      term({ matchExpressions: [{ key: 'security', operator: 'Exists' }, { key: 'wrongkey', operator: 'DoesNotExist' }] }, 'region'),
    ],
  },
};
const awayFromS1InAz: V1Affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [pref(5, term(labelsIn('security', ['S1']), 'az'))] } };
const awayFromS2InAz: V1Affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [pref(5, term(labelsIn('security', ['S2']), 'az'))] } };
const stayWithS1InRegionAwayFromS2InAz: V1Affinity = {
  podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [pref(8, term(labelsIn('security', ['S1']), 'region'))] },
  podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [pref(5, term(labelsIn('security', ['S2']), 'az'))] },
};
const nsSelectorTerm = () => term(labelsIn('security', ['S1']), 'region', { namespaces: ['subteam2.team2'], namespaceSelector: team1 });
const affinityNamespaceSelector: V1Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [pref(5, nsSelectorTerm())] } };
const antiAffinityNamespaceSelector: V1Affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [pref(5, nsSelectorTerm())] } };

const az1 = { az: 'az1' };
const az2 = { az: 'az2' };
let n = 0;
const at = (nodeName: string, labels?: Record<string, string>, raw?: V1Affinity, ns?: string) => p(`e${n++}`, { node: nodeName, labels, raw, ns });
const incomingPod = (labels?: Record<string, string>, raw?: V1Affinity, ns?: string) => p('p', { labels, raw, ns });
const MAX = 100;

interface ScoreCase {
  name: string;
  pod: V1Pod;
  pods?: V1Pod[];
  nodes: V1Node[];
  want: number[] | 'skip';
  ignorePreferredTermsOfExistingPods?: boolean;
}

const scoreCases: ScoreCase[] = [
  { name: 'all nodes are same priority as Affinity is nil', pod: incomingPod(S1), nodes: [node('node1', china), node('node2', india), node('node3', az1)], want: 'skip' },
  {
    name: 'Affinity: pod that matches topology key & pods in nodes will get high score comparing to others which doesn\'t match either pods in nodes or in topology key',
    pod: incomingPod(S1, stayWithS1InRegion),
    pods: [at('node1', S1), at('node2', S2), at('node3', S1)],
    nodes: [node('node1', china), node('node2', india), node('node3', az1)],
    want: [MAX, 0, 0],
  },
  {
    name: 'All the nodes that have the same topology key & label value with one of them has an existing pod that match the affinity rules, have the same score',
    pod: incomingPod(undefined, stayWithS1InRegion),
    pods: [at('node1', S1)],
    nodes: [node('node1', china), node('node2', chinaAz1), node('node3', india)],
    want: [MAX, MAX, 0],
  },
  {
    name: 'Affinity: nodes in one region has more matching pods comparing to other region, so the region which has more matches will get high score',
    pod: incomingPod(S1, stayWithS2InRegion),
    pods: [at('node1', S2), at('node1', S2), at('node2', S2), at('node3', S2), at('node4', S2), at('node5', S2)],
    nodes: [node('node1', china), node('node2', india), node('node3', china), node('node4', china), node('node5', india)],
    want: [MAX, 0, MAX, MAX, 0],
  },
  {
    name: 'Affinity: different Label operators and values for pod affinity scheduling preference, including some match failures',
    pod: incomingPod(S1, affinity3),
    pods: [at('node1', S1), at('node2', S2), at('node3', S1)],
    nodes: [node('node1', china), node('node2', india), node('node3', az1)],
    want: [20, MAX, 0],
  },
  {
    name: 'Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry',
    pod: incomingPod(S2),
    pods: [at('node1', S1, stayWithS1InRegion), at('node2', S2, stayWithS2InRegion)],
    nodes: [node('node1', china), node('node2', india), node('node3', az1)],
    want: [0, MAX, 0],
  },
  {
    name: 'Affinity symmetry with namespace selector',
    pod: incomingPod(S1, undefined, 'subteam1.team1'),
    pods: [at('node1', S1, affinityNamespaceSelector), at('node2', S2, stayWithS2InRegion)],
    nodes: [node('node1', china), node('node2', india), node('node3', az1)],
    want: [MAX, 0, 0],
  },
  {
    name: 'AntiAffinity symmetry with namespace selector',
    pod: incomingPod(S1, undefined, 'subteam1.team1'),
    pods: [at('node1', S1, antiAffinityNamespaceSelector), at('node2', S2, stayWithS2InRegion)],
    nodes: [node('node1', china), node('node2', india), node('node3', az1)],
    want: [0, MAX, MAX],
  },
  {
    name: 'Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry',
    pod: incomingPod(S1),
    pods: [at('node1', S1, hardAffinity), at('node2', S2, hardAffinity)],
    nodes: [node('node1', china), node('node2', india), node('node3', az1)],
    want: [MAX, MAX, 0],
  },
  {
    name: 'Anti Affinity: pod that does not match existing pods in node will get high score',
    pod: incomingPod(S1, awayFromS1InAz),
    pods: [at('node1', S1), at('node2', S2)],
    nodes: [node('node1', az1), node('node2', china)],
    want: [0, MAX],
  },
  {
    name: 'Anti Affinity: pod that does not match topology key & match the pods in nodes will get higher score comparing to others',
    pod: incomingPod(S1, awayFromS1InAz),
    pods: [at('node1', S1), at('node2', S1)],
    nodes: [node('node1', az1), node('node2', china)],
    want: [0, MAX],
  },
  {
    name: 'Anti Affinity: one node has more matching pods comparing to other node, so the node which has more unmatches will get high score',
    pod: incomingPod(S1, awayFromS1InAz),
    pods: [at('node1', S1), at('node1', S1), at('node2', S2)],
    nodes: [node('node1', az1), node('node2', india)],
    want: [0, MAX],
  },
  {
    name: 'Anti Affinity symmetry: the existing pods in node which has anti affinity match will get high score',
    pod: incomingPod(S2),
    pods: [at('node1', S1, awayFromS2InAz), at('node2', S2, awayFromS1InAz)],
    nodes: [node('node1', az1), node('node2', az2)],
    want: [0, MAX],
  },
  {
    name: 'Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity',
    pod: incomingPod(S1, stayWithS1InRegionAwayFromS2InAz),
    pods: [at('node1', S1), at('node2', S1)],
    nodes: [node('node1', china), node('node2', az1)],
    want: [MAX, 0],
  },
  {
    name: 'Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to schedule and existing pods have the same labels',
    pod: incomingPod(S1, stayWithS1InRegionAwayFromS2InAz),
    pods: [at('node1', S1), at('node1', S1), at('node2', S1), at('node3', S1), at('node3', S1), at('node4', S1), at('node5', S1)],
    nodes: [node('node1', { region: 'China', az: 'az1' }), node('node2', india), node('node3', china), node('node4', china), node('node5', india)],
    want: [MAX, 0, MAX, MAX, 0],
  },
  {
    name: 'Affinity and Anti Affinity and symmetry: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity & symmetry',
    pod: incomingPod(S1, stayWithS1InRegionAwayFromS2InAz),
    pods: [at('node1', S1), at('node2', S2), at('node3', undefined, stayWithS1InRegionAwayFromS2InAz), at('node4', undefined, awayFromS1InAz)],
    nodes: [node('node1', china), node('node2', az1), node('node3', india), node('node4', az2)],
    want: [MAX, 0, MAX, 0],
  },
  {
    name: "Avoid panic when partial nodes in a topology don't have pods with affinity",
    pod: incomingPod(S1),
    pods: [at('node1', S1), at('node2', undefined, stayWithS1InRegionAwayFromS2InAz)],
    nodes: [node('node1', china), node('node2', china)],
    want: [0, 0],
  },
  {
    name: 'Affinity with pods matching NamespaceSelector',
    pod: incomingPod(S1, affinityNamespaceSelector, 'subteam1.team1'),
    pods: [at('node1', S1, undefined, 'subteam1.team1'), at('node1', S1, undefined, 'subteam1.team1'), at('node1', S1, undefined, 'subteam1.team2'), at('node2', S1, undefined, 'subteam2.team1')],
    nodes: [node('node1', china), node('node2', india)],
    want: [MAX, 0],
  },
  {
    name: 'Affinity with pods matching both NamespaceSelector and Namespaces fields',
    pod: incomingPod(S1, affinityNamespaceSelector, 'subteam1.team1'),
    pods: [at('node1', S1, undefined, 'subteam1.team1'), at('node1', S1, undefined, 'subteam1.team1'), at('node1', S1, undefined, 'subteam2.team2'), at('node2', S1, undefined, 'subteam2.team1')],
    nodes: [node('node1', china), node('node2', india)],
    want: [MAX, 0],
  },
  {
    name: 'AntiAffinity with pods matching NamespaceSelector',
    pod: incomingPod(S1, antiAffinityNamespaceSelector, 'subteam1.team1'),
    pods: [at('node1', S1, undefined, 'subteam1.team1'), at('node1', S1, undefined, 'subteam1.team1'), at('node1', S1, undefined, 'subteam1.team2'), at('node2', S1, undefined, 'subteam2.team1')],
    nodes: [node('node1', china), node('node2', india)],
    want: [0, MAX],
  },
  {
    name: 'AntiAffinity with pods matching both NamespaceSelector and Namespaces fields',
    pod: incomingPod(S1, antiAffinityNamespaceSelector, 'subteam1.team1'),
    pods: [at('node1', S1, undefined, 'subteam1.team1'), at('node1', S1, undefined, 'subteam1.team1'), at('node1', S1, undefined, 'subteam2.team2'), at('node2', S1, undefined, 'subteam2.team1')],
    nodes: [node('node1', china), node('node2', india)],
    want: [0, MAX],
  },
  {
    name: 'Ignore preferred terms of existing pods',
    pod: incomingPod(S2),
    pods: [at('node1', S1, stayWithS1InRegionAwayFromS2InAz), at('node2', S2, stayWithS2InRegion)],
    nodes: [node('node1', china), node('node2', india)],
    want: 'skip',
    ignorePreferredTermsOfExistingPods: true,
  },
  {
    name: 'Do not ignore preferred terms of existing pods',
    pod: incomingPod(S2),
    pods: [at('node1', S1, stayWithS1InRegionAwayFromS2InAz), at('node2', S2, stayWithS2InRegion)],
    nodes: [node('node1', china), node('node2', india)],
    want: [0, MAX],
  },
  { name: 'No nodes to score', pod: incomingPod(S2), nodes: [], want: 'skip' },
];

describe('InterPodAffinity Score + NormalizeScore (upstream TestPreferredAffinity, hardPodAffinityWeight 1)', () => {
  it.each(scoreCases)('$name', async (c) => {
    const plugin = createInterPodAffinity({ hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: c.ignorePreferredTermsOfExistingPods });
    const all = snapshot(c.nodes, c.pods);
    const state = cycleState(all, { namespaces });
    const status = asStatus(await plugin.preScore(state, c.pod, all));
    if (c.want === 'skip') {
      expect(status.isSkip()).toBe(true);
      return;
    }
    expect(status.isSuccess()).toBe(true);
    const scores: NodeScore[] = [];
    for (const info of all) scores.push({ name: info.name, score: (await plugin.score(state, c.pod, info)) as number });
    await plugin.scoreExtensions!.normalizeScore(state, c.pod, scores);
    expect(scores.map((s) => s.score)).toEqual(c.want);
  });

  it('hardPodAffinityWeight 0 ignores existing pods\' required affinity in Score (upstream TestPreferredAffinityWithHardPodAffinitySymmetricWeight)', async () => {
    const plugin = createInterPodAffinity({ hardPodAffinityWeight: 0 });
    const all = snapshot([node('node1', china), node('node2', india)], [at('node1', S1, hardAffinity)]);
    const status = asStatus(await plugin.preScore(cycleState(all, { namespaces }), incomingPod(S1), all));
    expect(status.isSkip()).toBe(true);
  });

  it('rejects a hardPodAffinityWeight outside 0..100 with a clear message', () => {
    expect(() => createInterPodAffinity({ hardPodAffinityWeight: 101 })).toThrow(/hardPodAffinityWeight must be a whole number in 0\.\.100, got 101/);
  });
});
