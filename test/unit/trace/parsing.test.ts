import { describe, expect, it } from 'vitest';
import { actorFromRequest } from '../../../lab/trace/actors.js';
import { parseAuditLine } from '../../../lab/trace/taps/audit.js';
import { containerdEntry, parseContainerInfo, parseCtrEventLine } from '../../../lab/trace/taps/containerd.js';
import { objectOfEtcdKey, parseEtcdWatchLine } from '../../../lab/trace/taps/etcd.js';
import { containerOfFieldPath, kubeletEventEntry, podStatusEntry } from '../../../lab/trace/taps/kubelet.js';

const auditLine = (over: Record<string, unknown>) =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: '7f0d2b9e-1111-2222-3333-444455556666',
    stage: 'ResponseComplete',
    requestURI: '/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-client-side-apply&fieldValidation=Strict',
    verb: 'create',
    user: { username: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated'] },
    sourceIPs: ['172.18.0.1'],
    userAgent: 'kubectl/v1.34.0 (linux/amd64) kubernetes/a1b2c3d',
    objectRef: { resource: 'deployments', namespace: 'default', name: 'web', apiGroup: 'apps', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 201 },
    requestReceivedTimestamp: '2025-01-01T10:00:00.100000Z',
    stageTimestamp: '2025-01-01T10:00:00.112000Z',
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
    ...over,
  });

describe('actorFromRequest', () => {
  it.each([
    ['kubernetes-admin', 'kubectl/v1.34.0 (linux/amd64) kubernetes/a1b2c3d', 'kubectl'],
    ['system:serviceaccount:kube-system:deployment-controller', 'kube-controller-manager/v1.34.0 (linux/amd64) kubernetes/x/system:serviceaccount:kube-system:deployment-controller', 'kube-controller-manager/deployment-controller'],
    ['system:serviceaccount:kube-system:replicaset-controller', 'kube-controller-manager/v1.34.0', 'kube-controller-manager/replicaset-controller'],
    ['system:kube-scheduler', 'kube-scheduler/v1.34.0 (linux/amd64) kubernetes/x/scheduler', 'default-scheduler'],
    ['system:node:kind-worker2', 'kubelet/v1.34.0 (linux/amd64) kubernetes/x', 'kubelet@kind-worker2'],
    ['kubernetes-admin', 'k8s-flow-lab/replicaset-controller', 'replicaset-controller'],
    ['kubernetes-admin', 'k8s-flow-lab/scheduler', 'scheduler'],
    ['system:serviceaccount:kube-system:generic-garbage-collector', 'kube-controller-manager/v1.34.4 (linux/amd64) kubernetes/x/system:serviceaccount:kube-system:generic-garbage-collector', 'kube-controller-manager/generic-garbage-collector'],
    ['system:serviceaccount:kube-system:root-ca-cert-publisher', 'kube-controller-manager/v1.34.4 (linux/amd64) kubernetes/x/system:serviceaccount:kube-system:root-ca-cert-publisher', 'kube-controller-manager/root-ca-cert-publisher'],
    ['system:kube-controller-manager', 'kube-controller-manager/v1.34.4 (linux/amd64) kubernetes/x/leader-election', 'kube-controller-manager/kube-controller-manager'],
    // a service account of kube-system used by something else is not the controller manager
    ['system:serviceaccount:kube-system:coredns', 'coredns/v1.12.1', 'user'],
    ['alice', 'curl/8.0', 'user'],
  ])('%s with %s → %s', (user, agent, actor) => {
    expect(actorFromRequest(user, agent)).toBe(actor);
  });
});

