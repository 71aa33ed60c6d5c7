// The Deployment controller's I/O against fake API clients and in-memory informers (as the
// ReplicaSet controller's test): which keys its event handlers enqueue, which API calls the
// executor makes for each planned action, and the result a sync hands the loop.
import { describe, expect, it } from 'vitest';
import { ApiException, KubeConfig, type V1Deployment, type V1Pod, type V1ReplicaSet } from '@kubernetes/client-node';
import { DeploymentController } from '../../../controllers/deployment/controller.js';
import type { DeploymentAction } from '../../../controllers/deployment/sync.js';
import { computePodTemplateHash } from '../../../controllers/deployment/hash.js';
import { newReplicaSetFor } from '../../../controllers/deployment/templates.js';
import type { SyncResult } from '../../../controllers/shared/controller.js';
import { recordingDecisionSink, type DecisionSink } from '../../../controllers/shared/decisions.js';
import { silentLogger } from '../../../controllers/shared/log.js';
import { MemoryInformer, recordingEventRecorder } from '../shared/controller-fakes.js';
import { deployment, rs } from './fixtures.js';

const NOW = new Date('2024-01-01T00:10:00Z');

function ownerRef(kind: 'Deployment' | 'ReplicaSet', name: string) {
  return { apiVersion: 'apps/v1', kind, name, uid: `uid-${name}`, controller: true, blockOwnerDeletion: true };
}

/** A ReplicaSet in the cache: owned by `owner` (a Deployment name) or an orphan, with labels. */
function replicaSet(name: string, owner: string | undefined, labels: Record<string, string> = {}, resourceVersion = '1'): V1ReplicaSet {
  const r = rs(name, 1);
  r.metadata = { ...r.metadata, labels, resourceVersion, ...(owner ? { ownerReferences: [ownerRef('Deployment', owner)] } : {}) };
  return r;
}

function pod(name: string, owner: string, labels: Record<string, string>): V1Pod {
  return { metadata: { name, namespace: 'default', uid: `uid-${name}`, labels, resourceVersion: '1', ownerReferences: [ownerRef('ReplicaSet', owner)] }, status: { phase: 'Running' } };
}

interface FakeOptions {
  /** Client method → the error it throws. */
  fail?: Record<string, unknown>;
  /** What readNamespacedDeployment returns (default: the Deployment as given). */
  fresh?: (d: V1Deployment) => V1Deployment;
  decisions?: DecisionSink;
  now?: Date;
}

function setup(objects: { deployments?: V1Deployment[]; replicaSets?: V1ReplicaSet[]; pods?: V1Pod[] } = {}, opts: FakeOptions = {}) {
  const calls: string[] = [];
  const { recorder, events } = recordingEventRecorder('deployment-controller');
  let resourceVersion = 100;
  const call = (method: string, line: string) => {
    calls.push(line);
    if (opts.fail?.[method]) throw opts.fail[method];
  };
  const deployments = new MemoryInformer<V1Deployment>('deployments');
  const replicaSets = new MemoryInformer<V1ReplicaSet>('replicasets');
  const pods = new MemoryInformer<V1Pod>('pods');
  const apps = {
    async readNamespacedDeployment({ name }: { name: string }) {
      call('readNamespacedDeployment', `read deployment ${name}`);
      const d = deployments.get('default', name)!;
      return opts.fresh ? opts.fresh(d) : d;
    },
    async replaceNamespacedDeployment({ name, body }: { name: string; body: V1Deployment }) {
      call('replaceNamespacedDeployment', `update deployment ${name} rv=${body.metadata?.resourceVersion}`);
      return { ...body, metadata: { ...body.metadata, resourceVersion: String(++resourceVersion) } };
    },
    async replaceNamespacedDeploymentStatus({ name, body }: { name: string; body: V1Deployment }) {
      call('replaceNamespacedDeploymentStatus', `status ${name} rv=${body.metadata?.resourceVersion} ${JSON.stringify(body.status)}`);
      return { ...body, metadata: { ...body.metadata, resourceVersion: String(++resourceVersion) } };
    },
    async createNamespacedReplicaSet({ body }: { body: V1ReplicaSet }) {
      call('createNamespacedReplicaSet', `create rs ${body.metadata?.name} replicas=${body.spec?.replicas}`);
      return body;
    },
    async readNamespacedReplicaSet({ name }: { name: string }) {
      call('readNamespacedReplicaSet', `read rs ${name}`);
      return structuredClone(replicaSets.get('default', name)!);
    },
    async replaceNamespacedReplicaSet({ name, body }: { name: string; body: V1ReplicaSet }) {
      call('replaceNamespacedReplicaSet', `update rs ${name} replicas=${body.spec?.replicas} annotations=${JSON.stringify(body.metadata?.annotations)}`);
      return body;
    },
    async patchNamespacedReplicaSet({ name, body }: { name: string; body: unknown }) {
      call('patchNamespacedReplicaSet', `patch rs ${name} ${JSON.stringify(body)}`);
      return {};
    },
    async deleteNamespacedReplicaSet({ name }: { name: string }) {
      call('deleteNamespacedReplicaSet', `delete rs ${name}`);
      return {};
    },
  };
  (objects.deployments ?? []).forEach((d) => deployments.add(d));
  (objects.replicaSets ?? []).forEach((r) => replicaSets.add(r));
  (objects.pods ?? []).forEach((p) => pods.add(p));
  const decisions = recordingDecisionSink();
  const controller = new DeploymentController({
    kc: new KubeConfig(),
    clients: { core: {} as never, apps: apps as never },
    informers: { deployments, replicaSets, pods },
    recorder,
    decisions: opts.decisions ?? decisions,
    log: silentLogger,
    now: () => opts.now ?? NOW,
  });
  const sync = (key = 'default/web') => (controller as unknown as { syncHandler(k: string): Promise<SyncResult> }).syncHandler(key);
  /** The keys waiting in the queue, taken out. */
  const queued = async () => {
    const keys: string[] = [];
    while (controller.queue.len() > 0) {
      const next = await controller.queue.get();
      if (next.shutdown) break;
      keys.push(next.item);
      controller.queue.done(next.item);
    }
    return keys.sort();
  };
  return { controller, calls, events, decisions, sync, queued, deployments, replicaSets, pods };
}

