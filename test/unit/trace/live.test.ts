import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { filterEntries, parseDuration, parseObjectSelector } from '../../../lab/trace/filter.js';
import { formatLine, startLiveView } from '../../../lab/trace/live.js';
import type { TraceEntry } from '../../../lab/trace/schema.js';
import { Timeline } from '../../../lab/trace/timeline.js';
import { rolloutTimeline } from './scenario.js';

const entry: TraceEntry = {
  schemaVersion: 1, id: 7, tMs: 1234, wallTime: '2025-01-01T10:00:01.234Z', tap: 'informer', actor: 'replicaset-controller', verb: 'MODIFIED',
  object: { kind: 'ReplicaSet', namespace: 'default', name: 'web-7d9f' }, resourceVersion: '4711',
  details: { diff: [{ field: 'status.readyReplicas', from: '1', to: '2' }] },
};

describe('formatLine', () => {
  it('aligns columns: +ms, actor, verb, object, rv, details', () => {
    const line = formatLine(entry, 200);
    expect(line).toBe(' +1234ms replicaset-controller    MODIFIED     replicaset/default/web-7d9f        4711     status.readyReplicas 1→2');
  });

  it('never exceeds the width and marks cut text', () => {
    const line = formatLine(entry, 100);
    expect(line.length).toBeLessThanOrEqual(100);
    expect(line.endsWith('…')).toBe(true);
    expect(formatLine(entry, 20).length).toBe(20);
  });

  it('colours when asked, and keeps the same text', () => {
    const coloured = formatLine(entry, 200, new Chalk({ level: 2 }));
    expect(coloured).not.toBe(formatLine(entry, 200));
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(formatLine(entry, 200));
  });

  it('never prints env values', () => {
    const withEnv = { ...entry, details: { message: 'x', env: [{ name: 'A', value: 'sekrit' }] } };
    expect(formatLine(withEnv, 300)).not.toContain('sekrit');
  });
});

describe('filters', () => {
  const { timeline } = rolloutTimeline();
  const entries = timeline.entries();

  it('deployment/web includes its ReplicaSet and pods (and their etcd and containerd entries)', () => {
    const kept = filterEntries([...entries, { ...entry, id: 999, object: { kind: 'Pod', namespace: 'default', name: 'unrelated' } }], { object: 'deployment/web' });
    expect(kept.some((e) => e.id === 999)).toBe(false);
    expect(new Set(kept.map((e) => e.tap))).toEqual(new Set(['audit', 'etcd', 'informer', 'decision', 'write', 'containerd', 'kubelet']));
  });

  it('rs/ selects only that ReplicaSet subtree', () => {
    const kept = filterEntries(entries, { object: 'rs/web-7d9f' });
    expect(kept.every((e) => e.object.kind !== 'Deployment')).toBe(true);
    expect(kept.length).toBeGreaterThan(20);
  });

  it('filters by actor (exact or kubelet@ prefix), namespace and since', () => {
    expect(filterEntries(entries, { actor: 'scheduler' }).every((e) => e.actor === 'scheduler')).toBe(true);
    expect(filterEntries(entries, { actor: 'kubelet@' }).map((e) => e.actor)).toEqual(['kubelet@kind-worker', 'kubelet@kind-worker2', 'kubelet@kind-worker']);
    expect(filterEntries(entries, { namespace: 'kube-system' })).toEqual([]);
    expect(filterEntries(entries, { since: 90 }).every((e) => e.tMs >= 90)).toBe(true);
    expect(filterEntries(entries, { since: '5ms' }, 100).map((e) => e.tMs)).toEqual([95, 96, 97]);
  });

  it.each([
    ['deploy/web', { kind: 'Deployment', name: 'web' }],
    ['pod/web-1', { kind: 'Pod', name: 'web-1' }],
    ['ReplicaSet/x', { kind: 'ReplicaSet', name: 'x' }],
  ])('selector %s', (text, sel) => expect(parseObjectSelector(text)).toEqual(sel));

  it('rejects bad selectors and durations', () => {
    expect(() => parseObjectSelector('web')).toThrow();
    expect(() => parseDuration('5 minutes')).toThrow();
    expect(parseDuration('1.5s')).toBe(1500);
  });

  it('live view prints only matching entries as they arrive', () => {
    const t = new Timeline();
    const lines: string[] = [];
    const stop = startLiveView(t, { filter: { actor: 'etcd' }, write: (l) => lines.push(l), width: () => 120, colour: false });
    t.append({ tap: 'etcd', actor: 'etcd', verb: 'PUT', object: { kind: 'Pod', name: 'a' }, details: {} });
    t.append({ tap: 'decision', actor: 'scheduler', verb: 'bind', object: { kind: 'Pod', name: 'a' }, details: {} });
    stop();
    t.append({ tap: 'etcd', actor: 'etcd', verb: 'PUT', object: { kind: 'Pod', name: 'b' }, details: {} });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PUT');
  });
});
