import { describe, expect, it } from 'vitest';
import { stateTimeline, statesAt } from '../../../lab/trace/object-states.js';
import { deleteTrace, scaleTrace, TraceBuilder, type Controllers } from './story-traces.js';

const pods = (states: ReturnType<typeof statesAt>) => states.filter((s) => s.kind === 'Pod');

describe.each<Controllers>(['lab', 'builtin'])('object states over a scale-up (%s controllers)', (controllers) => {
  const b = new TraceBuilder(controllers);
  const ready = b.createDeployment(200, 'web', 2, '77df657bb8');
  const scaleAt = ready + 2000;
  b.scaleDeployment(scaleAt, 'web', 'web-77df657bb8', 4);
  const timeline = stateTimeline(b.entries());

  it('before the request: nothing exists yet', () => {
    expect(statesAt(timeline, 150)).toEqual([]);
  });

  it('once the first pods are Running: 2 pods with their phase and node, the ReplicaSet existing', () => {
    const at = statesAt(timeline, ready);
    expect(at.find((s) => s.kind === 'Deployment')).toMatchObject({ name: 'web', namespace: 'demo', exists: 'yes' });
    expect(at.find((s) => s.kind === 'ReplicaSet')).toMatchObject({ name: 'web-77df657bb8', exists: 'yes' });
    expect(pods(at).map((p) => p.phase)).toEqual(['Running', 'Running']);
    expect(pods(at).every((p) => p.node === 'lab-worker' || p.node === 'lab-worker2')).toBe(true);
  });

  it('a pod just created is Pending with no node; after the scale-up there are 4 Running pods', () => {
    const first = timeline.changes.find(([, i]) => timeline.objects[i]!.kind === 'Pod')!;
    expect(pods(statesAt(timeline, first[0]))[0]).toMatchObject({ phase: 'Pending', exists: 'yes' });
    expect(pods(statesAt(timeline, first[0]))[0]!.node).toBeUndefined();
    const end = statesAt(timeline, timeline.endMs);
    expect(pods(end).map((p) => p.phase)).toEqual(Array(4).fill('Running'));
  });

  it('replicas on both sides: the lab\'s informers see spec.replicas, the audit log\'s bodies tell it for the built-ins', () => {
    const rs = (t: number) => statesAt(timeline, t).find((s) => s.kind === 'ReplicaSet')!;
    const dep = (t: number) => statesAt(timeline, t).find((s) => s.kind === 'Deployment')!;
    expect(rs(timeline.endMs).replicas).toBe('4');
    expect(rs(scaleAt - 1).replicas).toBe('2');
    expect(dep(scaleAt - 1).replicas).toBe('2');
    expect(dep(timeline.endMs).replicas).toBe('4');
  });

  it('a built-in trace whose audit lines carry no bodies (recorded before) shows no replicas rather than a guess', () => {
    const old = new TraceBuilder(controllers, 'demo', false);
    old.scaleDeployment(old.createDeployment(200, 'web', 2, '77df657bb8') + 2000, 'web', 'web-77df657bb8', 4);
    const tl = stateTimeline(old.entries());
    const rs = statesAt(tl, tl.endMs).find((s) => s.kind === 'ReplicaSet')!;
    expect(rs.replicas).toBe(controllers === 'lab' ? '4' : undefined);
  });
});

describe('object states over a delete', () => {
  const timeline = stateTimeline(deleteTrace('lab'));

  it('ends with every object deleted, pods Terminating on the way', () => {
    const end = statesAt(timeline, timeline.endMs);
    expect(end.map((s) => s.exists)).toEqual(Array(end.length).fill('deleted'));
    expect(end.length).toBe(1 + 1 + 3);
    expect(pods(end).map((p) => p.phase)).toEqual(Array(3).fill('Terminating'));
  });

  it('records a change only when a value changed, in time order', () => {
    const times = timeline.changes.map(([t]) => t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const keys = timeline.changes.map(([, i, f, v]) => `${i}|${f}|${v}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('object states of a trace with no Deployment, ReplicaSet or pod', () => {
  it('is empty', () => {
    expect(stateTimeline([])).toEqual({ startMs: 0, endMs: 0, objects: [], changes: [] });
  });
});
