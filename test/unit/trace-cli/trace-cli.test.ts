import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../lab/base/errors.js';
import { buildExport, readTraceFile } from '../../../lab/trace/files.js';
import {
  liveFilter, parseActorOption, parseExportFormat, parseFilterOptions, parseLevel, parseObjectOption, parseSince, selectEntries, LIVE_LEVELS,
} from '../../../lab/trace/selection.js';
import { REPO_ROOT } from '../../../lab/cluster/paths.js';
import { parseJsonl } from '../../../lab/trace/export/jsonl.js';
import { Correlator } from '../../../lab/trace/correlate.js';
import { Timeline } from '../../../lab/trace/timeline.js';
import type { TraceEntry } from '../../../lab/trace/schema.js';
import { rolloutInputs, START } from '../trace/scenario.js';

/** The synthetic 3-replica rollout as a JSONL file, the way `lab trace` would have saved it. */
function rolloutFile(): { path: string; entries: TraceEntry[] } {
  const correlator = new Correlator();
  const timeline = new Timeline({ startMs: START, enrich: (e) => correlator.link(e) });
  for (const input of rolloutInputs()) timeline.append(input);
  const entries = timeline.entries();
  const path = join(mkdtempSync(join(tmpdir(), 'lab-trace-')), 'current.jsonl');
  writeFileSync(path, entries.map((e) => JSON.stringify(e) + '\n').join(''));
  return { path, entries };
}

const expectBadInput = (fn: () => unknown, message: RegExp) => {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(BadInputError);
  expect((caught as BadInputError).message).toMatch(message);
  expect((caught as BadInputError).fix).toBeTruthy();
};

describe('--since', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['500ms', 500],
    ['1h', 3_600_000],
  ])('%s is a duration of %i ms', (text, ms) => {
    expect(parseSince(text)).toEqual({ kind: 'duration', ms, text });
  });
  it.each([
    ['2025-01-01T10:00:00Z', Date.parse('2025-01-01T10:00:00Z')],
    ['2025-01-01T10:00:00.250+02:00', Date.parse('2025-01-01T08:00:00.250Z')],
  ])('%s is a time', (text, epochMs) => {
    expect(parseSince(text)).toEqual({ kind: 'time', epochMs });
  });
  it.each(['yesterday', '30', '5 minutes', '2025-13-45T99:00:00Z', '-30s', ''])('"%s" is bad input', (text) => {
    expectBadInput(() => parseSince(text), /--since/);
  });
});

describe('--object, --actor, --namespace', () => {
  it.each([
    ['deployment/web', { kind: 'Deployment', name: 'web' }],
    ['rs/web-7d9f', { kind: 'ReplicaSet', name: 'web-7d9f' }],
    ['pod/web-7d9f-aaaaa', { kind: 'Pod', name: 'web-7d9f-aaaaa' }],
    ['StatefulSet/db', { kind: 'StatefulSet', name: 'db' }],
  ])('%s', (text, expected) => {
    expect(parseObjectOption(text)).toEqual(expected);
  });
  it.each(['web', 'deployment/', '/web', 'deployment/default/web', '1x/web'])('"%s" is bad input', (text) => {
    expectBadInput(() => parseObjectOption(text), /KIND\/NAME/);
  });
  it.each(['scheduler', 'kubectl', 'kubelet@lab-worker', 'kubelet@', 'containerd@', 'default-scheduler'])('actor %s is accepted', (actor) => {
    expect(parseActorOption(actor)).toBe(actor);
  });
  it.each(['schedular', 'kubelet', 'kubelet@-bad'])('actor %s is bad input', (actor) => {
    expectBadInput(() => parseActorOption(actor), /--actor/);
  });
  it('a namespace must be a DNS label', () => {
    expect(parseFilterOptions({ namespace: 'kube-system' })).toEqual({ namespace: 'kube-system' });
    expectBadInput(() => parseFilterOptions({ namespace: 'Kube_System' }), /--namespace/);
  });
  it('--format must be jsonl, json, mermaid, text or html', () => {
    expect(parseExportFormat('mermaid')).toBe('mermaid');
    expect(parseExportFormat('text')).toBe('text');
    expectBadInput(() => parseExportFormat('svg'), /--format "svg"/);
  });
  it('--level must be story, components or full (story or full for the live view)', () => {
    expect(parseLevel('components')).toBe('components');
    expect(parseLevel('story', LIVE_LEVELS)).toBe('story');
    expectBadInput(() => parseLevel('components', LIVE_LEVELS), /--level "components" is not one of story, full/);
    expectBadInput(() => parseLevel('steps'), /--level "steps"/);
  });
});

