/** Two labs' trace files read as one timeline: shared taps kept once, ids and times rebased. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../support/temp-dir.js';
import { mergeTraceFiles, sessionStartMs } from '../../../lab/exercises/trace-merge.js';
import { entriesFromJsonl, JsonlTraceSource, traceFileFromJsonl } from '../../../lab/exercises/trace-source.js';
import type { TraceEntry } from '../../../lab/trace/schema.js';

const T0 = Date.UTC(2025, 0, 1);

/** An entry of a session that started at `startMs`, `tMs` into it. */
function at(startMs: number, id: number, tMs: number, fields: Partial<TraceEntry> = {}): TraceEntry {
  return {
    schemaVersion: 1,
    id,
    tMs,
    wallTime: new Date(startMs + tMs).toISOString(),
    tap: 'audit',
    actor: 'replicaset-controller',
    verb: 'create',
    object: { kind: 'Pod', namespace: 'ex-test', name: `web-${id}` },
    details: {},
    ...fields,
  };
}
const jsonl = (entries: TraceEntry[]) => entries.map((e) => JSON.stringify(e) + '\n').join('');

describe('mergeTraceFiles', () => {
  const leaderStart = T0;
  const standbyStart = T0 + 60_000;
  const audit = { tap: 'audit' as const, details: { auditID: 'a-1' }, object: { kind: 'Pod', namespace: 'ex-test', name: 'web-x' } };
  const leader = [at(leaderStart, 1, 59_000), at(leaderStart, 2, 61_000, audit), at(leaderStart, 3, 61_500, { tap: 'write', causeId: 2 })];
  const standby = [
    at(standbyStart, 1, 500, { tap: 'decision', verb: 'standby', object: { kind: 'Lease', namespace: 'k8s-flow-lab', name: 'replicaset-controller' } }),
    { ...at(standbyStart, 2, 1_000, audit), wallTime: new Date(leaderStart + 61_300).toISOString() }, // the same audit line, read 0.3 s later
    at(standbyStart, 3, 20_000, { tap: 'decision', verb: 'acquire-lease', causeId: 1, object: { kind: 'Lease', namespace: 'k8s-flow-lab', name: 'replicaset-controller' } }),
  ];

  it('keeps an event both tracers saw once, and every process-own entry', () => {
    const merged = mergeTraceFiles([{ entries: leader, startMs: leaderStart }, { entries: standby, startMs: standbyStart }]);
    expect(merged.map((e) => `${e.tap}:${e.verb}`)).toEqual(['audit:create', 'decision:standby', 'audit:create', 'write:create', 'decision:acquire-lease']);
  });

  it('moves the later file past the earlier ids (causes follow) and times it from the earliest start', () => {
    const merged = mergeTraceFiles([{ entries: leader, startMs: leaderStart }, { entries: standby, startMs: standbyStart }]);
    const acquire = merged.find((e) => e.verb === 'acquire-lease')!;
    expect(acquire).toMatchObject({ id: 6, causeId: 4, tMs: 80_000 }); // 3 + 3, 3 + 1
    expect(merged.find((e) => e.tap === 'write')).toMatchObject({ id: 3, causeId: 2, tMs: 61_500 });
    expect(new Set(merged.map((e) => e.id)).size).toBe(merged.length);
  });

  it('keeps repeats of an event within one file, and the same event seen far apart', () => {
    const twice = [at(leaderStart, 1, 1_000, audit), at(leaderStart, 2, 1_100, audit)];
    const later = [{ ...at(standbyStart, 1, 0, audit), wallTime: new Date(leaderStart + 10_000).toISOString() }];
    expect(mergeTraceFiles([{ entries: twice, startMs: leaderStart }, { entries: later, startMs: standbyStart }])).toHaveLength(3);
  });

  it('gives a single file back unchanged', () => {
    expect(mergeTraceFiles([{ entries: leader, startMs: leaderStart }, { entries: [], startMs: 0 }])).toEqual(leader);
    expect(mergeTraceFiles([])).toEqual([]);
    expect(sessionStartMs(leader)).toBe(leaderStart);
  });
});

describe('reading trace files', () => {
  const tempDir = useTempDir('lab-trace-');

  it('skips a line torn by a killed writer, and the partial last line', () => {
    const [a, b, c] = [at(T0, 1, 0), at(T0, 2, 1_000), at(T0 + 5_000, 1, 0)];
    const torn = JSON.stringify(b).slice(0, 40);
    const text = `${JSON.stringify(a)}\n${torn}${JSON.stringify(c)}\n${JSON.stringify(at(T0 + 5_000, 2, 100))}\n{"schemaVer`;
    expect(entriesFromJsonl(text, new Date(T0)).map((e) => e.object.name)).toEqual(['web-1', 'web-2']);
  });

  it('still rejects a line of another schema version', () => {
    const text = `${JSON.stringify(at(T0, 1, 0))}\nnot json\n${JSON.stringify({ ...at(T0, 2, 5), schemaVersion: 9 })}\n`;
    expect(() => entriesFromJsonl(text, new Date(T0))).toThrow(/schema version 9/);
  });

  it('keeps the start of the whole file when only later entries are asked for', () => {
    const file = traceFileFromJsonl(jsonl([at(T0, 1, 0), at(T0, 2, 30_000)]), new Date(T0 + 10_000));
    expect(file).toMatchObject({ startMs: T0, entries: [{ id: 2 }] });
  });

  it('JsonlTraceSource reads both files, either may be missing', async () => {
    const current = join(tempDir(), 'current.jsonl');
    const standby = join(tempDir(), 'standby.jsonl');
    const source = new JsonlTraceSource(current, standby);
    expect(await source.entriesSince(new Date(T0))).toBeUndefined();
    await writeFile(standby, jsonl([at(T0 + 1_000, 1, 0, { tap: 'decision', verb: 'standby' })]));
    expect((await source.entriesSince(new Date(T0)))!.map((e) => e.verb)).toEqual(['standby']);
    await writeFile(current, jsonl([at(T0, 1, 0), at(T0, 2, 2_000)]));
    expect((await source.entriesSince(new Date(T0)))!.map((e) => `${e.id}:${e.verb}`)).toEqual(['1:create', '3:standby', '2:create']);
  });
});
