import { describe, expect, it } from 'vitest';
import { checkSchema, evaluateCheck } from '../../../lab/exercises/checks/index.js';
import { describeLayout } from '../../../lab/exercises/checks/pod-spread.js';
import type { KubeObject } from '../../../lab/exercises/snapshot.js';
import { entry, NS, pod, snapshot } from './fixtures.js';

const run = (spec: Record<string, unknown>, snap: ReturnType<typeof snapshot>) => evaluateCheck(checkSchema.parse(spec), snap);

const deployment: KubeObject = {
  kind: 'Deployment',
  metadata: { name: 'web', namespace: NS, uid: 'd1', annotations: { 'deployment.kubernetes.io/revision': '2' } },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'lab.local/web:1.0' }] } } },
  status: { readyReplicas: 2 },
};
const rs = (name: string, revision: string, owner = { kind: 'Deployment', name: 'web', uid: 'd1' }): KubeObject => ({
  kind: 'ReplicaSet',
  metadata: { name, namespace: NS, uid: `uid-${name}`, annotations: { 'deployment.kubernetes.io/revision': revision }, ownerReferences: [{ ...owner, controller: true }] },
});

describe('objectCount', () => {
  const spec = { kind: 'objectCount', resource: 'Pod', selector: 'app=web', equals: 2 };
  it('passes with two matching pods, ignoring a terminating one and other labels', () => {
    const r = run(spec, snapshot({ Pod: [pod('web-1'), pod('web-2'), pod('web-3', { terminating: true }), pod('db-1', { labels: { app: 'db' } })] }));
    expect(r).toEqual({ pass: true, expected: 'exactly 2 Pod (selector app=web)', saw: '2 Pod (selector app=web): web-1, web-2' });
  });
  it('fails and names what it counted', () => {
    const r = run(spec, snapshot({ Pod: [pod('web-1')] }));
    expect(r.pass).toBe(false);
    expect(r.saw).toBe('1 Pod (selector app=web): web-1');
  });
  it('counts terminating objects when asked', () => {
    expect(run({ ...spec, includeTerminating: true, equals: 0 }, snapshot({ Pod: [pod('web-1', { terminating: true })] })).pass).toBe(false);
  });
});

describe('podsRunning', () => {
  const spec = { kind: 'podsRunning', selector: 'app=web', equals: 2 };
  it('passes when two are running and ready', () => {
    expect(run(spec, snapshot({ Pod: [pod('web-1'), pod('web-2')] })).pass).toBe(true);
  });
  it('fails on a pending and a not-ready pod, naming them', () => {
    const r = run(spec, snapshot({ Pod: [pod('web-1'), pod('web-2', { phase: 'Pending' }), pod('web-3', { ready: false })] }));
    expect(r.pass).toBe(false);
    expect(r.saw).toBe('1 running and ready: web-1; others: web-2 (Pending), web-3 (Running, not ready)');
  });
  it('with ready: false, a running but unready pod counts', () => {
    expect(run({ ...spec, ready: false, equals: 1 }, snapshot({ Pod: [pod('web-3', { ready: false })] })).pass).toBe(true);
  });
});

