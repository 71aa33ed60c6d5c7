import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlParseError, JsonlStreamWriter, parseJsonl, readJsonlFile, writeJsonlFile } from '../../../lab/trace/export/jsonl.js';
import { Timeline } from '../../../lab/trace/timeline.js';
import { rolloutTimeline } from './scenario.js';

describe('JSONL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trace-jsonl-'));

  it('round-trips a session', async () => {
    const entries = rolloutTimeline().timeline.entries();
    const path = join(dir, 'round.jsonl');
    await writeJsonlFile(path, entries);
    expect(await readJsonlFile(path)).toEqual(JSON.parse(JSON.stringify(entries)));
  });

  it.each([
    ['{"schemaVersion":2}', 1, 'schemaVersion'],
    ['{nope', 1, ''],
  ])('names line and field: %s', (line, lineNo, field) => {
    try {
      parseJsonl(line);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(JsonlParseError);
      expect((err as JsonlParseError).line).toBe(lineNo);
      expect((err as JsonlParseError).field).toBe(field);
    }
  });

  it('joins sessions appended to one file: ids stay unique, causes follow, times continue', () => {
    const first = rolloutTimeline().timeline.entries();
    const second = rolloutTimeline().timeline.entries().map((e) => ({
      ...e,
      wallTime: new Date(Date.parse(e.wallTime) + 60_000).toISOString(),
    }));
    const joined = parseJsonl([...first, ...second].map((e) => JSON.stringify(e)).join('\n'));
    expect(new Set(joined.map((e) => e.id)).size).toBe(first.length + second.length);
    const maxFirst = Math.max(...first.map((e) => e.id));
    const secondJoined = joined.slice(first.length);
    for (const [i, e] of secondJoined.entries()) {
      expect(e.id).toBeGreaterThan(maxFirst);
      if (second[i]!.causeId !== undefined) expect(e.causeId).toBe(second[i]!.causeId! + (e.id - second[i]!.id));
      expect(e.tMs).toBe(second[i]!.tMs + 60_000);
    }
    // one session alone is read as it was written
    expect(parseJsonl(first.map((e) => JSON.stringify(e)).join('\n'))).toEqual(JSON.parse(JSON.stringify(first)));
  });

  it('reports the bad field of a later line', () => {
    const good = JSON.stringify(rolloutTimeline().timeline.entries()[0]);
    const bad = JSON.stringify({ ...JSON.parse(good), actor: 'kubelet@' });
    expect(() => parseJsonl(`${good}\n\n${bad}\n`)).toThrow(/^line 3: actor: /);
    const badTap = JSON.stringify({ ...JSON.parse(good), tap: 'syslog' });
    expect(() => parseJsonl(`${good}\n${badTap}`)).toThrow(/^line 2: tap: /);
    const badDetails = JSON.stringify({ ...JSON.parse(good), object: { kind: 'Pod' } });
    expect(() => parseJsonl(badDetails)).toThrow(/^line 1: object\.name: /);
  });

  it('streams a timeline to a file without losing entries, redacted', async () => {
    const path = join(dir, 'stream.jsonl');
    const timeline = new Timeline({ cap: 10 });
    const writer = new JsonlStreamWriter(path, { flushIntervalMs: 5, maxBufferedChars: 200 });
    writer.attach(timeline);
    for (let i = 0; i < 500; i++) {
      timeline.append({ tap: 'informer', actor: 'scheduler', verb: 'ADDED', object: { kind: 'Pod', namespace: 'default', name: `p-${i}` }, details: { env: [{ name: 'K', value: 'sekrit' }] } });
    }
    await writer.close();
    const entries = await readJsonlFile(path);
    expect(entries).toHaveLength(500);
    expect(entries.map((e) => e.id)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(readFileSync(path, 'utf8')).not.toContain('sekrit');
    expect(timeline.dropped).toBe(490);
  });
});
