import { describe, expect, it } from 'vitest';
import type { TraceInput } from '../../../lab/trace/schema.js';
import { Timeline } from '../../../lab/trace/timeline.js';

const input = (name: string, at?: Date): TraceInput => ({ tap: 'decision', actor: 'scheduler', verb: 'bind', object: { kind: 'Pod', name }, details: {}, ...(at ? { at } : {}) });

describe('Timeline', () => {
  it('assigns monotonic ids and times from the session start', () => {
    let now = 1_000;
    const t = new Timeline({ startMs: 1_000, now: () => now });
    now = 1_250;
    const a = t.append(input('a'));
    const b = t.append(input('b', new Date(1_100)));
    expect([a.id, a.tMs, b.id, b.tMs]).toEqual([1, 250, 2, 100]);
    expect(b.wallTime).toBe(new Date(1_100).toISOString());
    expect(b.schemaVersion).toBe(1);
  });

  it('keeps at most cap entries, oldest dropped first and counted', () => {
    const t = new Timeline({ cap: 3 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) t.append(input(n));
    expect(t.entries().map((e) => e.object.name)).toEqual(['c', 'd', 'e']);
    expect(t.dropped).toBe(2);
    expect(t.get(2)).toBeUndefined();
    expect(t.get(4)?.object.name).toBe('d');
  });

  it('drops nothing below the cap (300-pod scale-up size)', () => {
    const t = new Timeline();
    for (let i = 0; i < 300 * 60; i++) t.append(input(`p${i}`));
    expect(t.dropped).toBe(0);
    expect(t.size).toBe(18_000);
  });

  it('publishes to subscribers in order, survives a throwing subscriber, and stops on unsubscribe', () => {
    const t = new Timeline();
    const seen: number[] = [];
    t.subscribe(() => {
      throw new Error('broken view');
    });
    const off = t.subscribe((e) => seen.push(e.id));
    t.append(input('a'));
    t.append(input('b'));
    off();
    t.append(input('c'));
    expect(seen).toEqual([1, 2]);
  });

  it('runs enrichers and stores redacted entries', () => {
    const t = new Timeline({ enrich: (e) => ({ ...e, causeId: 42 }) });
    const e = t.append({ ...input('a'), details: { env: [{ name: 'X', value: 'v' }] } });
    expect(e.causeId).toBe(42);
    expect(JSON.stringify(t.entries())).not.toContain('"v"');
  });
});
