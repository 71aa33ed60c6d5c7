// The controller's I/O against fake API clients and in-memory informers: which calls a sync
// makes, which events and decisions it records, and how expectations gate the next sync.
import { describe, expect, it } from 'vitest';
import { ApiException, KubeConfig, type V1Pod, type V1ReplicaSet } from '@kubernetes/client-node';
import { ReplicaSetController } from '../../../controllers/replicaset/controller.js';
import { recordingDecisionSink } from '../../../controllers/shared/decisions.js';
import { silentLogger } from '../../../controllers/shared/log.js';
import type { SyncResult } from '../../../controllers/shared/controller.js';
import { MemoryInformer, recordingEventRecorder } from '../shared/controller-fakes.js';

const now = new Date('2025-01-01T00:00:00Z');
const rsRef = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true };

function replicaSet(replicas: number): V1ReplicaSet {
  return {
    metadata: { name: 'web', namespace: 'demo', uid: 'rs-uid', generation: 1, resourceVersion: '1' },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    status: { replicas: 0 },
  };
}

function pod(name: string, owned = true, created = now): V1Pod {
  return {
    metadata: { name, namespace: 'demo', uid: `${name}-uid`, labels: { app: 'web' }, resourceVersion: '1', creationTimestamp: created, ...(owned ? { ownerReferences: [rsRef] } : {}) },
    spec: { containers: [], nodeName: 'n1' },
    status: { phase: 'Running' },
  };
}

function setup(rs: V1ReplicaSet, pods: V1Pod[], opts: { failCreates?: boolean } = {}) {
  const calls: string[] = [];
  const { recorder, events } = recordingEventRecorder('replicaset-controller');
  let created = 0;
  const core = {
    async createNamespacedPod({ body }: { body: V1Pod }) {
      calls.push(`create ${body.metadata?.generateName}`);
      if (opts.failCreates) throw new ApiException(403, 'Forbidden', { message: 'exceeded quota: compute' }, {});
      return { ...body, metadata: { ...body.metadata, name: `${body.metadata?.generateName}${++created}` } };
    },
    async deleteNamespacedPod({ name }: { name: string }) {
      calls.push(`delete ${name}`);
      return {};
    },
    async patchNamespacedPod({ name, body }: { name: string; body: unknown }) {
      calls.push(`patch ${name} ${JSON.stringify(body)}`);
      return {};
    },
  };
  const apps = {
    async readNamespacedReplicaSet() {
      calls.push('read rs');
      return rs;
    },
    async replaceNamespacedReplicaSetStatus({ body }: { body: V1ReplicaSet }) {
      calls.push(`status replicas=${body.status?.replicas} failure=${body.status?.conditions?.[0]?.reason ?? '-'}`);
      return body;
    },
  };
  const replicaSets = new MemoryInformer<V1ReplicaSet>('replicasets');
  const podInformer = new MemoryInformer<V1Pod>('pods');
  replicaSets.add(rs);
  pods.forEach((p) => podInformer.add(p));
  const decisions = recordingDecisionSink();
  const controller = new ReplicaSetController({
    kc: new KubeConfig(),
    clients: { core: core as never, apps: apps as never },
    recorder,
    decisions,
    log: silentLogger,
    now: () => now,
    informers: { replicaSets, pods: podInformer },
  });
  const sync = (key = 'demo/web') => (controller as unknown as { syncHandler(k: string): Promise<SyncResult> }).syncHandler(key);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { controller, calls, events, decisions, sync, settle, podInformer, replicaSets };
}