describe('liveFilter: --since in session time', () => {
  const startMs = Date.parse('2025-01-01T10:00:00Z');
  it('a duration is handed to the live view as text (it counts back from now)', () => {
    expect(liveFilter(parseFilterOptions({ since: '30s', actor: 'scheduler' }), startMs)).toEqual({ since: '30s', actor: 'scheduler' });
  });
  it('a time becomes ms since the session started (negative = before it)', () => {
    expect(liveFilter(parseFilterOptions({ since: '2025-01-01T10:00:05Z' }), startMs)).toEqual({ since: 5000 });
    expect(liveFilter(parseFilterOptions({ since: '2025-01-01T09:59:00Z' }), startMs)).toEqual({ since: -60_000 });
  });
});

describe('selectEntries', () => {
  const { entries } = rolloutFile();
  it('--object deployment/web: the Deployment, its ReplicaSet and Pods', () => {
    const kinds = new Set(selectEntries(entries, parseFilterOptions({ object: 'deployment/web' })).map((e) => e.object.kind));
    expect(kinds).toEqual(new Set(['Deployment', 'ReplicaSet', 'Pod']));
  });
  it('--object pod/NAME: only that pod (and direct causes)', () => {
    const selected = selectEntries(entries, parseFilterOptions({ object: 'pod/web-7d9f-bbbbb' }));
    expect(selected.length).toBeGreaterThan(0);
    expect(selected.filter((e) => e.object.kind === 'Pod').every((e) => e.object.name === 'web-7d9f-bbbbb')).toBe(true);
  });
  it('--actor scheduler', () => {
    const selected = selectEntries(entries, parseFilterOptions({ actor: 'scheduler' }));
    expect(selected).toHaveLength(9);
    expect(selected.every((e) => e.actor === 'scheduler')).toBe(true);
  });
  it('--actor containerd@ (every node)', () => {
    const actors = new Set(selectEntries(entries, parseFilterOptions({ actor: 'containerd@' })).map((e) => e.actor));
    expect(actors).toEqual(new Set(['containerd@kind-worker', 'containerd@kind-worker2']));
  });
  it('--since TIME keeps entries at or after it by wall time', () => {
    const selected = selectEntries(entries, parseFilterOptions({ since: new Date(START + 60).toISOString() }));
    expect(selected.length).toBeGreaterThan(0);
    expect(selected.every((e) => Date.parse(e.wallTime) >= START + 60)).toBe(true);
    expect(selected.length).toBeLessThan(entries.length);
  });
  it('--since DURATION counts back from the last entry', () => {
    const last = Math.max(...entries.map((e) => e.tMs));
    const selected = selectEntries(entries, parseFilterOptions({ since: '10ms' }));
    expect(selected.every((e) => e.tMs >= last - 10)).toBe(true);
    expect(selected.length).toBeGreaterThan(0);
  });
  it('--namespace other: nothing', () => {
    expect(selectEntries(entries, parseFilterOptions({ namespace: 'other' }))).toEqual([]);
  });
});

