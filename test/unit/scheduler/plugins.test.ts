import { describe, expect, it } from 'vitest';
import { CycleState } from '../../../controllers/scheduler/framework/cycle-state.js';
import { Code, Status } from '../../../controllers/scheduler/framework/status.js';
import { podRequests } from '../../../controllers/scheduler/framework/resources.js';
import { defaultNormalizeScore } from '../../../controllers/scheduler/framework/normalize.js';
import { NodeAffinity } from '../../../controllers/scheduler/plugins/node-affinity.js';
import { NodeName } from '../../../controllers/scheduler/plugins/node-name.js';
import { NodePorts } from '../../../controllers/scheduler/plugins/node-ports.js';
import { NodeUnschedulable } from '../../../controllers/scheduler/plugins/node-unschedulable.js';
import { createNodeResourcesFit, resourceAllocationScore } from '../../../controllers/scheduler/plugins/node-resources-fit.js';
import { balancedAllocationScore } from '../../../controllers/scheduler/plugins/balanced-allocation.js';
import { TaintToleration } from '../../../controllers/scheduler/plugins/taint-toleration.js';
import { makeContainer, makeNode, makePod, nodeInfo } from './fixtures.js';

const status = (s: Status | void | undefined) => ({ code: s?.code ?? Code.Success, reasons: [...(s?.reasons ?? [])] });

describe('NodeResourcesFit filter (cases from fit_test.go)', () => {
  const fit = createNodeResourcesFit();
  // node: 10 cpu (milli 10), 20 memory, 32 pods — upstream uses raw numbers, so do we.
  const node = makeNode('n', { allocatable: { cpu: '10m', memory: '20', pods: '32' } });
  const used = (cpu: string, memory: string) => makePod({ nodeName: 'n', requests: [{ cpu, memory }] });
  const cases: { name: string; pod: ReturnType<typeof makePod>; existing: ReturnType<typeof makePod>[]; want: { code: Code; reasons: string[] } }[] = [
    { name: 'no resources requested always fits', pod: makePod(), existing: [used('10m', '20')], want: { code: Code.Success, reasons: [] } },
    { name: 'too many resources fails', pod: makePod({ requests: [{ cpu: '1m', memory: '1' }] }), existing: [used('10m', '20')], want: { code: Code.Unschedulable, reasons: ['Insufficient cpu', 'Insufficient memory'] } },
    { name: 'fits', pod: makePod({ requests: [{ cpu: '1m', memory: '1' }] }), existing: [used('5m', '5')], want: { code: Code.Success, reasons: [] } },
    { name: 'equal edge case', pod: makePod({ requests: [{ cpu: '5m', memory: '1' }] }), existing: [used('5m', '19')], want: { code: Code.Success, reasons: [] } },
    { name: 'one resource memory fits', pod: makePod({ requests: [{ cpu: '2m', memory: '1' }] }), existing: [used('9m', '5')], want: { code: Code.Unschedulable, reasons: ['Insufficient cpu'] } },
    { name: 'one resource cpu fits', pod: makePod({ requests: [{ cpu: '1m', memory: '2' }] }), existing: [used('5m', '19')], want: { code: Code.Unschedulable, reasons: ['Insufficient memory'] } },
    { name: 'more than the node has at all is unresolvable', pod: makePod({ requests: [{ cpu: '11m', memory: '1' }] }), existing: [], want: { code: Code.UnschedulableAndUnresolvable, reasons: ['Insufficient cpu'] } },
    { name: 'extended resource', pod: makePod({ requests: [{ 'example.com/aaa': '1' }] }), existing: [], want: { code: Code.UnschedulableAndUnresolvable, reasons: ['Insufficient example.com/aaa'] } },
  ];
  it.each(cases)('$name', async ({ pod, existing, want }) => {
    const state = new CycleState();
    await fit.preFilter(state, pod, []);
    expect(status(await fit.filter(state, pod, nodeInfo(node, existing)))).toEqual(want);
  });

  it('init containers: the largest init container counts when bigger than the sum of containers', async () => {
    const pod = makePod({ requests: [{ cpu: '1m', memory: '1' }], spec: { initContainers: [makeContainer({ cpu: '3m', memory: '1' })] } });
    expect(podRequests(pod)).toEqual({ cpu: 3, memory: 1 });
    const state = new CycleState();
    expect(status(await fit.filter(state, pod, nodeInfo(node, [used('8m', '19')])))).toEqual({ code: Code.Unschedulable, reasons: ['Insufficient cpu'] });
    expect(status(await fit.filter(state, pod, nodeInfo(node, [used('7m', '19')])))).toEqual({ code: Code.Success, reasons: [] });
  });

  it('sidecars add to the containers and to later init containers', () => {
    const pod = makePod({
      requests: [{ cpu: '1m' }],
      spec: { initContainers: [makeContainer({ cpu: '2m' }, { restartPolicy: 'Always' }), makeContainer({ cpu: '2m' })] },
    });
    // running: 1 + 2 = 3; init phase: sidecar 2 + init 2 = 4
    expect(podRequests(pod).cpu).toBe(4);
  });

  it('Too many pods when the node is full', async () => {
    const small = makeNode('n', { allocatable: { cpu: '10m', memory: '20', pods: '1' } });
    const pod = makePod({ requests: [{ cpu: '1m', memory: '1' }] });
    expect(status(await fit.filter(new CycleState(), pod, nodeInfo(small, [used('0m', '0')])))).toEqual({ code: Code.Unschedulable, reasons: ['Too many pods'] });
  });

  it('assumed pods count like bound ones', async () => {
    const info = nodeInfo(node);
    info.addPod(used('10m', '0'), true);
    const pod = makePod({ requests: [{ cpu: '1m' }] });
    expect(status(await fit.filter(new CycleState(), pod, info)).reasons).toEqual(['Insufficient cpu']);
  });
});