describe('DeploymentController event handlers', () => {
  it('enqueues a Deployment when it is added, updated or deleted', async () => {
    const t = setup();
    t.deployments.add(deployment('web', 1));
    expect(await t.queued()).toEqual(['default/web']);
    t.deployments.add({ ...deployment('web', 2) });
    expect(await t.queued()).toEqual(['default/web']);
    t.deployments.remove(deployment('web', 2));
    expect(await t.queued()).toEqual(['default/web']);
  });

  it('a ReplicaSet added with a controller reference enqueues only its owner, and only if the uid matches', async () => {
    const t = setup({ deployments: [deployment('web', 1), deployment('api', 1, { selector: { app: 'web' } })] });
    await t.queued();
    t.replicaSets.add(replicaSet('web-1', 'web', { app: 'web' }));
    expect(await t.queued()).toEqual(['default/web']);
    const stale = replicaSet('web-2', 'web', { app: 'web' });
    stale.metadata!.ownerReferences![0]!.uid = 'uid-of-a-deleted-web';
    t.replicaSets.add(stale);
    expect(await t.queued()).toEqual([]);
  });

  it('an orphan ReplicaSet added enqueues every Deployment whose selector matches it (adoption), none without labels', async () => {
    // 'untiered' selects whatever has no tier label: a label-less ReplicaSet too, were it not for the rule.
    const untiered = deployment('untiered', 1);
    untiered.spec!.selector = { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] };
    const t = setup({ deployments: [deployment('web', 1), deployment('api', 1, { selector: { app: 'web' } }), deployment('db', 1), untiered] });
    await t.queued();
    t.replicaSets.add(replicaSet('orphan', undefined, { app: 'web' }));
    expect(await t.queued()).toEqual(['default/api', 'default/untiered', 'default/web']);
    t.replicaSets.add(replicaSet('bare', undefined, {}));
    expect(await t.queued()).toEqual([]);
  });

  it('a ReplicaSet whose controller changes enqueues the old and the new owner; an unchanged resourceVersion nothing', async () => {
    const t = setup({ deployments: [deployment('web', 1), deployment('api', 1)], replicaSets: [replicaSet('r', 'web', { app: 'web' })] });
    await t.queued();
    t.replicaSets.add(replicaSet('r', 'web', { app: 'web' }));
    expect(await t.queued()).toEqual([]);
    t.replicaSets.add(replicaSet('r', 'api', { app: 'web' }, '2'));
    expect(await t.queued()).toEqual(['default/api', 'default/web']);
  });

  it('a ReplicaSet orphaned or relabelled enqueues its old owner and the Deployments that may adopt it', async () => {
    const t = setup({ deployments: [deployment('web', 1), deployment('api', 1)], replicaSets: [replicaSet('r', 'web', { app: 'web' })] });
    await t.queued();
    t.replicaSets.add(replicaSet('r', undefined, { app: 'api' }, '2'));
    expect(await t.queued()).toEqual(['default/api', 'default/web']);
    t.replicaSets.add(replicaSet('r', undefined, { app: 'web' }, '3'));
    expect(await t.queued()).toEqual(['default/web']);
    // An orphan whose labels stay the same (in whatever order) concerns nobody new.
    t.replicaSets.add(replicaSet('r', undefined, { app: 'web', tier: 'fe' }, '4'));
    await t.queued();
    t.replicaSets.add(replicaSet('r', undefined, { tier: 'fe', app: 'web' }, '5'));
    expect(await t.queued()).toEqual([]);
  });

  it('a deleted ReplicaSet enqueues its owner, even when the deletion carries its last known, stale state (tombstone)', async () => {
    const t = setup({ deployments: [deployment('web', 1)], replicaSets: [replicaSet('r', 'web', { app: 'web' }, '7'), replicaSet('o', undefined, { app: 'web' })] });
    await t.queued();
    // A relist that finds it gone delivers the object as the cache last saw it.
    t.replicaSets.remove(replicaSet('r', 'web', { app: 'old-label' }, '3'));
    expect(await t.queued()).toEqual(['default/web']);
    t.replicaSets.remove(replicaSet('o', undefined, { app: 'web' }));
    expect(await t.queued()).toEqual([]);
  });

  it('a pod deletion enqueues a Recreate Deployment once its last old pod is gone, and nothing for RollingUpdate', async () => {
    const recreate = deployment('web', 1, { strategy: 'Recreate' });
    const t = setup({
      deployments: [recreate, deployment('api', 1)],
      replicaSets: [replicaSet('web-old', 'web', { app: 'web' }), replicaSet('api-1', 'api', { app: 'api' })],
      pods: [pod('a', 'web-old', { app: 'web' }), pod('b', 'web-old', { app: 'web' }), pod('c', 'api-1', { app: 'api' })],
    });
    await t.queued();
    t.pods.remove(pod('a', 'web-old', { app: 'web' }));
    expect(await t.queued()).toEqual([]);
    t.pods.remove(pod('b', 'web-old', { app: 'web' }));
    expect(await t.queued()).toEqual(['default/web']);
    t.pods.remove(pod('c', 'api-1', { app: 'api' }));
    expect(await t.queued()).toEqual([]);
    // Pod adds and updates are not the Deployment controller's business.
    t.pods.add(pod('d', 'web-old', { app: 'web' }));
    expect(await t.queued()).toEqual([]);
  });
});