describe('ownerChain', () => {
  const spec = { kind: 'ownerChain', deployment: 'web', minPods: 2 };
  const chain = { Deployment: [deployment], ReplicaSet: [rs('web-abc', '1')] };
  const owned = (name: string) => pod(name, { owner: { kind: 'ReplicaSet', name: 'web-abc', uid: 'uid-web-abc' } });
  it('passes when every pod leads to the Deployment', () => {
    const r = run(spec, snapshot({ ...chain, Pod: [owned('web-abc-1'), owned('web-abc-2')] }));
    expect(r.pass).toBe(true);
    expect(r.saw).toContain('web-abc-1 → web-abc → web');
  });
  it('fails on an orphan pod', () => {
    const r = run(spec, snapshot({ ...chain, Pod: [owned('web-abc-1'), owned('web-abc-2'), pod('web-abc-3')] }));
    expect(r.pass).toBe(false);
    expect(r.saw).toContain('web-abc-3 has no controller ownerReference (an orphan)');
  });
  it('fails when the ReplicaSet is not controlled by the Deployment', () => {
    const r = run(spec, snapshot({ Deployment: [deployment], ReplicaSet: [rs('web-abc', '1', { kind: 'Deployment', name: 'web', uid: 'other' })], Pod: [owned('web-abc-1')] }));
    expect(r.pass).toBe(false);
    expect(r.saw).toContain('web-abc-1 → web-abc, which is not controlled by Deployment web');
  });
  it('fails without the Deployment', () => {
    expect(run(spec, snapshot({})).saw).toBe('no Deployment web');
  });
});

describe('revision', () => {
  const spec = { kind: 'revision', deployment: 'web', revision: { equals: 2 }, historyLength: { equals: 2 }, image: 'lab.local/web:1.0' };
  it('passes at revision 2 with two ReplicaSets', () => {
    expect(run(spec, snapshot({ Deployment: [deployment], ReplicaSet: [rs('web-a', '1'), rs('web-b', '2')] })).pass).toBe(true);
  });
  it('fails with one ReplicaSet, saying what it saw', () => {
    const r = run(spec, snapshot({ Deployment: [deployment], ReplicaSet: [rs('web-b', '2')] }));
    expect(r.pass).toBe(false);
    expect(r.saw).toBe('revision 2, 1 ReplicaSet(s) in history (web-b@2), image lab.local/web:1.0');
  });
  it('reads revisions as int64: exact past 2^53, unparsable outside it or with junk', () => {
    const huge = { ...deployment, metadata: { ...deployment.metadata, annotations: { 'deployment.kubernetes.io/revision': '9007199254740993' } } };
    const history = [rs('web-a', '9007199254740992'), rs('web-b', '9223372036854775808'), rs('web-c', '2.0')];
    const atLeast = (min: number) => run({ kind: 'revision', deployment: 'web', revision: { min } }, snapshot({ Deployment: [huge], ReplicaSet: history }));
    expect(atLeast(Number.MAX_SAFE_INTEGER).pass).toBe(true); // bounds are safe integers (zod)
    expect(run({ kind: 'revision', deployment: 'web', revision: { max: Number.MAX_SAFE_INTEGER } }, snapshot({ Deployment: [huge] })).pass).toBe(false);
    expect(atLeast(1).saw).toBe('revision 9007199254740993, 3 ReplicaSet(s) in history (web-a@9007199254740992, web-b@?, web-c@?), image lab.local/web:1.0');
  });
});