describe('export', () => {
  it('jsonl round-trips: every entry, unchanged, valid against the schema', async () => {
    const { path, entries } = rolloutFile();
    const result = await buildExport({ format: 'jsonl', input: path });
    expect(result.out).toBeUndefined();
    const back = parseJsonl(result.text);
    expect(back).toHaveLength(entries.length);
    // Re-linking on export finds the same causes the live correlator did.
    expect([...back].sort((a, b) => a.id - b.id)).toEqual(entries);
  });
  it('mermaid starts with sequenceDiagram', async () => {
    const { path } = rolloutFile();
    const result = await buildExport({ format: 'mermaid', input: path, object: 'deployment/web' });
    expect(result.text.trimStart().startsWith('sequenceDiagram')).toBe(true);
    expect(result.text).toContain('scheduler');
  });
  it('html contains the table and the mermaid source; defaults to a file', async () => {
    const { path } = rolloutFile();
    const result = await buildExport({ format: 'html', input: path });
    expect(result.out).toMatch(/trace[/\\]report\.html$/);
    expect(result.text).toContain('<table id="timeline">');
    expect(result.text).toContain('<pre class="mermaid">sequenceDiagram');
    expect(result.text).toContain('web-7d9f-aaaaa');
  }, 30_000);
  it('--level story tells the numbered steps; the default is every entry', async () => {
    const { path, entries } = rolloutFile();
    const story = await buildExport({ format: 'text', level: 'story', input: path });
    expect(story.text.split('\n')[0]).toBe('kubectl create Deployment default/web (create)');
    expect(story.text).toContain('  3. The lab\'s Deployment controller sees the Deployment and creates ReplicaSet web-7d9f');
    const full = await buildExport({ format: 'text', input: path });
    expect(full.text.trimEnd().split('\n')).toHaveLength(entries.length);
  });
  it('the level reaches `lab trace export` through the command line, after the subcommand', async () => {
    const { path } = rolloutFile();
    const run = (level: string) => runLab(['trace', 'export', '--format', 'mermaid', '--level', level, '--input', path]);
    const [story, full] = await Promise.all([run('story'), run('full')]);
    expect(story.exitCode).toBe(0);
    expect(story.stdout).toContain('1. kubectl asks the API server to create Deployment web');
    expect(full.stdout).not.toContain('1. kubectl asks');
    expect(full.stdout.split('\n').length).toBeGreaterThan(story.stdout.split('\n').length);
  }, 30_000);
  it('--out is honoured', async () => {
    const { path } = rolloutFile();
    expect((await buildExport({ format: 'mermaid', input: path, out: '/tmp/x.mmd' })).out).toBe('/tmp/x.mmd');
  });
  it('a malformed line is bad input naming the file and line', async () => {
    const { path, entries } = rolloutFile();
    writeFileSync(path, JSON.stringify(entries[0]) + '\n' + JSON.stringify(entries[1]) + '\n{"schemaVersion":1,"id":3}\n');
    await expect(readTraceFile(path)).rejects.toThrow(`${path}:3:`);
    await expect(readTraceFile(path)).rejects.toBeInstanceOf(BadInputError);
    writeFileSync(path, 'not json\n');
    await expect(readTraceFile(path)).rejects.toThrow(`${path}:1: not a trace entry: not JSON`);
  });
  it('a missing file is bad input with how to record one', async () => {
    const error = await readTraceFile('/nonexistent/trace.jsonl').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).fix).toContain('npx lab trace');
  });
});

const LAB = join(REPO_ROOT, 'lab', 'bin', 'lab.mjs');
const runLab = (args: string[]) => execa(process.execPath, [LAB, ...args], { reject: false });

describe('the CLI as a process', { timeout: 60_000 }, () => {
  it('lab trace --help shows an Examples block', async () => {
    const result = await runLab(['trace', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('$ npx lab trace --object deployment/web');
  });
  it('lab trace export --help shows an Examples block', async () => {
    const result = await runLab(['trace', 'export', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('--format mermaid');
  });
  it('lab trace --object web: exit 2 with a fix, before touching the cluster', async () => {
    const result = await runLab(['trace', '--object', 'web']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--object "web" is not KIND/NAME');
    expect(result.stderr).toContain('fix:');
  });
  it('lab trace export --format mermaid --input FILE prints the diagram', async () => {
    const { path } = rolloutFile();
    const result = await runLab(['trace', 'export', '--format', 'mermaid', '--input', path, '--object', 'deployment/web']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.startsWith('sequenceDiagram')).toBe(true);
  });
  it('lab trace export with a bad line: exit 2 naming the line', async () => {
    const { path } = rolloutFile();
    writeFileSync(path, '{}\n');
    const result = await runLab(['trace', 'export', '--format', 'jsonl', '--input', path]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${path}:1:`);
  });
});
