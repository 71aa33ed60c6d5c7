import { describe, expect, it } from 'vitest';
import { hopSamples, summariseHops } from '../../../lab/compare/latency.js';
import { entry } from './entries.js';

const rsOwner = { owner: { kind: 'ReplicaSet', name: 'web-1' } };

/** One 2-replica rollout as the trace sees it, times in ms. */
const rollout = [
  entry('audit', 'kubectl', 'create', 'Deployment', 'web', 0),
  entry('etcd', 'etcd', 'PUT', 'Deployment', 'web', 4),
  entry('audit', 'deployment-controller', 'create', 'ReplicaSet', 'web-1', 24),
  entry('audit', 'replicaset-controller', 'create', 'Pod', 'web-1-a', 54, rsOwner),
  entry('audit', 'replicaset-controller', 'create', 'Pod', 'web-1-b', 60, rsOwner),
  entry('audit', 'scheduler', 'create', 'Pod', 'web-1-a', 100, { subresource: 'binding', node: 'lab-worker' }),
  entry('audit', 'scheduler', 'create', 'Pod', 'web-1-b', 160, { subresource: 'binding', node: 'lab-worker2' }),
  entry('containerd', 'containerd@lab-worker', '/tasks/start', 'Pod', 'web-1-a', 300, { containerKind: 'sandbox' }),
  entry('containerd', 'containerd@lab-worker', '/tasks/start', 'Pod', 'web-1-a', 500, { containerKind: 'container' }),
  entry('kubelet', 'kubelet@lab-worker', 'Started', 'Pod', 'web-1-a', 520),
  entry('kubelet', 'kubelet@lab-worker', 'status', 'Pod', 'web-1-a', 700, { diff: [{ field: 'status.phase', from: 'Pending', to: 'Running' }] }),
  entry('kubelet', 'kubelet@lab-worker2', 'status', 'Pod', 'web-1-b', 650, { diff: [{ field: 'condition.Ready', to: 'True' }] }),
  entry('audit', 'replicaset-controller', 'create', 'Pod', 'other', 70, rsOwner, 'other-ns'),
];

describe('hopSamples', () => {
  const samples = hopSamples(rollout, 'ns');

  it('measures the Deployment change from its etcd PUT (when watches fire) to the controller\'s first write', () => {
    expect(samples['deployment-change → deployment-write']).toEqual([20]);
  });

  it('falls back to kubectl\'s request without an etcd tap', () => {
    const noEtcd = rollout.filter((e) => e.tap !== 'etcd');
    expect(hopSamples(noEtcd, 'ns')['deployment-change → deployment-write']).toEqual([24]);
  });

  it('measures a ReplicaSet write to its first pod', () => expect(samples['rs-write → pod-create']).toEqual([30]));

  it('measures each pod from create to binding, in the namespace only', () => {
    expect(samples['pod-create → binding']).toEqual([46, 100]);
  });

  it('measures binding to the app container\'s task start (not the sandbox), to Started, and to Running', () => {
    expect(samples['binding → containerd-task-start']).toEqual([400]);
    expect(samples['binding → kubelet-started']).toEqual([420]);
    expect(samples['binding → running']).toEqual([600]);
  });

  it('ignores failed requests (a conflict is not a write)', () => {
    const conflict = [
      entry('audit', 'kubectl', 'create', 'Deployment', 'web', 0),
      entry('audit', 'deployment-controller', 'update', 'Deployment', 'web', 5, { code: 409, subresource: 'status' }),
      entry('audit', 'deployment-controller', 'create', 'ReplicaSet', 'web-1', 9),
    ];
    expect(hopSamples(conflict, 'ns')['deployment-change → deployment-write']).toEqual([9]);
  });

  it('does not count a ReplicaSet write that no pod creation followed before the next write', () => {
    const scaleDown = [
      entry('audit', 'deployment-controller', 'update', 'ReplicaSet', 'web-1', 0),
      entry('audit', 'deployment-controller', 'update', 'ReplicaSet', 'web-1', 10),
      entry('audit', 'replicaset-controller', 'create', 'Pod', 'web-1-z', 15, rsOwner),
    ];
    expect(hopSamples(scaleDown, 'ns')['rs-write → pod-create']).toEqual([5]);
  });
});

describe('summariseHops', () => {
  it('gives p50/p95 per hop and the number of samples; no percentiles without samples', () => {
    const summary = summariseHops(hopSamples(rollout, 'ns'));
    expect(summary.find((h) => h.hop === 'pod-create → binding')).toEqual({ hop: 'pod-create → binding', samples: 2, p50: 73, p95: 97.3 });
    const none = summariseHops(hopSamples([], 'ns'));
    expect(none.every((h) => h.samples === 0 && h.p50 === undefined && !('p95' in h))).toBe(true);
  });
});