describe('traceCount', () => {
  const spec = { kind: 'traceCount', match: { tap: 'audit', actor: 'replicaset-controller', verb: 'create', objectKind: 'Pod', subresource: '' }, distinctObjects: true, equals: 3 };
  const creates = ['web-1', 'web-2', 'web-3'].map((name, i) => entry({ tap: 'audit', actor: 'replicaset-controller', verb: 'create', name, tMs: i * 100 }));
  it('passes on three creates, ignoring bindings, failures, other taps and namespaces', () => {
    const noise = [
      entry({ tap: 'audit', actor: 'replicaset-controller', verb: 'create', name: 'web-1', details: { subresource: 'binding' } }),
      entry({ tap: 'audit', actor: 'replicaset-controller', verb: 'create', name: 'web-4', details: { code: 409 } }),
      entry({ tap: 'write', actor: 'replicaset-controller', verb: 'create', name: 'web-5' }),
      { ...entry({ tap: 'audit', actor: 'replicaset-controller', verb: 'create', name: 'web-6' }), object: { kind: 'Pod', namespace: 'other', name: 'web-6' } },
    ];
    expect(run(spec, snapshot({}, [...creates, ...noise])).pass).toBe(true);
  });
  it('fails on four creates and lists them', () => {
    const r = run(spec, snapshot({}, [...creates, entry({ tap: 'audit', actor: 'replicaset-controller', verb: 'create', name: 'web-4' })]));
    expect(r.pass).toBe(false);
    expect(r.saw).toMatch(/^4 distinct objects: web-1, web-2, web-3, web-4/);
  });
  it('fails clearly without a trace', () => {
    const r = run(spec, snapshot({}, [], false));
    expect(r.pass).toBe(false);
    expect(r.saw).toMatch(/no session trace was found/);
  });
  it('matches actor wildcards and details regexes', () => {
    const gc = entry({ tap: 'audit', actor: 'user', verb: 'delete', details: { user: 'system:serviceaccount:kube-system:generic-garbage-collector' } });
    expect(run({ kind: 'traceCount', match: { details: { user: 'generic-garbage-collector' } }, equals: 1 }, snapshot({}, [gc])).pass).toBe(true);
    const kubelet = entry({ tap: 'kubelet', actor: 'kubelet@lab-worker', verb: 'Started' });
    expect(run({ kind: 'traceCount', match: { actor: 'kubelet@*' }, equals: 1 }, snapshot({}, [kubelet])).pass).toBe(true);
    expect(run({ kind: 'traceCount', match: { actor: 'containerd@*' }, min: 1 }, snapshot({}, [kubelet])).pass).toBe(false);
  });
});

describe('traceMaxConcurrent', () => {
  const spec = { kind: 'traceMaxConcurrent', namePrefix: 'web-', max: 5, minPeak: 5, minReplaced: 4 };
  const create = (name: string, tMs: number) => entry({ tap: 'audit', actor: 'replicaset-controller', verb: 'create', name, tMs });
  const del = (name: string, tMs: number) => entry({ tap: 'audit', actor: 'replicaset-controller', verb: 'delete', name, tMs });
  // 4 old pods, then surge one new, delete one old, ... (maxSurge 1, maxUnavailable 0).
  const rollout = [
    ...['old-1', 'old-2', 'old-3', 'old-4'].map((n) => create(`web-${n}`, 0)),
    create('web-new-1', 1000), del('web-old-1', 2000),
    create('web-new-2', 2000), del('web-old-2', 3000),
    create('web-new-3', 3000), del('web-old-3', 4000),
    create('web-new-4', 4000), del('web-old-4', 5000),
  ];
  it('passes a rollout that surges by one', () => {
    const r = run(spec, snapshot({}, rollout));
    expect(r.pass).toBe(true);
    expect(r.saw).toMatch(/^peak of 5 at t=1\.0s/);
  });
  it('fails when a sixth pod appears before an old one goes', () => {
    const r = run(spec, snapshot({}, [...rollout, create('web-extra', 1500)]));
    expect(r.pass).toBe(false);
    expect(r.saw).toMatch(/^peak of 6 at t=1\.5s \(web-extra, web-new-1, web-old-1, web-old-2, web-old-3, web-old-4\)/);
  });
  it('uses the earliest sign of a pod from any tap, and counts it once', () => {
    const dup = [entry({ tap: 'etcd', actor: 'etcd', verb: 'PUT', name: 'web-a', tMs: 10 }), entry({ tap: 'informer', actor: 'scheduler', verb: 'ADDED', name: 'web-a', tMs: 20 })];
    const r = run({ kind: 'traceMaxConcurrent', namePrefix: 'web-', max: 1 }, snapshot({}, dup));
    expect(r.pass).toBe(true);
  });
  it('fails on an empty trace', () => {
    expect(run(spec, snapshot({}, [])).saw).toBe('no pods web-* in the trace');
  });
});

