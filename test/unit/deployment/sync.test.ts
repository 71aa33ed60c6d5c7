import { describe, expect, it } from 'vitest';
import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import { planDeploymentSync, type DeploymentAction } from '../../../controllers/deployment/sync.js';
import { newReplicaSetFor } from '../../../controllers/deployment/templates.js';
import { computePodTemplateHash } from '../../../controllers/deployment/hash.js';
import { deployment } from './fixtures.js';

const NOW = new Date('2024-01-01T00:10:00Z');

function web(replicas: number, extra: Partial<V1Deployment['spec']> = {}): V1Deployment {
  const d = deployment('web', replicas, { maxSurge: '25%', maxUnavailable: '25%', progressDeadlineSeconds: 600, revisionHistoryLimit: 10 });
  d.spec = { ...d.spec!, ...extra };
  return d;
}

/** A ReplicaSet the controller made for `d`'s current template, with a status. */
function ownedRS(d: V1Deployment, revision: string, replicas: number, available: number, created: string, image?: string): V1ReplicaSet {
  const dd = structuredClone(d);
  if (image) dd.spec!.template.spec!.containers[0]!.image = image;
  const r = newReplicaSetFor(dd, computePodTemplateHash(dd.spec!.template), revision, replicas);
  r.metadata!.uid = `uid-${r.metadata!.name}`;
  r.metadata!.creationTimestamp = new Date(created);
  r.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'] = String(d.spec!.replicas);
  r.status = { replicas, availableReplicas: available, readyReplicas: available };
  return r;
}

const kinds = (actions: DeploymentAction[]) => actions.map((a) => a.kind);
const scales = (actions: DeploymentAction[]) =>
  actions.flatMap((a) => (a.kind === 'scaleReplicaSet' ? [`${a.rs.metadata?.name} ${a.from}->${a.to}`] : []));

