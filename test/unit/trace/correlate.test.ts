import { describe, expect, it } from 'vitest';
import { causalOrder, correlate, storyOf } from '../../../lab/trace/correlate.js';
import type { TraceEntry } from '../../../lab/trace/schema.js';
import { PODS, rolloutTimeline } from './scenario.js';

function find(entries: readonly TraceEntry[], pred: (e: TraceEntry) => boolean): TraceEntry {
  const hit = entries.find(pred);
  if (!hit) throw new Error('entry not found');
  return hit;
}

describe('correlator on a 3-replica rollout', () => {
  const { timeline, correlator } = rolloutTimeline();
  const entries = timeline.entries();
  const causeOf = (e: TraceEntry) => (e.causeId === undefined ? undefined : timeline.get(e.causeId));

  it('links ReplicaSet create ← decision ← Deployment ADDED ← etcd PUT', () => {
    const rsCreate = find(entries, (e) => e.tap === 'write' && e.object.kind === 'ReplicaSet');
    const decision = causeOf(rsCreate)!;
    expect(decision).toMatchObject({ tap: 'decision', actor: 'deployment-controller' });
    const added = causeOf(decision)!;
    expect(added).toMatchObject({ tap: 'informer', verb: 'ADDED', object: { kind: 'Deployment' } });
    expect(causeOf(added)).toMatchObject({ tap: 'etcd', resourceVersion: '100' });
  });

  it.each(PODS.map((p, i) => [p, i] as const))('links every step of pod %s', (pod) => {
    const about = (tap: string, verb: string) => find(entries, (e) => e.object.name === pod && e.tap === tap && e.verb === verb);
    expect(causeOf(about('write', 'create'))).toMatchObject({ tap: 'decision', actor: 'replicaset-controller' });
    expect(causeOf(about('etcd', 'PUT'))!.id).toBe(about('write', 'create').id);
    expect(causeOf(about('informer', 'ADDED'))!.id).toBe(about('etcd', 'PUT').id);
    const bind = about('write', 'bind');
    expect(causeOf(bind)).toMatchObject({ tap: 'decision', actor: 'scheduler', object: { name: pod } });
    expect(causeOf(about('kubelet', 'Started'))!.id).toBe(bind.id);
    const sandboxCreate = find(entries, (e) => e.object.name === pod && e.verb === '/containers/create' && e.details.containerKind === 'sandbox');
    expect(causeOf(sandboxCreate)!.id).toBe(bind.id);
    const containerCreate = find(entries, (e) => e.object.name === pod && e.verb === '/containers/create' && e.details.containerKind === 'container');
    expect(causeOf(containerCreate)).toMatchObject({ verb: '/tasks/start', details: { containerKind: 'sandbox' } });
    const taskStart = find(entries, (e) => e.object.name === pod && e.verb === '/tasks/start' && e.details.containerKind === 'container');
    expect(causeOf(taskStart)!.id).toBe(containerCreate.id);
  });

  it('knows the owner chain Deployment → ReplicaSet → Pod', () => {
    expect(correlator.owners.isWithin(`Pod/default/${PODS[0]}`, 'Deployment/default/web')).toBe(true);
    expect(correlator.owners.isWithin('ReplicaSet/default/web-7d9f', 'Deployment/default/web')).toBe(true);
    expect(correlator.owners.isWithin('Deployment/default/web', `Pod/default/${PODS[0]}`)).toBe(false);
  });

  it('correlate() after the fact gives the same links as live linking when arrival = occurrence', () => {
    const relinked = correlate(entries);
    expect(relinked.map((e) => e.causeId)).toEqual(entries.map((e) => e.causeId));
  });

  it('correlate() places a late audit line: an etcd PUT that arrived before the audit line still links to it', () => {
    const etcd: TraceEntry = { schemaVersion: 1, id: 1, tMs: 30, wallTime: '2025-01-01T10:00:00.030Z', tap: 'etcd', actor: 'etcd', verb: 'PUT', object: { kind: 'Deployment', namespace: 'default', name: 'api' }, resourceVersion: '7', details: {} };
    const audit: TraceEntry = { schemaVersion: 1, id: 2, tMs: 10, wallTime: '2025-01-01T10:00:00.010Z', tap: 'audit', actor: 'kubectl', verb: 'create', object: { kind: 'Deployment', namespace: 'default', name: 'api' }, details: {} };
    const [e, a] = correlate([etcd, audit]);
    expect(e!.causeId).toBe(2);
    expect(a!.causeId).toBeUndefined();
  });

  it('causalOrder never puts an entry before its cause, even with skewed times', () => {
    const base = { schemaVersion: 1 as const, wallTime: '2025-01-01T10:00:00.000Z', actor: 'etcd' as const, verb: 'PUT', object: { kind: 'Pod', name: 'x' }, details: {} };
    const cause: TraceEntry = { ...base, id: 1, tMs: 50, tap: 'write', actor: 'scheduler' };
    const effect: TraceEntry = { ...base, id: 2, tMs: 40, tap: 'etcd', causeId: 1 };
    const other: TraceEntry = { ...base, id: 3, tMs: 45, tap: 'etcd' };
    expect(causalOrder([effect, other, cause]).map((e) => e.id)).toEqual([3, 1, 2]);
  });

  it('causalOrder ends, each entry once, when ids repeat (two sessions in one file, not joined)', () => {
    const base = { schemaVersion: 1 as const, wallTime: '2025-01-01T10:00:00.000Z', actor: 'etcd' as const, verb: 'PUT', object: { kind: 'Pod', name: 'x' }, details: {}, tap: 'etcd' as const };
    // session 1: 1 ← 2; session 2: 1 ← 2 again, and 2 ← 1 would cycle through the repeated ids
    const entries: TraceEntry[] = [
      { ...base, id: 1, tMs: 0 },
      { ...base, id: 2, tMs: 1, causeId: 1 },
      { ...base, id: 1, tMs: 2, causeId: 2 },
      { ...base, id: 2, tMs: 3, causeId: 1 },
    ];
    const ordered = causalOrder(entries);
    expect(ordered.length).toBeLessThanOrEqual(entries.length);
    expect(new Set(ordered).size).toBe(ordered.length);
  });

  it('storyOf(deployment/web) holds the whole rollout in causal order, and not unrelated objects', () => {
    const extra = { ...entries[0]!, id: 999, object: { kind: 'Deployment', namespace: 'default', name: 'other' } };
    const story = storyOf([...entries, extra], { kind: 'Deployment', namespace: 'default', name: 'web' });
    expect(story.some((e) => e.id === 999)).toBe(false);
    expect(story.length).toBe(entries.length);
    const position = new Map(story.map((e, i) => [e.id, i]));
    for (const e of story) if (e.causeId !== undefined && position.has(e.causeId)) expect(position.get(e.causeId)!).toBeLessThan(position.get(e.id)!);
  });
});