describe('NodeResourcesFit scoring (least_allocated_test.go, most_allocated_test.go)', () => {
  const n = (name: string, cpu: string, memory: string) => makeNode(name, { allocatable: { cpu, memory } });
  const bound = (node: string, cpu: string, memory: string) => makePod({ nodeName: node, requests: [{ cpu, memory }] });
  const requested = makePod({ requests: [{ cpu: '1000', memory: '2000' }, { cpu: '2000', memory: '3000' }] });
  const cases = [
    { name: 'nothing scheduled, nothing requested', pod: makePod(), node: n('a', '4000', '10000'), pods: [], least: 100, most: 0 },
    { name: 'differently sized nodes, node1', pod: requested, node: n('a', '4000', '10000'), pods: [], least: 37, most: 62 },
    { name: 'differently sized nodes, node2', pod: requested, node: n('b', '6000', '10000'), pods: [], least: 50, most: 50 },
    { name: 'pods scheduled with resources, node1', pod: makePod(), node: n('a', '10000', '20000'), pods: [bound('a', '3000', '0'), bound('a', '3000', '0')], least: 70, most: 30 },
    { name: 'pods scheduled with resources, node2', pod: makePod(), node: n('b', '10000', '20000'), pods: [bound('b', '3000', '0'), bound('b', '3000', '5000')], least: 57, most: 42 },
    { name: 'requested exceeds capacity', pod: makePod({ requests: [{ cpu: '3000', memory: '0' }] }), node: n('a', '4000', '10000'), pods: [bound('a', '3000', '0')], least: 50, most: 50 },
    { name: 'zero node resources', pod: makePod(), node: makeNode('z'), pods: [bound('z', '3000', '0')], least: 0, most: 0 },
  ];
  it.each(cases)('$name', ({ pod, node, pods, least, most }) => {
    const resources = [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }];
    expect(resourceAllocationScore(pod, nodeInfo(node, pods), 'LeastAllocated', resources)).toBe(least);
    expect(resourceAllocationScore(pod, nodeInfo(node, pods), 'MostAllocated', resources)).toBe(most);
  });

  it('honours resource weights: (25×1 + 50×2) / 3 = 41', () => {
    const resources = [{ name: 'memory', weight: 2 }, { name: 'cpu', weight: 1 }];
    expect(resourceAllocationScore(requested, nodeInfo(n('a', '4000', '10000')), 'LeastAllocated', resources)).toBe(41);
  });

  it('missing requests count as 100m cpu / 200Mi memory', () => {
    const pod = makePod({ requests: [{}] });
    const node = makeNode('a', { allocatable: { cpu: '1', memory: '1000Mi' } });
    // cpu: (1000-100)*100/1000 = 90; memory: (1000-200)*100/1000 = 80 → 85
    expect(resourceAllocationScore(pod, nodeInfo(node), 'LeastAllocated', [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }])).toBe(85);
  });

  it('rejects invalid weights', () => {
    expect(() => createNodeResourcesFit({ scoringStrategy: { resources: [{ name: 'cpu', weight: 0 }] } })).toThrow(/1\.\.100/);
    expect(() => createNodeResourcesFit({ scoringStrategy: { resources: [{ name: 'cpu', weight: 101 }] } })).toThrow(/1\.\.100/);
  });
});