describe('boundOnceBy', () => {
  const spec = { kind: 'boundOnceBy', scheduler: 'lab-scheduler', selector: 'app=web', minPods: 2 };
  const pods = [pod('web-1', { node: 'lab-worker' }), pod('web-2', { node: 'lab-worker2' })];
  const bind = (name: string, actor: 'scheduler' | 'default-scheduler', tap: 'write' | 'audit' = 'write') =>
    tap === 'write'
      ? entry({ tap, actor, verb: 'bind', name, details: { subresource: 'binding', node: 'lab-worker' } })
      : entry({ tap, actor, verb: 'create', name, details: { subresource: 'binding', code: 201 } });
  it('passes when each pod has one binding seen by two taps', () => {
    const r = run(spec, snapshot({ Pod: pods }, [bind('web-1', 'scheduler'), bind('web-1', 'scheduler', 'audit'), bind('web-2', 'scheduler')]));
    expect(r.pass).toBe(true);
  });
  it('fails on a pod bound by another scheduler', () => {
    const r = run(spec, snapshot({ Pod: pods }, [bind('web-1', 'scheduler'), bind('web-2', 'default-scheduler')]));
    expect(r.pass).toBe(false);
    expect(r.saw).toContain('web-2 was bound by default-scheduler');
  });
  it('fails on a pod bound twice and on one placed without a binding', () => {
    const r = run(spec, snapshot({ Pod: pods }, [bind('web-1', 'scheduler'), bind('web-1', 'scheduler')]));
    expect(r.saw).toContain('web-1 was bound 2 times');
    expect(r.saw).toContain('web-2 is on lab-worker2 but no binding is in the trace');
  });
  it('fails with no pods at all', () => {
    expect(run(spec, snapshot({}, [])).saw).toContain('only 0 pod(s) to look at');
  });
});

describe('containerRestarted', () => {
  const spec = { kind: 'containerRestarted', container: 'web', namePrefix: 'web-' };
  const ev = (verb: string, id: string, tMs: number) => entry({ tap: 'containerd', actor: 'containerd@lab-worker', verb, name: 'web-1', tMs, details: { container: 'web', containerId: id } });
  it('passes when a new container starts after the exit', () => {
    const r = run(spec, snapshot({}, [ev('/tasks/start', 'aaa', 0), ev('/tasks/exit', 'aaa', 5000), ev('/tasks/start', 'bbb', 6000)]));
    expect(r.pass).toBe(true);
    expect(r.saw).toBe('web-1/web: aaa exited at t=5.0s (status ?), bbb started at t=6.0s');
  });
  it('fails when nothing started after the exit', () => {
    const r = run(spec, snapshot({}, [ev('/tasks/start', 'aaa', 0), ev('/tasks/exit', 'aaa', 5000)]));
    expect(r.pass).toBe(false);
    expect(r.saw).toBe('web-1/web: aaa exited at t=5.0s, no new container started after it');
  });
  it('fails when the container never exited', () => {
    expect(run(spec, snapshot({}, [ev('/tasks/start', 'aaa', 0)])).saw).toBe('web-1/web: started, never exited');
  });
  it('a start before the exit does not count', () => {
    expect(run(spec, snapshot({}, [ev('/tasks/start', 'bbb', 0), ev('/tasks/exit', 'aaa', 5000)])).pass).toBe(false);
  });
});

describe('eventSeen', () => {
  const event = (reason: string, message: string, name = 'web-1'): KubeObject => ({ kind: 'Event', metadata: { name: `${name}.1` }, reason, message, type: 'Warning', involvedObject: { kind: 'Pod', name } });
  const spec = { kind: 'eventSeen', reason: 'FailedScheduling', message: '^0/3 nodes', involvedKind: 'Pod', involvedNamePrefix: 'web-' };
  it('passes on a matching event', () => {
    expect(run(spec, snapshot({ Event: [event('FailedScheduling', '0/3 nodes are available: 3 node(s) had untolerated taint')] })).pass).toBe(true);
  });
  it('fails and shows the events on the object', () => {
    const r = run(spec, snapshot({ Event: [event('Scheduled', 'Successfully assigned ex-test/web-1 to lab-worker')] }));
    expect(r.pass).toBe(false);
    expect(r.saw).toBe('0 matching (other events: Scheduled on Pod/web-1: "Successfully assigned ex-test/web-1 to lab-worker")');
  });
});

