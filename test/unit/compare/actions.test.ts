import { describe, expect, it } from 'vitest';
import { actionSequence, alignSequences, formatAction, requestCounts, roleOf } from '../../../lab/compare/actions.js';
import { entry } from './entries.js';

describe('roleOf', () => {
  it.each([
    ['kubectl', 'kubectl'],
    ['deployment-controller', 'deployment controller'],
    ['kube-controller-manager/deployment-controller', 'deployment controller'],
    ['kube-controller-manager/replicaset-controller', 'replicaset controller'],
    ['default-scheduler', 'scheduler'],
    ['scheduler', 'scheduler'],
    ['kubelet@lab-worker', 'kubelet'],
    ['api-server', 'other'],
    ['kube-controller-manager/generic-garbage-collector', 'other'],
  ] as const)('%s → %s', (actor, role) => expect(roleOf(actor)).toBe(role));
});

describe('actionSequence', () => {
  const trace = [
    entry('audit', 'kubectl', 'create', 'Deployment', 'web', 0),
    entry('audit', 'kube-controller-manager/deployment-controller', 'create', 'ReplicaSet', 'web-1', 10),
    entry('audit', 'kube-controller-manager/replicaset-controller', 'create', 'Pod', 'web-1-a', 30, { owner: { kind: 'ReplicaSet', name: 'web-1' } }),
    entry('audit', 'kube-controller-manager/replicaset-controller', 'create', 'Pod', 'web-1-b', 20),
    entry('audit', 'kube-controller-manager/replicaset-controller', 'create', 'Pod', 'web-1-c', 31),
    entry('audit', 'kube-controller-manager/replicaset-controller', 'list', 'Pod', '', 32),
    entry('informer', 'deployment-controller', 'ADDED', 'Deployment', 'web', 33),
    entry('audit', 'default-scheduler', 'create', 'Pod', 'web-1-a', 40, { subresource: 'binding' }),
    entry('audit', 'default-scheduler', 'create', 'Pod', 'web-1-b', 41, { subresource: 'binding' }),
    entry('audit', 'kubectl', 'create', 'Deployment', 'web', 50, {}, 'other-namespace'),
    entry('audit', 'kubelet@lab-worker', 'patch', 'Node', 'lab-worker', 60, {}, ''),
    entry('audit', 'kubectl', 'patch', 'Node', 'lab-worker', 61, {}, ''),
    // namespace housekeeping by kube-controller-manager's other controllers: neither side's work
    entry('audit', 'kube-controller-manager/root-ca-cert-publisher', 'create', 'ConfigMap', 'kube-root-ca.crt', 62),
    entry('audit', 'kube-controller-manager/service-account-controller', 'create', 'ServiceAccount', 'default', 63),
  ];

  it('keeps the namespace\'s audited writes in time order and collapses runs', () => {
    expect(actionSequence(trace, 'ns').map(formatAction)).toEqual([
      'kubectl: create Deployment',
      'deployment controller: create ReplicaSet',
      'replicaset controller: create Pod ×3',
      'scheduler: create Pod/binding ×2',
      'kubectl: patch Node',
    ]);
  });

  it('records when each run started', () => {
    expect(actionSequence(trace, 'ns')[2]!.firstMs).toBe(20);
  });

  it('does not merge the same action when something else happened in between', () => {
    const seq = actionSequence(
      [
        entry('audit', 'replicaset-controller', 'create', 'Pod', 'a', 1),
        entry('audit', 'scheduler', 'create', 'Pod', 'a', 2, { subresource: 'binding' }),
        entry('audit', 'replicaset-controller', 'create', 'Pod', 'b', 3),
      ],
      'ns',
    );
    expect(seq.map((a) => a.count)).toEqual([1, 1, 1]);
  });
});

describe('requestCounts', () => {
  it('counts by role and verb, subresources apart, cluster-wide informer requests included', () => {
    const counts = requestCounts(
      [
        entry('audit', 'replicaset-controller', 'create', 'Pod', 'a', 1),
        entry('audit', 'replicaset-controller', 'create', 'Pod', 'b', 2),
        entry('audit', 'replicaset-controller', 'update', 'ReplicaSet', 'r', 3, { subresource: 'status' }),
        entry('audit', 'replicaset-controller', 'list', 'Pod', '', 4, {}, ''),
        entry('audit', 'replicaset-controller', 'create', 'Pod', 'x', 5, {}, 'elsewhere'),
        entry('audit', 'kubectl', 'list', 'Pod', '', 6, {}, ''),
        entry('write', 'replicaset-controller', 'create', 'Pod', 'a', 1),
      ],
      'ns',
    );
    expect(counts).toEqual({ 'replicaset controller': { create: 2, 'update status': 1, list: 1 } });
  });
});

describe('alignSequences', () => {
  const a = (role: 'kubectl' | 'scheduler' | 'replicaset controller', action: string, count = 1) => ({ role, action, count, firstMs: 0 });
  it('pairs equal actions and leaves the rest on their own side', () => {
    const rows = alignSequences(
      [a('kubectl', 'create Deployment'), a('replicaset controller', 'create Pod', 3), a('replicaset controller', 'create Event')],
      [a('kubectl', 'create Deployment'), a('replicaset controller', 'create Pod', 2), a('scheduler', 'create Pod/binding')],
    );
    expect(rows.map((r) => [r.builtin?.action ?? '-', r.lab?.action ?? '-'])).toEqual([
      ['create Deployment', 'create Deployment'],
      ['create Pod', 'create Pod'],
      ['create Event', '-'],
      ['-', 'create Pod/binding'],
    ]);
  });
  it('handles empty sides', () => {
    expect(alignSequences([], [a('kubectl', 'x')])).toEqual([{ lab: a('kubectl', 'x') }]);
    expect(alignSequences([], [])).toEqual([]);
  });
});