describe('NodeResourcesBalancedAllocation (balanced_allocation_test.go)', () => {
  it.each([
    // cpu 3000/4000 = 0.75, mem 5000/10000 = 0.5 → std 0.125 → 87
    { cpu: '4000', memory: '10000', want: 87 },
    // cpu 3000/6000 = 0.5, mem 0.5 → 100
    { cpu: '6000', memory: '10000', want: 100 },
  ])('node cpu=$cpu memory=$memory → $want', ({ cpu, memory, want }) => {
    const pod = makePod({ requests: [{ cpu: '1000', memory: '2000' }, { cpu: '2000', memory: '3000' }] });
    expect(balancedAllocationScore(pod, nodeInfo(makeNode('n', { allocatable: { cpu, memory } })))).toBe(want);
  });

  it('caps fractions at 1 when requests exceed allocatable', () => {
    const pod = makePod({ requests: [{ cpu: '5000', memory: '5000' }] });
    // cpu 1 (capped), memory 0.5 → std .25 → 75
    expect(balancedAllocationScore(pod, nodeInfo(makeNode('n', { allocatable: { cpu: '4000', memory: '10000' } })))).toBe(75);
  });
});

describe('TaintToleration (tainttoleration_test.go)', () => {
  const cp = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
  const cases = [
    { name: 'untolerated NoSchedule taint', taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], tolerations: [], want: { code: Code.UnschedulableAndUnresolvable, reasons: ['node(s) had untolerated taint(s)'] } },
    { name: 'control-plane taint, empty value', taints: [cp], tolerations: [], want: { code: Code.UnschedulableAndUnresolvable, reasons: ['node(s) had untolerated taint(s)'] } },
    { name: 'tolerated by Equal', taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], tolerations: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], want: { code: Code.Success, reasons: [] } },
    { name: 'toleration value differs', taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }], want: { code: Code.UnschedulableAndUnresolvable, reasons: ['node(s) had untolerated taint(s)'] } },
    { name: 'Exists tolerates any value', taints: [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }], tolerations: [{ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }], want: { code: Code.Success, reasons: [] } },
    { name: 'empty key with Exists tolerates everything', taints: [cp, { key: 'x', effect: 'NoExecute' }], tolerations: [{ operator: 'Exists' }], want: { code: Code.Success, reasons: [] } },
    { name: 'PreferNoSchedule is not filtered', taints: [{ key: 'foo', value: 'bar', effect: 'PreferNoSchedule' }], tolerations: [], want: { code: Code.Success, reasons: [] } },
    { name: 'effect mismatch does not tolerate', taints: [{ key: 'foo', value: 'bar', effect: 'NoExecute' }], tolerations: [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }], want: { code: Code.UnschedulableAndUnresolvable, reasons: ['node(s) had untolerated taint(s)'] } },
  ];
  it.each(cases)('$name', async ({ taints, tolerations, want }) => {
    const pod = makePod({ tolerations });
    expect(status(await TaintToleration.filter(new CycleState(), pod, nodeInfo(makeNode('n', { taints }))))).toEqual(want);
  });

  it('scores fewer intolerable PreferNoSchedule taints higher (normalised, reversed)', async () => {
    const pod = makePod({ tolerations: [{ key: 'cpu-type', operator: 'Equal', value: 'arm64', effect: 'PreferNoSchedule' }] });
    const nodes = [
      makeNode('nodeA', { taints: [{ key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' }] }),
      makeNode('nodeB', { taints: [{ key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' }, { key: 'disk', value: 'ssd', effect: 'PreferNoSchedule' }] }),
      makeNode('nodeC', { taints: [{ key: 'a', value: 'x', effect: 'PreferNoSchedule' }, { key: 'b', value: 'y', effect: 'PreferNoSchedule' }] }),
    ];
    const scores = [];
    for (const node of nodes) scores.push({ name: node.metadata!.name!, score: (await TaintToleration.score(new CycleState(), pod, nodeInfo(node))) as number });
    expect(scores.map((s) => s.score)).toEqual([0, 1, 2]);
    await TaintToleration.scoreExtensions!.normalizeScore(new CycleState(), pod, scores);
    expect(scores.map((s) => s.score)).toEqual([100, 50, 0]);
  });
});

describe('defaultNormalizeScore', () => {
  it.each([
    { scores: [0, 0], reverse: true, want: [100, 100] },
    { scores: [0, 0], reverse: false, want: [0, 0] },
    { scores: [1, 2, 3], reverse: false, want: [33, 66, 100] },
    { scores: [1, 2, 3], reverse: true, want: [67, 34, 0] },
  ])('$scores reverse=$reverse → $want', ({ scores, reverse, want }) => {
    const list = scores.map((score, i) => ({ name: String(i), score }));
    defaultNormalizeScore(list, reverse);
    expect(list.map((s) => s.score)).toEqual(want);
  });
});

describe('NodeAffinity (nodeaffinity_test.go)', () => {
  const ERR = ["node(s) didn't match Pod's node affinity/selector"];
  const req = (key: string, operator: string, values?: string[]) => ({ key, operator, values });
  const withTerms = (...terms: object[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
  const cases = [
    { name: 'no selector matches', spec: {}, labels: { foo: 'bar' }, ok: true },
    { name: 'nodeSelector mismatch', spec: { nodeSelector: { foo: 'bar' } }, labels: { baz: 'blah' }, ok: false },
    { name: 'nodeSelector match', spec: { nodeSelector: { foo: 'bar' } }, labels: { foo: 'bar' }, ok: true },
    { name: 'In', spec: withTerms({ matchExpressions: [req('foo', 'In', ['value1', 'bar'])] }), labels: { foo: 'bar' }, ok: true },
    { name: 'In mismatch', spec: withTerms({ matchExpressions: [req('foo', 'In', ['value1'])] }), labels: { foo: 'bar' }, ok: false },
    { name: 'NotIn with missing label', spec: withTerms({ matchExpressions: [req('foo', 'NotIn', ['bar'])] }), labels: {}, ok: true },
    { name: 'NotIn with value', spec: withTerms({ matchExpressions: [req('foo', 'NotIn', ['bar'])] }), labels: { foo: 'bar' }, ok: false },
    { name: 'Gt', spec: withTerms({ matchExpressions: [req('kernel-version', 'Gt', ['0204'])] }), labels: { 'kernel-version': '0206' }, ok: true },
    { name: 'Gt not greater', spec: withTerms({ matchExpressions: [req('kernel-version', 'Gt', ['0206'])] }), labels: { 'kernel-version': '0206' }, ok: false },
    { name: 'Lt', spec: withTerms({ matchExpressions: [req('mem-type', 'Lt', ['5'])] }), labels: { 'mem-type': '3' }, ok: true },
    { name: 'Gt non-integer label', spec: withTerms({ matchExpressions: [req('v', 'Gt', ['1'])] }), labels: { v: 'abc' }, ok: false },
    { name: 'Gt past 2^53 (int64, exact)', spec: withTerms({ matchExpressions: [req('v', 'Gt', ['3546343826724305832'])] }), labels: { v: '3546343826724305833' }, ok: true },
    { name: 'Lt past 2^53 (int64, exact)', spec: withTerms({ matchExpressions: [req('v', 'Lt', ['3546343826724305832'])] }), labels: { v: '3546343826724305833' }, ok: false },
    { name: 'Gt label out of int64 range', spec: withTerms({ matchExpressions: [req('v', 'Gt', ['1'])] }), labels: { v: '9223372036854775808' }, ok: false },
    { name: 'Exists', spec: withTerms({ matchExpressions: [req('GPU', 'Exists')] }), labels: { GPU: 'NVIDIA-GRID-K1' }, ok: true },
    { name: 'DoesNotExist', spec: withTerms({ matchExpressions: [req('GPU', 'DoesNotExist')] }), labels: { GPU: 'x' }, ok: false },
    { name: 'expressions ANDed', spec: withTerms({ matchExpressions: [req('GPU', 'Exists'), req('GPU', 'NotIn', ['AMD', 'INTER'])] }), labels: { GPU: 'AMD' }, ok: false },
    { name: 'terms ORed', spec: withTerms({ matchExpressions: [req('foo', 'In', ['x'])] }, { matchExpressions: [req('diffkey', 'In', ['wrong', 'value2'])] }), labels: { diffkey: 'value2' }, ok: true },
    { name: 'empty term matches nothing', spec: withTerms({}), labels: { foo: 'bar' }, ok: false },
    { name: 'empty term list matches nothing', spec: withTerms(), labels: { foo: 'bar' }, ok: false },
    { name: 'matchFields metadata.name', spec: withTerms({ matchFields: [req('metadata.name', 'In', ['node1'])] }), labels: {}, ok: true },
    { name: 'matchFields other name', spec: withTerms({ matchFields: [req('metadata.name', 'In', ['node2'])] }), labels: {}, ok: false },
    { name: 'nodeSelector and affinity both needed', spec: { nodeSelector: { foo: 'bar' }, ...withTerms({ matchExpressions: [req('GPU', 'Exists')] }) }, labels: { foo: 'bar' }, ok: false },
  ];
  it.each(cases)('$name', async ({ spec, labels, ok }) => {
    const pod = makePod({ spec: spec as never });
    const got = status(await NodeAffinity.filter(new CycleState(), pod, nodeInfo(makeNode('node1', { labels: labels as Record<string, string> }))));
    expect(got).toEqual(ok ? { code: Code.Success, reasons: [] } : { code: Code.UnschedulableAndUnresolvable, reasons: ERR });
  });

  it('PreFilter skips pods without selectors and narrows pinned node names', async () => {
    const plain = await NodeAffinity.preFilter(new CycleState(), makePod(), []);
    expect((plain as { status: Status }).status.code).toBe(Code.Skip);
    const pinned = await NodeAffinity.preFilter(new CycleState(), makePod({ spec: withTerms({ matchFields: [req('metadata.name', 'In', ['a', 'b'])] }) as never }), []);
    expect([...((pinned as { nodeNames: Iterable<string> }).nodeNames)]).toEqual(['a', 'b']);
  });

  it('scores preferred terms by weight, normalised', async () => {
    const pod = makePod({
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 2, preference: { matchExpressions: [req('foo', 'In', ['bar'])] } },
              { weight: 4, preference: { matchExpressions: [req('key', 'In', ['value'])] } },
            ],
          },
        },
      },
    });
    const scores = [];
    for (const [name, labels] of [['n1', { foo: 'bar' }], ['n2', { key: 'value' }], ['n3', { foo: 'bar', key: 'value' }], ['n4', {}]] as const) {
      scores.push({ name, score: (await NodeAffinity.score(new CycleState(), pod, nodeInfo(makeNode(name, { labels })))) as number });
    }
    expect(scores.map((s) => s.score)).toEqual([2, 4, 6, 0]);
    await NodeAffinity.scoreExtensions!.normalizeScore(new CycleState(), pod, scores);
    expect(scores.map((s) => s.score)).toEqual([33, 66, 100, 0]);
  });
});

describe('NodePorts (nodeports_test.go)', () => {
  const portPod = (ports: { hostIP?: string; protocol?: string; hostPort: number }[], nodeName?: string) =>
    makePod({ nodeName, spec: { containers: [makeContainer(undefined, { ports: ports.map((p) => ({ containerPort: p.hostPort, ...p })) })] } });
  const ERR = ["node(s) didn't have free ports for the requested pod ports"];
  const cases = [
    { name: 'nothing running', want: [{ hostPort: 8080 }], used: [], ok: true },
    { name: 'other port', want: [{ hostIP: '127.0.0.1', hostPort: 8080 }], used: [{ hostIP: '127.0.0.1', hostPort: 9090 }], ok: true },
    { name: 'same udp port', want: [{ hostIP: '127.0.0.1', protocol: 'UDP', hostPort: 8080 }], used: [{ hostIP: '127.0.0.1', protocol: 'UDP', hostPort: 8080 }], ok: false },
    { name: 'same tcp port', want: [{ hostIP: '127.0.0.1', hostPort: 8080 }], used: [{ hostIP: '127.0.0.1', hostPort: 8080 }], ok: false },
    { name: 'different host ip', want: [{ hostIP: '127.0.0.1', hostPort: 8080 }], used: [{ hostIP: '127.0.0.2', hostPort: 8080 }], ok: true },
    { name: 'different protocol', want: [{ hostIP: '127.0.0.1', protocol: 'UDP', hostPort: 8080 }], used: [{ hostIP: '127.0.0.1', hostPort: 8080 }], ok: true },
    { name: 'second udp port conflict', want: [{ hostIP: '127.0.0.1', hostPort: 8000 }, { hostIP: '127.0.0.1', protocol: 'UDP', hostPort: 8080 }], used: [{ hostIP: '127.0.0.1', protocol: 'UDP', hostPort: 8080 }], ok: false },
    { name: 'first tcp port conflict due to 0.0.0.0 hostIP', want: [{ hostIP: '0.0.0.0', hostPort: 8001 }], used: [{ hostIP: '127.0.0.1', hostPort: 8001 }], ok: false },
    { name: 'existing 0.0.0.0 blocks specific ip', want: [{ hostIP: '127.0.0.1', hostPort: 8001 }], used: [{ hostIP: '0.0.0.0', hostPort: 8001 }], ok: false },
  ];
  it.each(cases)('$name', async ({ want, used, ok }) => {
    const pod = portPod(want);
    const state = new CycleState();
    await NodePorts.preFilter(state, pod, []);
    const got = status(await NodePorts.filter(state, pod, nodeInfo(makeNode('n'), [portPod(used, 'n')])));
    expect(got).toEqual(ok ? { code: Code.Success, reasons: [] } : { code: Code.Unschedulable, reasons: ERR });
  });

  it('PreFilter skips pods without host ports', async () => {
    const result = await NodePorts.preFilter(new CycleState(), makePod({ requests: [{}] }), []);
    expect((result as { status: Status }).status.code).toBe(Code.Skip);
  });
});

describe('NodeUnschedulable and NodeName', () => {
  it.each([
    { unschedulable: false, tolerations: [], ok: true },
    { unschedulable: true, tolerations: [], ok: false },
    { unschedulable: true, tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }], ok: true },
  ])('cordoned=$unschedulable', async ({ unschedulable, tolerations, ok }) => {
    const got = status(await NodeUnschedulable.filter(new CycleState(), makePod({ tolerations }), nodeInfo(makeNode('n', { unschedulable }))));
    expect(got).toEqual(ok ? { code: Code.Success, reasons: [] } : { code: Code.UnschedulableAndUnresolvable, reasons: ['node(s) were unschedulable'] });
  });

  it.each([
    { nodeName: undefined, ok: true },
    { nodeName: 'n', ok: true },
    { nodeName: 'other', ok: false },
  ])('spec.nodeName=$nodeName', async ({ nodeName, ok }) => {
    const got = status(await NodeName.filter(new CycleState(), makePod({ nodeName }), nodeInfo(makeNode('n'))));
    expect(got.code).toBe(ok ? Code.Success : Code.UnschedulableAndUnresolvable);
  });
});