describe('ReplicaSetController sync', () => {
  it('creates the missing pods, records events and waits for them to be observed', async () => {
    const t = setup(replicaSet(3), [pod('web-a')]);
    await t.sync();
    await t.settle();
    expect(t.calls).toEqual(['create web-', 'create web-', 'status replicas=1 failure=-']);
    expect(t.events).toEqual(['Normal SuccessfulCreate Created pod: web-1', 'Normal SuccessfulCreate Created pod: web-2']);
    expect(t.decisions.decisions[0]).toMatchObject({ verb: 'create', reason: 'want 3, have 1, create 2 (batches 1+1, expecting 2 adds)' });
    expect(t.controller.expectations.get('demo/web')).toMatchObject({ add: 2, del: 0 });

    // The informer has not seen the new pods yet: the next sync must not create again.
    t.calls.length = 0;
    const before = t.decisions.decisions.length;
    await t.sync();
    expect(t.calls.filter((c) => c.startsWith('create'))).toEqual([]);
    expect(t.decisions.decisions[before]).toMatchObject({ verb: 'wait', details: { expectations: { add: 2, del: 0 } } });

    // Observing both creations satisfies the expectations.
    t.podInformer.add(pod('web-1'));
    t.podInformer.add(pod('web-2'));
    expect(t.controller.expectations.satisfiedExpectations('demo/web')).toBe(true);
    const beforeThird = t.decisions.decisions.length;
    await t.sync();
    expect(t.decisions.decisions[beforeThird]).toMatchObject({ verb: 'none', reason: 'want 3, have 3, nothing to do' });
    expect(t.calls.at(-1)).toBe('status replicas=3 failure=-');
  });

  it('stops creating after a failed batch, lowers expectations, sets ReplicaFailure and requeues', async () => {
    const t = setup(replicaSet(5), [], { failCreates: true });
    await expect(t.sync()).rejects.toBeInstanceOf(ApiException);
    await t.settle();
    expect(t.calls).toEqual(['create web-', 'status replicas=0 failure=FailedCreate']);
    expect(t.events).toEqual(['Warning FailedCreate Error creating: exceeded quota: compute']);
    expect(t.controller.expectations.satisfiedExpectations('demo/web')).toBe(true);
  });

  it('deletes the surplus newest first and expects their deletion', async () => {
    const t = setup(replicaSet(1), [pod('old', true, new Date('2024-01-01T00:00:00Z')), pod('new', true, new Date('2024-12-31T23:59:00Z'))]);
    await t.sync();
    await t.settle();
    expect(t.calls[0]).toBe('delete new');
    expect(t.events).toEqual(['Normal SuccessfulDelete Deleted pod: new']);
    expect(t.controller.expectations.satisfiedExpectations('demo/web')).toBe(false);
    t.podInformer.remove(pod('new'));
    expect(t.controller.expectations.satisfiedExpectations('demo/web')).toBe(true);
  });

  it('adopts a matching orphan after re-reading the ReplicaSet', async () => {
    const t = setup(replicaSet(1), [pod('orphan', false)]);
    await t.sync();
    expect(t.calls.slice(0, 2)).toEqual([
      'read rs',
      'patch orphan {"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"rs-uid","controller":true,"blockOwnerDeletion":true}],"uid":"orphan-uid"}}',
    ]);
    expect(t.calls.some((c) => c.startsWith('create'))).toBe(false);
  });

  it('returns done when nothing is pending, and asks to look again when ready pods become available minReadySeconds later', async () => {
    const ready = (p: V1Pod, since: Date): V1Pod => ({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since }] } });
    const settled = setup(replicaSet(1), [ready(pod('web-a'), new Date(now.getTime() - 60_000))]);
    await expect(settled.sync()).resolves.toEqual({ done: true });

    const rs = { ...replicaSet(1), spec: { ...replicaSet(1).spec!, minReadySeconds: 10 } };
    const t = setup(rs, [ready(pod('web-a'), new Date(now.getTime() - 2_000))]);
    await expect(t.sync()).resolves.toEqual({ requeueAfter: 10_000 });
    expect(t.calls.at(-1)).toBe('status replicas=1 failure=-');
  });

  it('forgets expectations of a ReplicaSet that is gone', async () => {
    const t = setup(replicaSet(1), []);
    t.controller.expectations.expectCreations('demo/gone', 3);
    await t.sync('demo/gone');
    expect(t.controller.expectations.get('demo/gone')).toBeUndefined();
  });

  it('enqueues the owner when an owned pod changes, and every matching ReplicaSet for an orphan', () => {
    const t = setup(replicaSet(1), []);
    t.podInformer.add(pod('p', true));
    t.podInformer.add({ ...pod('q', false), metadata: { ...pod('q', false).metadata, labels: { app: 'web' } } });
    expect(t.controller.queue.len()).toBe(1); // deduplicated: both concern demo/web
  });
});