describe('DeploymentController executor (actions → API calls)', () => {
  const d = () => ({ ...deployment('web', 2), metadata: { ...deployment('web', 2).metadata, resourceVersion: '5' } });
  const scaled = (r: V1ReplicaSet, to: number): V1ReplicaSet => ({
    ...r,
    metadata: { ...r.metadata, annotations: { 'deployment.kubernetes.io/desired-replicas': '2', 'deployment.kubernetes.io/max-replicas': '3' } },
    spec: { ...r.spec!, replicas: to },
  });

  it('adopts after re-reading the Deployment, releases with a delete patch, and ignores a release of a ReplicaSet that is gone', async () => {
    const t = setup({ deployments: [d()] });
    const orphan = replicaSet('orphan', undefined, { app: 'web' });
    await t.controller.carryOut(d(), [
      { kind: 'adoptReplicaSet', rs: orphan, why: 'w' },
      { kind: 'releaseReplicaSet', rs: replicaSet('stray', 'web'), why: 'w' },
    ]);
    expect(t.calls).toEqual([
      'read deployment web',
      'patch rs orphan {"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"uid-web","controller":true,"blockOwnerDeletion":true}],"uid":"uid-orphan"}}',
      'patch rs stray {"metadata":{"ownerReferences":[{"$patch":"delete","uid":"uid-web"}],"uid":"uid-stray"}}',
    ]);
    const gone = setup({ deployments: [d()] }, { fail: { patchNamespacedReplicaSet: new ApiException(404, 'Not Found', {}, {}) } });
    await expect(gone.controller.carryOut(d(), [{ kind: 'releaseReplicaSet', rs: replicaSet('stray', 'web'), why: 'w' }])).resolves.toEqual({ done: true });
  });

  it('never adopts for a Deployment that is being deleted', async () => {
    const t = setup({ deployments: [d()] }, { fresh: (x) => ({ ...x, metadata: { ...x.metadata, deletionTimestamp: NOW } }) });
    await expect(t.controller.carryOut(d(), [{ kind: 'adoptReplicaSet', rs: replicaSet('orphan', undefined), why: 'w' }])).rejects.toThrow(/has just been deleted/);
    expect(t.calls).toEqual(['read deployment web']);
  });

  it('creates and scales ReplicaSets with their events, deletes old ones, and stops at the first failure', async () => {
    const old = replicaSet('web-old', 'web', { app: 'web' });
    const t = setup({ deployments: [d()], replicaSets: [old] });
    const event = { type: 'Normal' as const, reason: 'ScalingReplicaSet', message: 'Scaled down replica set web-old from 1 to 0' };
    await t.controller.carryOut(d(), [
      { kind: 'createReplicaSet', rs: scaled(rs('web-new', 0), 2), why: 'w', event: { type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up replica set web-new from 0 to 2' } },
      { kind: 'scaleReplicaSet', rs: scaled(old, 0), from: 1, to: 0, why: 'w', event },
      { kind: 'deleteReplicaSet', rs: old, why: 'w' },
    ]);
    expect(t.calls).toEqual([
      'create rs web-new replicas=2',
      'read rs web-old',
      'update rs web-old replicas=0 annotations={"deployment.kubernetes.io/desired-replicas":"2","deployment.kubernetes.io/max-replicas":"3"}',
      'delete rs web-old',
    ]);
    expect(t.events).toEqual(['Normal ScalingReplicaSet Scaled up replica set web-new from 0 to 2', 'Normal ScalingReplicaSet Scaled down replica set web-old from 1 to 0']);

    const failing = setup({ deployments: [d()], replicaSets: [old] }, { fail: { replaceNamespacedReplicaSet: new ApiException(500, 'boom', {}, {}) } });
    await expect(failing.controller.carryOut(d(), [{ kind: 'scaleReplicaSet', rs: scaled(old, 0), from: 1, to: 0, why: 'w', event }, { kind: 'deleteReplicaSet', rs: old, why: 'w' }])).rejects.toBeInstanceOf(ApiException);
    expect(failing.calls).toEqual(['read rs web-old', expect.stringMatching(/^update rs web-old/)]);
    expect(failing.events).toEqual([]);
  });

  it('a new ReplicaSet that exists already and is ours ends the sync with a requeue now, the rest of the plan not carried out', async () => {
    const current = d();
    const ours = newReplicaSetFor(current, computePodTemplateHash(current.spec!.template), '1', 2);
    const t = setup({ deployments: [current], replicaSets: [ours] }, { fail: { createNamespacedReplicaSet: new ApiException(409, 'AlreadyExists', {}, {}) } });
    const result = await t.controller.carryOut(current, [
      { kind: 'createReplicaSet', rs: ours, why: 'w' },
      { kind: 'updateDeploymentStatus', deployment: current, why: 'w' },
    ]);
    expect(result).toEqual({ requeueAfter: 0 });
    expect(t.calls).toEqual([`create rs ${ours.metadata?.name} replicas=2`]);
  });

  it('a name taken by another template bumps collisionCount and fails the sync', async () => {
    const current = d();
    const other = { ...replicaSet('web-x', 'web'), spec: { replicas: 1, selector: {}, template: { metadata: { labels: { app: 'other' } } } } };
    const t = setup({ deployments: [current], replicaSets: [other] }, { fail: { createNamespacedReplicaSet: new ApiException(409, 'AlreadyExists', {}, {}) } });
    await expect(t.controller.carryOut(current, [{ kind: 'createReplicaSet', rs: { ...other, metadata: { ...other.metadata, name: 'web-x' } }, why: 'w' }])).rejects.toBeInstanceOf(ApiException);
    expect(t.calls.at(-1)).toBe('status web rv=5 {"collisionCount":1}');
    expect(t.decisions.decisions.at(-1)).toMatchObject({ verb: 'bumpCollisionCount', details: { collisionCount: 1 } });
  });

  it('consecutive status writes carry the resourceVersion of the previous write; events and rollbacks are written', async () => {
    const t = setup({ deployments: [d()] });
    const status1 = { ...d(), status: { observedGeneration: 1 } };
    const status2 = { ...d(), status: { observedGeneration: 1, replicas: 2 } };
    await t.controller.carryOut(d(), [
      { kind: 'updateDeploymentStatus', deployment: status1, why: 'w' },
      { kind: 'updateDeploymentStatus', deployment: status2, why: 'w' },
      { kind: 'recordEvent', event: { type: 'Warning', reason: 'SelectingAll', message: 'm' }, why: 'w' },
      { kind: 'updateDeployment', deployment: d(), why: 'w', event: { type: 'Normal', reason: 'DeploymentRollback', message: 'r' } },
    ]);
    expect(t.calls).toEqual([
      'status web rv=5 {"observedGeneration":1}',
      'status web rv=101 {"observedGeneration":1,"replicas":2}',
      'update deployment web rv=102',
    ]);
    expect(t.events).toEqual(['Warning SelectingAll m', 'Normal DeploymentRollback r']);
  });

  it('requeue actions become the sync result, after the actions planned with them', async () => {
    const t = setup({ deployments: [d()] });
    const status: DeploymentAction = { kind: 'updateDeploymentStatus', deployment: d(), why: 'w' };
    await expect(t.controller.carryOut(d(), [{ kind: 'requeueAfter', delayMs: 31_000, why: 'w' }, status])).resolves.toEqual({ requeueAfter: 31_000 });
    expect(t.calls).toHaveLength(1);
    await expect(t.controller.carryOut(d(), [{ kind: 'requeueRateLimited', why: 'progress deadline is about to pass' }])).resolves.toEqual({ retry: 'progress deadline is about to pass' });
    await expect(t.controller.carryOut(d(), [])).resolves.toEqual({ done: true });
  });

  it('reports each action as a decision, and a decision sink that throws never breaks the sync', async () => {
    const t = setup({ deployments: [d()] });
    await t.controller.carryOut(d(), [{ kind: 'requeueAfter', delayMs: 5, why: 'check progress deadline' }]);
    expect(t.decisions.decisions).toEqual([
      { component: 'deployment-controller', object: { kind: 'Deployment', namespace: 'default', name: 'web', uid: 'uid-web' }, verb: 'requeueAfter', reason: 'check progress deadline', details: { delayMs: 5 } },
    ]);
    const throwing = setup({ deployments: [d()] }, { decisions: () => { throw new Error('sink down'); } });
    await expect(throwing.controller.carryOut(d(), [{ kind: 'deleteReplicaSet', rs: replicaSet('web-old', 'web'), why: 'w' }])).resolves.toEqual({ done: true });
    expect(throwing.calls).toEqual(['delete rs web-old']);
  });
});

describe('DeploymentController sync results (progress deadline)', () => {
  /** A rollout stuck since 00:09:30 with a 60 s deadline (as sync.test.ts). */
  function stuck(): { d: V1Deployment; cur: V1ReplicaSet } {
    const d = deployment('web', 2, { maxSurge: '25%', maxUnavailable: '25%', progressDeadlineSeconds: 60, revisionHistoryLimit: 10 });
    const cur = newReplicaSetFor(d, computePodTemplateHash(d.spec!.template), '1', 2);
    cur.metadata!.uid = `uid-${cur.metadata!.name}`;
    cur.metadata!.creationTimestamp = new Date('2024-01-01T00:00:00Z');
    cur.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'] = '2';
    cur.status = { replicas: 2, availableReplicas: 0, readyReplicas: 0 };
    d.metadata!.annotations = { 'deployment.kubernetes.io/revision': '1' };
    const lastUpdate = new Date('2024-01-01T00:09:30Z');
    d.status = { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 2, conditions: [
      { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastUpdateTime: lastUpdate, lastTransitionTime: lastUpdate },
      { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'x', lastUpdateTime: lastUpdate, lastTransitionTime: lastUpdate },
    ] };
    return { d, cur };
  }

  it('requeues one second after the deadline would pass', async () => {
    const { d, cur } = stuck();
    const t = setup({ deployments: [d], replicaSets: [cur] });
    await expect(t.sync()).resolves.toEqual({ requeueAfter: 31_000 });
    expect(t.calls).toEqual([]);
  });

  it('retries rate-limited when the deadline is less than a second away', async () => {
    const { d, cur } = stuck();
    const t = setup({ deployments: [d], replicaSets: [cur] }, { now: new Date('2024-01-01T00:10:29.500Z') });
    await expect(t.sync()).resolves.toEqual({ retry: 'progress deadline is about to pass' });
  });

  it('past the deadline writes ProgressDeadlineExceeded and is done', async () => {
    const { d, cur } = stuck();
    const t = setup({ deployments: [d], replicaSets: [cur] }, { now: new Date('2024-01-01T00:11:00Z') });
    await expect(t.sync()).resolves.toEqual({ done: true });
    expect(t.calls).toEqual([expect.stringContaining('"reason":"ProgressDeadlineExceeded"')]);
  });

  it('a Deployment gone from the cache is done', async () => {
    const t = setup();
    await expect(t.sync('default/gone')).resolves.toEqual({ done: true });
  });
});