describe('parseAuditLine', () => {
  it('turns a kubectl create into an audit entry timed from request receipt', () => {
    const input = parseAuditLine(auditLine({}))!;
    expect(input).toMatchObject({ tap: 'audit', actor: 'kubectl', verb: 'create', object: { kind: 'Deployment', namespace: 'default', name: 'web' }, latencyMs: 12 });
    expect(input.at!.toISOString()).toBe('2025-01-01T10:00:00.100Z');
    expect(input.details.code).toBe(201);
  });

  it('skips stages other than ResponseComplete', () => {
    expect(parseAuditLine(auditLine({ stage: 'RequestReceived' }))).toBeUndefined();
  });

  it('keeps the lab’s lease acquisitions and releases with their holder, and skips renewals', () => {
    const lease = (spec: object) =>
      auditLine({
        verb: 'update',
        user: { username: 'system:serviceaccount:k8s-flow-lab:replicaset-controller' },
        userAgent: 'k8s-flow-lab/replicaset-controller',
        objectRef: { resource: 'leases', namespace: 'k8s-flow-lab', name: 'replicaset-controller', apiGroup: 'coordination.k8s.io', apiVersion: 'v1' },
        requestObject: { kind: 'Lease', metadata: { name: 'replicaset-controller' }, spec },
      });
    const acquired = parseAuditLine(lease({ holderIdentity: 'host_1', acquireTime: '2025-01-01T10:00:00.100000Z', renewTime: '2025-01-01T10:00:00.100000Z' }))!;
    expect(acquired).toMatchObject({ actor: 'replicaset-controller', verb: 'update', object: { kind: 'Lease', name: 'replicaset-controller' } });
    expect(acquired.details.holder).toBe('host_1');
    expect(parseAuditLine(lease({ holderIdentity: 'host_1', acquireTime: '2025-01-01T10:00:00.100000Z', renewTime: '2025-01-01T10:00:02.100000Z' }))).toBeUndefined();
    expect(parseAuditLine(lease({ holderIdentity: '', leaseDurationSeconds: 1 }))!.details.holder).toBe('(released)');
  });

  it('skips reads of leases and events by default but keeps lease writes and pod reads', () => {
    expect(parseAuditLine(auditLine({ verb: 'get', objectRef: { resource: 'leases', namespace: 'kube-node-lease', name: 'kind-worker' } }))).toBeUndefined();
    expect(parseAuditLine(auditLine({ verb: 'watch', objectRef: { resource: 'events' } }))).toBeUndefined();
    expect(parseAuditLine(auditLine({ verb: 'update', objectRef: { resource: 'leases', namespace: 'kube-node-lease', name: 'kind-worker' } }))).toMatchObject({ verb: 'update', object: { kind: 'Lease' } });
    expect(parseAuditLine(auditLine({ verb: 'get', objectRef: { resource: 'pods', namespace: 'default', name: 'x' } }))).toMatchObject({ verb: 'get' });
    expect(parseAuditLine(auditLine({ verb: 'get', objectRef: { resource: 'leases' } }), { keepNoisyReads: true })).toBeDefined();
  });

  it('reads a binding by the default scheduler, with the target node from a Request-level body', () => {
    const input = parseAuditLine(
      auditLine({
        level: 'Request',
        user: { username: 'system:kube-scheduler' },
        userAgent: 'kube-scheduler/v1.34.0 (linux/amd64) kubernetes/x/scheduler',
        objectRef: { resource: 'pods', namespace: 'default', name: 'web-7d9f-aaaaa', apiVersion: 'v1', subresource: 'binding' },
        requestObject: { kind: 'Binding', apiVersion: 'v1', metadata: { name: 'web-7d9f-aaaaa', namespace: 'default' }, target: { kind: 'Node', name: 'kind-worker' } },
      }),
    )!;
    expect(input).toMatchObject({ actor: 'default-scheduler', object: { kind: 'Pod', name: 'web-7d9f-aaaaa' }, details: { subresource: 'binding', node: 'kind-worker' } });
  });

  it('keeps the request precondition resourceVersion out of resourceVersion (it is not the result)', () => {
    const input = parseAuditLine(auditLine({ verb: 'update', objectRef: { resource: 'replicasets', namespace: 'default', name: 'web-1', resourceVersion: '41' } }))!;
    expect(input.resourceVersion).toBeUndefined();
    expect(input.details.requestResourceVersion).toBe('41');
  });

  it('takes the owner from a Request-level pod create', () => {
    const input = parseAuditLine(
      auditLine({
        level: 'Request',
        user: { username: 'system:serviceaccount:kube-system:replicaset-controller' },
        userAgent: 'kube-controller-manager/v1.34.0 (linux/amd64) kubernetes/x/system:serviceaccount:kube-system:replicaset-controller',
        objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
        requestObject: { kind: 'Pod', metadata: { generateName: 'web-7d9f-', ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d9f', uid: 'r-1', controller: true }] } },
      }),
    )!;
    expect(input).toMatchObject({ actor: 'kube-controller-manager/replicaset-controller', object: { name: 'web-7d9f-' }, details: { owner: { kind: 'ReplicaSet', name: 'web-7d9f' } } });
  });

  it('throws on a line that is not JSON (the tap counts it)', () => {
    expect(() => parseAuditLine('{"kind":"Ev')).toThrow();
  });
});

describe('audit: replica counts from request and response bodies', () => {
  const rsRef = { resource: 'replicasets', namespace: 'demo', name: 'web-7d9f', apiGroup: 'apps', apiVersion: 'v1' };
  it.each([
    ['a Deployment create (the stored, defaulted count)', { verb: 'create', requestObject: { spec: {} }, responseObject: { kind: 'Deployment', spec: { replicas: 1 } } }, 1],
    ['a ReplicaSet update by the built-in Deployment controller', { verb: 'update', objectRef: rsRef, requestObject: { spec: { replicas: 5 } }, responseObject: { kind: 'ReplicaSet', spec: { replicas: 5 } } }, 5],
    ['an update whose response the policy did not keep', { verb: 'update', objectRef: rsRef, requestObject: { spec: { replicas: 0 } } }, 0],
    ['kubectl scale (a patch of the scale subresource)', { verb: 'patch', objectRef: { ...rsRef, resource: 'deployments', subresource: 'scale' }, requestObject: { spec: { replicas: 7 } }, responseObject: { kind: 'Scale', spec: { replicas: 7 } } }, 7],
    ['a patch with no response: its request is partial, not the stored count', { verb: 'patch', objectRef: rsRef, requestObject: { spec: { replicas: 2 } } }, undefined],
    ['a status write', { verb: 'update', objectRef: { ...rsRef, subresource: 'status' }, requestObject: { spec: { replicas: 3 } }, responseObject: { spec: { replicas: 3 } } }, undefined],
    ['a failed write (a Status in the response)', { verb: 'update', objectRef: rsRef, requestObject: { spec: { replicas: 3 } }, responseObject: { kind: 'Status', code: 409 }, responseStatus: { code: 409 } }, undefined],
    ['a Pod create', { verb: 'create', objectRef: { resource: 'pods', namespace: 'demo', name: 'p', apiVersion: 'v1' }, requestObject: { spec: { replicas: 3 } } }, undefined],
    ['a count that is not an integer', { verb: 'update', objectRef: rsRef, responseObject: { kind: 'ReplicaSet', spec: { replicas: '3' } } }, undefined],
  ])('%s', (_label, over, replicas) => {
    expect(parseAuditLine(auditLine({ level: 'RequestResponse', ...over }))!.details.replicas).toBe(replicas);
  });
});

describe('etcd watch JSON', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it.each([
    ['/registry/pods/default/web-1', { kind: 'Pod', namespace: 'default', name: 'web-1' }],
    ['/registry/deployments/default/web', { kind: 'Deployment', namespace: 'default', name: 'web' }],
    ['/registry/replicasets/team-a/web-7d9f', { kind: 'ReplicaSet', namespace: 'team-a', name: 'web-7d9f' }],
    ['/registry/minions/kind-worker', { kind: 'Node', name: 'kind-worker' }],
    ['/registry/services/specs/default/kubernetes', { kind: 'Service', namespace: 'default', name: 'kubernetes' }],
    ['/registry/apiregistration.k8s.io/apiservices/v1.apps', { kind: 'Apiservice', name: 'v1.apps' }],
  ])('maps %s', (key, ref) => {
    const { resource: _r, ...obj } = objectOfEtcdKey(key)!;
    expect(obj).toEqual(ref);
  });

  it('parses PUT (create) and DELETE events with mod_revision as resourceVersion', () => {
    const line = JSON.stringify({
      Header: { cluster_id: 14841639068965178418, member_id: 10276657743932975437, revision: 1235, raft_term: 2 },
      Events: [
        { kv: { key: b64('/registry/pods/default/web-1'), create_revision: 1234, mod_revision: 1234, version: 1, value: 'azhzAAoJCgJ2MRIDUG9k' } },
        { type: 1, kv: { key: b64('/registry/pods/default/web-0'), mod_revision: 1235 } },
        { kv: { key: b64('/registry/pods/default/web-2'), create_revision: 900, mod_revision: 1235, version: 4 } },
      ],
      CompactRevision: 0,
      Canceled: false,
      Created: false,
    });
    const inputs = parseEtcdWatchLine(line);
    expect(inputs.map((i) => [i.verb, i.object.name, i.resourceVersion, i.details.created])).toEqual([
      ['PUT', 'web-1', '1234', true],
      ['DELETE', 'web-0', '1235', undefined],
      ['PUT', 'web-2', '1235', false],
    ]);
    expect(JSON.stringify(inputs)).not.toContain('azhzAAoJ'); // values are never decoded nor kept
  });

  it('keeps int64 revisions past 2^53 exact (JSON numbers would round them)', () => {
    const line = `{"Header":{"cluster_id":14841639068965178418,"revision":9007199254740995},"Events":[{"kv":{"key":"${b64('/registry/pods/default/web-1')}","create_revision":9007199254740993,"mod_revision":9007199254740995,"version":3}},{"type":1,"kv":{"key":"${b64('/registry/pods/default/web-2')}","mod_revision": 3546343826724305833}}]}`;
    const inputs = parseEtcdWatchLine(line);
    expect(inputs.map((i) => [i.verb, i.resourceVersion, i.details.created, i.details.version])).toEqual([
      ['PUT', '9007199254740995', false, 3],
      ['DELETE', '3546343826724305833', undefined, undefined],
    ]);
  });

  it('skips events and leases keys by default', () => {
    const line = JSON.stringify({ Events: [{ kv: { key: b64('/registry/events/default/web.17f'), mod_revision: 5 } }, { kv: { key: b64('/registry/leases/kube-node-lease/kind-worker'), mod_revision: 6 } }] });
    expect(parseEtcdWatchLine(line)).toEqual([]);
    expect(parseEtcdWatchLine(line, { skipResources: [] })).toHaveLength(2);
  });
});

describe('ctr events', () => {
  it('parses a task start line with nanosecond time', () => {
    const ev = parseCtrEventLine('2025-01-01 10:00:00.123456789 +0000 UTC k8s.io /tasks/start {"container_id":"3f2a9c","pid":4242}')!;
    expect(ev.time.toISOString()).toBe('2025-01-01T10:00:00.123Z');
    expect(ev).toMatchObject({ namespace: 'k8s.io', topic: '/tasks/start', payload: { container_id: '3f2a9c', pid: 4242 } });
  });

  it('parses an exit with a time zone offset', () => {
    const ev = parseCtrEventLine('2025-01-01 11:00:05.5 +0100 CET k8s.io /tasks/exit {"container_id":"ab","id":"ab","pid":7,"exit_status":137,"exited_at":"2025-01-01T10:00:05.4Z"}')!;
    expect(ev.time.toISOString()).toBe('2025-01-01T10:00:05.500Z');
    expect(containerdEntry('kind-worker', ev, undefined)).toMatchObject({ actor: 'containerd@kind-worker', verb: '/tasks/exit', object: { kind: 'Container', name: 'ab' }, details: { exitStatus: 137 } });
  });

  it('rejects lines that are not events', () => {
    expect(parseCtrEventLine('ctr: failed to dial')).toBeUndefined();
  });

  it('resolves a container to its pod from CRI labels', () => {
    const labels = parseContainerInfo(
      JSON.stringify({
        ID: 'c0ffee',
        Labels: { 'io.cri-containerd.kind': 'container', 'io.kubernetes.container.name': 'nginx', 'io.kubernetes.pod.name': 'web-7d9f-aaaaa', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'p-0' },
        Image: 'docker.io/library/nginx:1.27',
        Spec: { process: { env: ['PASSWORD=hunter2'] } },
      }),
    );
    expect(labels).toEqual({ kind: 'container', containerName: 'nginx', podName: 'web-7d9f-aaaaa', podNamespace: 'default', podUid: 'p-0' });
    const ev = parseCtrEventLine('2025-01-01 10:00:01.000000000 +0000 UTC k8s.io /containers/create {"id":"c0ffee","image":"docker.io/library/nginx:1.27","runtime":{"name":"io.containerd.runc.v2"}}')!;
    expect(containerdEntry('kind-worker2', ev, labels)).toMatchObject({
      object: { kind: 'Pod', namespace: 'default', name: 'web-7d9f-aaaaa', uid: 'p-0' },
      details: { containerId: 'c0ffee', containerKind: 'container', container: 'nginx', image: 'docker.io/library/nginx:1.27' },
    });
  });

  it('records image events against the image', () => {
    const ev = parseCtrEventLine('2025-01-01 10:00:01.000000000 +0000 UTC k8s.io /images/create {"name":"docker.io/library/nginx:1.27"}')!;
    expect(containerdEntry('n', ev, undefined).object).toEqual({ kind: 'Image', name: 'docker.io/library/nginx:1.27' });
  });
});

describe('kubelet tap', () => {
  const event = (over: Record<string, unknown> = {}) => ({
    kind: 'Event',
    metadata: { name: 'web-7d9f-aaaaa.17f3', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-7d9f-aaaaa', uid: 'p-0', fieldPath: 'spec.containers{nginx}' },
    reason: 'Started',
    message: 'Started container nginx',
    source: { component: 'kubelet', host: 'kind-worker' },
    type: 'Normal',
    count: 1,
    lastTimestamp: '2025-01-01T10:00:02Z',
    ...over,
  });

  it('turns a kubelet event into an entry for kubelet@NODE', () => {
    const input = kubeletEventEntry('ADDED', event(), undefined)!;
    expect(input).toMatchObject({ tap: 'kubelet', actor: 'kubelet@kind-worker', verb: 'Started', object: { kind: 'Pod', name: 'web-7d9f-aaaaa', uid: 'p-0' }, details: { container: 'nginx' } });
    expect(input.at!.toISOString()).toBe('2025-01-01T10:00:02.000Z');
  });

  it('a whole-second lastTimestamp is sharpened by the arrival time, within that second', () => {
    const at = (arrived: string) => kubeletEventEntry('ADDED', event(), undefined, new Date(arrived))!.at!.toISOString();
    expect(at('2025-01-01T10:00:02.420Z')).toBe('2025-01-01T10:00:02.420Z'); // arrived in its second: that is the best estimate
    expect(at('2025-01-01T10:00:05.000Z')).toBe('2025-01-01T10:00:02.999Z'); // arrived late: still inside the stamped second
    expect(at('2025-01-01T10:00:01.500Z')).toBe('2025-01-01T10:00:02.000Z'); // a clock behind the API server's: never before the stamp
  });

  it('a timestamp with milliseconds (series.lastObservedTime) is kept as it is', () => {
    const input = kubeletEventEntry('ADDED', event({ series: { count: 2, lastObservedTime: '2025-01-01T10:00:02.123456Z' } }), undefined, new Date('2025-01-01T10:00:02.900Z'))!;
    expect(input.at!.toISOString()).toBe('2025-01-01T10:00:02.123Z');
  });

  it('ignores events of other components and repeats whose count did not change', () => {
    expect(kubeletEventEntry('ADDED', event({ source: { component: 'default-scheduler' }, reason: 'Scheduled' }), undefined)).toBeUndefined();
    expect(kubeletEventEntry('MODIFIED', event(), event())).toBeUndefined();
    expect(kubeletEventEntry('MODIFIED', event({ reason: 'BackOff', count: 3 }), event({ reason: 'BackOff', count: 2 }))).toMatchObject({ verb: 'BackOff', details: { count: 3 } });
  });

  it('reads events.k8s.io style reporting fields', () => {
    expect(kubeletEventEntry('ADDED', event({ source: {}, reportingComponent: 'kubelet', reportingInstance: 'kind-worker2' }), undefined)?.actor).toBe('kubelet@kind-worker2');
  });

  it.each([
    ['spec.containers{nginx}', 'nginx'],
    ['spec.initContainers{init-db}', 'init-db'],
    ['', undefined],
  ])('container of %s', (fieldPath, name) => expect(containerOfFieldPath(fieldPath)).toBe(name));

  it('records kubelet-owned pod status transitions only', () => {
    const pending = { metadata: { name: 'p', namespace: 'default', resourceVersion: '5' }, spec: { nodeName: 'kind-worker' }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }], containerStatuses: [{ name: 'nginx', state: { waiting: { reason: 'ContainerCreating' } } }] } };
    const running = { ...pending, metadata: { ...pending.metadata, resourceVersion: '9' }, status: { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'nginx', state: { running: { startedAt: 'x' } } }] } };
    const input = podStatusEntry('MODIFIED', running, pending)!;
    expect(input).toMatchObject({ actor: 'kubelet@kind-worker', verb: 'status', resourceVersion: '9' });
    expect((input.details.diff as { field: string }[]).map((c) => c.field)).toEqual(['status.phase', 'condition.Ready', 'container.nginx']);
    const unscheduled = { ...pending, spec: {} };
    expect(podStatusEntry('MODIFIED', unscheduled, unscheduled)).toBeUndefined();
    const onlyScheduled = { ...pending, status: { ...pending.status, conditions: [] } };
    expect(podStatusEntry('MODIFIED', pending, onlyScheduled)).toBeUndefined();
  });
});