describe('podScheduledFalse', () => {
  const spec = { kind: 'podScheduledFalse', selector: 'app=web', message: 'nodes are available' };
  it('passes on an Unschedulable pod', () => {
    const p = pod('web-1', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] });
    expect(run(spec, snapshot({ Pod: [p] })).pass).toBe(true);
  });
  it('fails on a scheduled pod and shows its condition', () => {
    const p = pod('web-1', { conditions: [{ type: 'PodScheduled', status: 'True' }] });
    const r = run(spec, snapshot({ Pod: [p] }));
    expect(r.pass).toBe(false);
    expect(r.saw).toBe('web-1: PodScheduled=True');
  });
});

describe('nodeOfPod', () => {
  const nodes: KubeObject[] = [
    { kind: 'Node', metadata: { name: 'lab-worker', labels: { zone: 'b' } }, spec: {} },
    { kind: 'Node', metadata: { name: 'lab-worker2', labels: { zone: 'a' } }, spec: { taints: [{ key: 'maint', effect: 'NoSchedule' }] } },
  ];
  const spec = { kind: 'nodeOfPod', selector: 'app=web', nodeLabels: { zone: 'a' }, nodeTaints: ['maint'] };
  it('passes when the pod is on the right node', () => {
    expect(run(spec, snapshot({ Node: nodes, Pod: [pod('web-1', { node: 'lab-worker2' })] })).pass).toBe(true);
  });
  it('fails and says what is wrong with the node', () => {
    const r = run(spec, snapshot({ Node: nodes, Pod: [pod('web-1', { node: 'lab-worker2' }), pod('web-2', { node: 'lab-worker' }), pod('web-3')] }));
    expect(r.pass).toBe(false);
    expect(r.saw).toBe('web-1 on lab-worker2 (ok); web-2 on lab-worker (label zone=b, not a, no taint maint); web-3 on - (not bound to a node)');
  });
});

