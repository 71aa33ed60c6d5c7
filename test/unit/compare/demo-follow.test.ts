// lab demo's pure parts live here: the assignment's test paths are test/unit/compare and test/unit/bench.
import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asInput, completeLines, firstRunningAt, followJsonl, parseEntryLine } from '../../../lab/demo/follow.js';
import type { TraceEntry } from '../../../lab/trace/schema.js';
import { entry } from './entries.js';

describe('completeLines', () => {
  it.each([
    ['', [], ''],
    ['{"a":1}', [], '{"a":1}'],
    ['{"a":1}\n', ['{"a":1}'], ''],
    ['{"a":1}\n{"b"', ['{"a":1}'], '{"b"'],
    ['x\n\ny\nz', ['x', 'y'], 'z'],
  ])('%j → %j + rest %j', (buffer, lines, rest) => expect(completeLines(buffer)).toEqual({ lines, rest }));
});

describe('parseEntryLine', () => {
  const good = entry('audit', 'kubectl', 'create', 'Deployment', 'web', 5);
  it('reads a valid entry', () => expect(parseEntryLine(JSON.stringify(good))).toEqual(good));
  it.each(['not json', '{"schemaVersion":99}', '[]'])('skips %j', (line) => expect(parseEntryLine(line)).toBeUndefined());
});

describe('asInput', () => {
  it('keeps the instant and the facts, drops the id', () => {
    const e: TraceEntry = { ...entry('write', 'replicaset-controller', 'create', 'Pod', 'p', 10), resourceVersion: '42', latencyMs: 3 };
    const input = asInput(e);
    expect(input).toMatchObject({ tap: 'write', actor: 'replicaset-controller', verb: 'create', resourceVersion: '42', latencyMs: 3 });
    expect(input.at?.toISOString()).toBe(e.wallTime);
    expect('id' in input).toBe(false);
  });
});

describe('firstRunningAt', () => {
  const running = (name: string, t: number, ns = 'demo') => entry('kubelet', 'kubelet@lab-worker', 'status', 'Pod', name, t, { diff: [{ field: 'status.phase', from: 'Pending', to: 'Running' }] }, ns);
  it('takes the earliest Running report in the namespace', () => {
    const entries = [running('b', 900), running('a', 700), running('x', 100, 'other'), entry('kubelet', 'kubelet@lab-worker', 'status', 'Pod', 'c', 50, { diff: [{ field: 'condition.Ready', to: 'True' }] }, 'demo')];
    expect(firstRunningAt(entries, 'demo')).toBe(700);
  });
  it('is undefined when no pod ran', () => expect(firstRunningAt([], 'demo')).toBeUndefined());
});

describe('followJsonl', () => {
  it('delivers entries appended to a growing file, including a line split across writes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'follow-'));
    const path = join(dir, 'trace.jsonl');
    const seen: string[] = [];
    const follower = followJsonl(path, (e) => seen.push(e.object.name), 10);
    await new Promise((r) => setTimeout(r, 30)); // the file does not exist yet: no error
    const a = JSON.stringify(entry('audit', 'kubectl', 'create', 'Deployment', 'first', 1));
    const b = JSON.stringify(entry('audit', 'kubectl', 'create', 'Deployment', 'second', 2));
    await writeFile(path, a + '\n' + b.slice(0, 20));
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(['first']);
    await appendFile(path, b.slice(20) + '\nnot json\n');
    await follower.stop();
    expect(seen).toEqual(['first', 'second']);
  });
});