describe('planDeploymentSync', () => {
  it('a new Deployment creates its first ReplicaSet at full size, revision 1, NewReplicaSetCreated', () => {
    const d = web(3);
    const actions = planDeploymentSync({ deployment: d, replicaSets: [], pods: [], now: NOW });
    expect(kinds(actions)).toEqual(['createReplicaSet', 'updateDeploymentStatus', 'updateDeploymentStatus']);
    const create = actions[0] as Extract<DeploymentAction, { kind: 'createReplicaSet' }>;
    expect(create.rs.spec?.replicas).toBe(3);
    expect(create.rs.metadata?.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(create.rs.metadata?.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(create.rs.spec?.selector?.matchLabels?.['pod-template-hash']).toBe(create.rs.metadata?.name?.slice(4));
    expect(create.rs.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true, blockOwnerDeletion: true });
    expect(create.event?.message).toBe(`Scaled up replica set ${create.rs.metadata?.name} from 0 to 3`);
    const first = actions[1] as Extract<DeploymentAction, { kind: 'updateDeploymentStatus' }>;
    expect(first.deployment.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(first.deployment.status?.conditions?.[0]).toMatchObject({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${create.rs.metadata?.name}"` });
  });

  it('a changed template: new RS surges by maxSurge, old one is left alone in that sync', () => {
    const d = web(4);
    const old = ownedRS(d, '1', 4, 4, '2024-01-01T00:00:00Z', 'nginx:old');
    d.metadata!.annotations = { 'deployment.kubernetes.io/revision': '1' };
    const actions = planDeploymentSync({ deployment: d, replicaSets: [old], pods: [], now: NOW });
    const create = actions.find((a) => a.kind === 'createReplicaSet') as Extract<DeploymentAction, { kind: 'createReplicaSet' }>;
    expect(create.rs.spec?.replicas).toBe(1); // 4 + 25% surge = 5 pods max, 4 exist
    expect(create.rs.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    // new RS at its planned size -> no further scale-up; old RS: 4 + 1 - 3 (minAvailable) - 1 (new unavailable) = 1
    expect(scales(actions)).toEqual([`${old.metadata?.name} 4->3`]);
  });

  it('a finished rollout reports NewReplicaSetAvailable with the upstream message', () => {
    const d = web(2);
    const cur = ownedRS(d, '2', 2, 2, '2024-01-01T00:05:00Z');
    d.metadata!.annotations = { 'deployment.kubernetes.io/revision': '2' };
    d.status = { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1, readyReplicas: 1, conditions: [
      { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'x', lastUpdateTime: new Date('2024-01-01T00:06:00Z'), lastTransitionTime: new Date('2024-01-01T00:05:00Z') },
    ] };
    const actions = planDeploymentSync({ deployment: d, replicaSets: [cur], pods: [], now: NOW });
    expect(kinds(actions)).toEqual(['updateDeploymentStatus']);
    const status = (actions[0] as Extract<DeploymentAction, { kind: 'updateDeploymentStatus' }>).deployment.status!;
    expect(status).toMatchObject({ replicas: 2, updatedReplicas: 2, availableReplicas: 2, unavailableReplicas: 0 });
    const progressing = status.conditions!.find((c) => c.type === 'Progressing')!;
    expect(progressing).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${cur.metadata?.name}" has successfully progressed.` });
    // same status True -> lastTransitionTime kept
    expect(progressing.lastTransitionTime).toEqual(new Date('2024-01-01T00:05:00Z'));
    expect(status.conditions!.find((c) => c.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
  });

  it('no progress past the deadline -> ProgressDeadlineExceeded; before it -> requeue at the deadline', () => {
    const d = web(2);
    const cur = ownedRS(d, '1', 2, 0, '2024-01-01T00:00:00Z');
    d.metadata!.annotations = { 'deployment.kubernetes.io/revision': '1' };
    d.spec!.progressDeadlineSeconds = 60;
    const lastUpdate = new Date('2024-01-01T00:09:30Z');
    d.status = { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 2, conditions: [
      { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastUpdateTime: lastUpdate, lastTransitionTime: lastUpdate },
      { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'x', lastUpdateTime: lastUpdate, lastTransitionTime: lastUpdate },
    ] };
    const early = planDeploymentSync({ deployment: d, replicaSets: [cur], pods: [], now: NOW });
    expect(early).toEqual([expect.objectContaining({ kind: 'requeueAfter', delayMs: 31_000 })]);

    const late = planDeploymentSync({ deployment: d, replicaSets: [cur], pods: [], now: new Date('2024-01-01T00:11:00Z') });
    const status = (late[0] as Extract<DeploymentAction, { kind: 'updateDeploymentStatus' }>).deployment.status!;
    expect(status.conditions!.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${cur.metadata?.name}" has timed out progressing.` });
  });

  it('paused: records DeploymentPaused and only scales, no new ReplicaSet for a changed template', () => {
    const d = web(5, { paused: true });
    const old = ownedRS(web(3), '1', 3, 3, '2024-01-01T00:00:00Z', 'nginx:old');
    d.metadata!.annotations = { 'deployment.kubernetes.io/revision': '1' };
    const actions = planDeploymentSync({ deployment: d, replicaSets: [old], pods: [], now: NOW });
    expect(kinds(actions)).not.toContain('createReplicaSet');
    expect(scales(actions)).toEqual([`${old.metadata?.name} 3->5`]);
    const paused = actions[0] as Extract<DeploymentAction, { kind: 'updateDeploymentStatus' }>;
    expect(paused.deployment.status?.conditions?.[0]).toMatchObject({ type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
  });

  it('rollout undo (template back to revision 1): the old RS becomes the new one with revision 3 and history "1"', () => {
    const d = web(2);
    const v1 = ownedRS(d, '1', 0, 0, '2024-01-01T00:00:00Z');
    const v2 = ownedRS(d, '2', 2, 2, '2024-01-01T00:05:00Z', 'nginx:bad');
    const actions = planDeploymentSync({ deployment: d, replicaSets: [v1, v2], pods: [], now: NOW });
    expect(actions[0]).toMatchObject({ kind: 'updateReplicaSetAnnotations' });
    const updated = (actions[0] as Extract<DeploymentAction, { kind: 'updateReplicaSetAnnotations' }>).rs;
    expect(updated.metadata?.name).toBe(v1.metadata?.name);
    expect(updated.metadata?.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(kinds(actions)).not.toContain('createReplicaSet');
  });

  it('Recreate: scales old ReplicaSets to zero, then waits for their pods before creating the new one', () => {
    const d = deployment('web', 2, { strategy: 'Recreate', progressDeadlineSeconds: 600 });
    const old = ownedRS(d, '1', 2, 2, '2024-01-01T00:00:00Z', 'nginx:old');
    const first = planDeploymentSync({ deployment: d, replicaSets: [old], pods: [], now: NOW });
    expect(scales(first)).toEqual([`${old.metadata?.name} 2->0`]);
    expect(kinds(first)).not.toContain('createReplicaSet');

    const drained = { ...old, spec: { ...old.spec!, replicas: 0 }, status: { replicas: 0 } };
    const pod = { metadata: { name: 'p', namespace: 'default', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: old.metadata!.name!, uid: old.metadata!.uid!, controller: true }] }, status: { phase: 'Running' } };
    const waiting = planDeploymentSync({ deployment: d, replicaSets: [drained], pods: [pod], now: NOW });
    expect(kinds(waiting)).not.toContain('createReplicaSet');

    const done = planDeploymentSync({ deployment: d, replicaSets: [drained], pods: [{ ...pod, status: { phase: 'Succeeded' } }], now: NOW });
    const create = done.find((a) => a.kind === 'createReplicaSet') as Extract<DeploymentAction, { kind: 'createReplicaSet' }>;
    expect(create.rs.spec?.replicas).toBe(2);
  });

  it('adopts a matching orphan and releases an owned RS that stopped matching', () => {
    const d = web(1);
    const orphan = ownedRS(d, '1', 1, 1, '2024-01-01T00:00:00Z');
    orphan.metadata!.ownerReferences = [];
    const stray = ownedRS(d, '', 0, 0, '2024-01-01T00:01:00Z', 'other');
    stray.metadata!.labels = { app: 'other' };
    const actions = planDeploymentSync({ deployment: d, replicaSets: [orphan, stray], pods: [], now: NOW });
    expect(kinds(actions).slice(0, 2)).toEqual(['adoptReplicaSet', 'releaseReplicaSet']);
  });

  it('cleans up old ReplicaSets beyond revisionHistoryLimit once the rollout is complete', () => {
    const d = web(1, { revisionHistoryLimit: 1 });
    const cur = ownedRS(d, '3', 1, 1, '2024-01-01T00:05:00Z');
    const r1 = ownedRS(d, '1', 0, 0, '2024-01-01T00:00:00Z', 'v1');
    const r2 = ownedRS(d, '2', 0, 0, '2024-01-01T00:01:00Z', 'v2');
    d.metadata!.annotations = { 'deployment.kubernetes.io/revision': '3' };
    d.status = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1 };
    const actions = planDeploymentSync({ deployment: d, replicaSets: [cur, r1, r2], pods: [], now: NOW });
    expect(actions.filter((a) => a.kind === 'deleteReplicaSet').map((a) => (a as { rs: V1ReplicaSet }).rs.metadata?.name)).toEqual([r1.metadata?.name]);
  });

  it('adopting a ReplicaSet at revision 3546343826724305832 gives the new one 3546343826724305833 (int64, not a float)', () => {
    const d = web(2);
    const orphan = ownedRS(d, '3546343826724305832', 2, 2, '2024-01-01T00:00:00Z', 'nginx:old');
    orphan.metadata!.ownerReferences = [];
    const actions = planDeploymentSync({ deployment: d, replicaSets: [orphan], pods: [], now: NOW });
    expect(kinds(actions)[0]).toBe('adoptReplicaSet');
    const create = actions.find((a) => a.kind === 'createReplicaSet') as Extract<DeploymentAction, { kind: 'createReplicaSet' }>;
    expect(create.rs.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('3546343826724305833');
    const status = actions.find((a) => a.kind === 'updateDeploymentStatus') as Extract<DeploymentAction, { kind: 'updateDeploymentStatus' }>;
    expect(status.deployment.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('3546343826724305833');
  });

  it('rollout undo among huge revisions raises the old RS exactly one above the highest', () => {
    const d = web(2);
    const back = ownedRS(d, '3546343826724305831', 0, 0, '2024-01-01T00:00:00Z');
    const bad = ownedRS(d, '3546343826724305832', 2, 2, '2024-01-01T00:05:00Z', 'nginx:bad');
    const actions = planDeploymentSync({ deployment: d, replicaSets: [back, bad], pods: [], now: NOW });
    const updated = (actions[0] as Extract<DeploymentAction, { kind: 'updateReplicaSetAnnotations' }>).rs;
    expect(updated.metadata?.name).toBe(back.metadata?.name);
    expect(updated.metadata?.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '3546343826724305833',
      'deployment.kubernetes.io/revision-history': '3546343826724305831',
    });
  });

  it('the legacy rollback request finds its huge revision exactly, not a neighbour that rounds to the same number', () => {
    const d = web(2);
    const current = ownedRS(d, '3546343826724305833', 2, 2, '2024-01-01T00:05:00Z');
    const target = ownedRS(d, '3546343826724305832', 0, 0, '2024-01-01T00:00:00Z', 'nginx:old');
    d.metadata!.annotations = { 'deployment.kubernetes.io/revision': '3546343826724305833', 'deprecated.deployment.rollback.to': '3546343826724305832' };
    const actions = planDeploymentSync({ deployment: d, replicaSets: [current, target], pods: [], now: NOW });
    const rollback = actions.find((a) => a.kind === 'updateDeployment') as Extract<DeploymentAction, { kind: 'updateDeployment' }>;
    expect(rollback.event).toMatchObject({ reason: 'DeploymentRollback', message: 'Rolled back deployment "web" to revision 3546343826724305832' });
    expect(rollback.deployment.spec?.template.spec?.containers[0]?.image).toBe('nginx:old');
  });

  it('an empty selector only warns SelectingAll', () => {
    const d = web(1);
    d.spec!.selector = {};
    d.metadata!.generation = 2;
    const actions = planDeploymentSync({ deployment: d, replicaSets: [], pods: [], now: NOW });
    expect(kinds(actions)).toEqual(['recordEvent', 'updateDeploymentStatus']);
    expect(actions[0]).toMatchObject({ event: { type: 'Warning', reason: 'SelectingAll' } });
  });
});