describe('podSpread', () => {
  const node = (name: string, zone?: string): KubeObject => ({ kind: 'Node', metadata: { name, ...(zone ? { labels: { zone } } : {}) }, spec: {} });
  const nodes = [node('w1', 'a'), node('w2', 'b'), node('w3', 'b'), node('cp')];
  const spec = { kind: 'podSpread', selector: 'app=web', topologyKey: 'zone', maxSkew: 1, minDomains: 2, minPods: 4 };
  const on = (...where: string[]) => where.map((n, i) => pod(`web-${i}`, { node: n }));
  it.each([
    ['2/2 over two zones', on('w1', 'w1', 'w2', 'w3'), true, 'a: 2, b: 2 (2 used, skew 0)'],
    ['3/1 is skew 2', on('w1', 'w1', 'w1', 'w2'), false, 'a: 3, b: 1 (2 used, skew 2)'],
    ['all in one zone: the empty zone counts 0', on('w2', 'w3', 'w2', 'w3'), false, 'a: 0, b: 4 (1 used, skew 4)'],
    ['a pod on a node without the label is not spread', on('w1', 'w2', 'w1', 'cp'), false, 'a: 2, b: 1 (2 used, skew 1); not on a labelled node: web-3'],
    ['a pod not bound yet', [...on('w1', 'w2', 'w1'), pod('web-9')], false, 'a: 2, b: 1 (2 used, skew 1); not on a labelled node: web-9'],
    ['too few pods', on('w1', 'w2'), false, 'a: 1, b: 1 (2 used, skew 0)'],
  ])('%s', (_label, pods, pass, saw) => {
    const r = run(spec, snapshot({ Node: nodes, Pod: pods }));
    expect(r.saw).toBe(saw);
    expect(r.pass).toBe(pass);
  });
  it('no node with the label: fails and says so', () => {
    const r = run(spec, snapshot({ Node: [node('cp')], Pod: on('cp', 'cp', 'cp', 'cp') }));
    expect(r).toMatchObject({ pass: false, saw: 'no node has the label zone' });
  });
  it('maxDomains: packed onto few domains passes, spread over more fails; maxSkew may be left out', () => {
    const packed = { kind: 'podSpread', selector: 'app=web', topologyKey: 'zone', minPods: 4, maxDomains: 1 };
    expect(run(packed, snapshot({ Node: nodes, Pod: on('w2', 'w3', 'w2', 'w3') }))).toMatchObject({ pass: true, saw: 'a: 0, b: 4 (1 used, skew 4)', expected: 'at least 4 pod(s) (selector app=web) over exactly 1 zone domain(s)' });
    expect(run(packed, snapshot({ Node: nodes, Pod: on('w1', 'w2', 'w2', 'w3') })).pass).toBe(false);
    expect(run({ ...packed, maxDomains: 2 }, snapshot({ Node: nodes, Pod: on('w1', 'w2', 'w2', 'w3') })).expected).toMatch(/over 1 to 2 zone domain/);
  });
  it('refuses maxDomains below minDomains', () => {
    expect(checkSchema.safeParse({ kind: 'podSpread', topologyKey: 'zone', minDomains: 3, maxDomains: 2 }).success).toBe(false);
  });
  it('describes a layout over many domains by the used ones and a count of the empty', () => {
    const perDomain = new Map(Array.from({ length: 100 }, (_, i) => [`kwok-node-${String(i).padStart(4, '0')}`, i < 2 ? 100 - i * 60 : 0] as [string, number]));
    expect(describeLayout(perDomain)).toBe('kwok-node-0000: 100, kwok-node-0001: 40; 98 empty');
    expect(describeLayout(new Map(Array.from({ length: 20 }, (_, i) => [`n${String(i).padStart(2, '0')}`, 1] as [string, number])), 3)).toBe('n00: 1, n01: 1, n02: 1, +17 more used; 0 empty');
  });
  it('terminating pods and pods of other apps do not count', () => {
    const pods = [...on('w1', 'w2', 'w1', 'w2'), pod('old', { node: 'w1', labels: { app: 'web' }, terminating: true }), pod('other', { node: 'w1', labels: { app: 'db' } })];
    expect(run(spec, snapshot({ Node: nodes, Pod: pods })).saw).toBe('a: 2, b: 2 (2 used, skew 0)');
  });
});

describe('jsonPath', () => {
  const snap = snapshot({ Deployment: [deployment] });
  it.each([
    [{ path: 'status.readyReplicas', equals: 2 }, true, 'status.readyReplicas = 2'],
    [{ path: 'status.readyReplicas', equals: 3 }, false, 'status.readyReplicas = 2'],
    [{ path: "metadata.annotations['deployment.kubernetes.io/revision']", equals: 2 }, true, 'metadata.annotations[\'deployment.kubernetes.io/revision\'] = "2"'],
    [{ path: '{.spec.template.spec.containers[0].image}', matches: 'web:1\\.0$' }, true, '{.spec.template.spec.containers[0].image} = "lab.local/web:1.0"'],
    [{ path: 'metadata.finalizers', exists: false }, true, 'metadata.finalizers = (absent)'],
    [{ path: 'metadata.finalizers', exists: true }, false, 'metadata.finalizers = (absent)'],
  ])('%j → %s', (fields, pass, saw) => {
    const r = run({ kind: 'jsonPath', resource: 'Deployment', name: 'web', ...fields }, snap);
    expect(r.pass).toBe(pass);
    expect(r.saw).toBe(saw);
  });
});
