import { appendFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeInlineScript, toHtml } from '../../../lab/trace/export/html.js';
import { ContainerdTap } from '../../../lab/trace/taps/containerd.js';
import { decisionEntry } from '../../../lab/trace/taps/decision.js';
import { FileTail } from '../../../lab/trace/taps/file-tail.js';
import { informerEntry } from '../../../lab/trace/taps/informer.js';
import { SupervisedProcess } from '../../../lab/trace/taps/supervised-process.js';
import { writeEntry } from '../../../lab/trace/taps/write.js';
import { Timeline } from '../../../lab/trace/timeline.js';
import { rolloutTimeline } from './scenario.js';

describe('FileTail', () => {
  it('follows appends, truncation and rotation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    const path = join(dir, 'audit.log');
    writeFileSync(path, 'old line before start\n');
    const lines: string[] = [];
    const tail = new FileTail({ path, onLine: (l) => lines.push(l) });
    await tail.poll();
    appendFileSync(path, 'one\ntw');
    await tail.poll();
    appendFileSync(path, 'o\n');
    await tail.poll();
    truncateSync(path, 0);
    appendFileSync(path, 'three\n');
    await tail.poll();
    appendFileSync(path, 'four\n');
    renameSync(path, join(dir, 'audit-1.log'));
    appendFileSync(join(dir, 'audit-1.log'), 'five (written to the rotated file)\n');
    writeFileSync(path, 'six\n');
    await tail.poll();
    await tail.stop();
    expect(lines).toEqual(['one', 'two', 'three', 'four', 'five (written to the rotated file)', 'six']);
  });
});

describe('SupervisedProcess', () => {
  it('restarts a child that dies, with backoff, and stops cleanly', async () => {
    const lines: string[] = [];
    const proc = new SupervisedProcess({ command: 'sh', args: ['-c', 'echo hello; exit 3'], onLine: (l) => lines.push(l), initialBackoffMs: 10, maxBackoffMs: 20 });
    proc.start();
    await new Promise((r) => setTimeout(r, 400));
    await proc.stop();
    const starts = proc.starts;
    expect(starts).toBeGreaterThanOrEqual(3);
    expect(lines.every((l) => l === 'hello')).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(proc.starts).toBe(starts); // no restart after stop
  });

  it('stop() terminates a long-running child that ignores its stdin closing', async () => {
    let signal: NodeJS.Signals | null | undefined;
    const proc = new SupervisedProcess({ command: 'sleep', args: ['30'], onLine: () => {}, stdinGraceMs: 100, onExit: (_code, s) => (signal = s) });
    proc.start();
    const t0 = Date.now();
    await proc.stop();
    expect(signal).toBe('SIGTERM');
    expect(Date.now() - t0).toBeLessThan(30_000); // not sleep's own end
    expect(proc.starts).toBe(1);
  });
});

describe('ContainerdTap.handle', () => {
  it('starts the lookups of a burst together and still appends in containerd order', async () => {
    const timeline = new Timeline();
    const asked: string[] = [];
    const answers = new Map<string, (labels: { kind: 'sandbox' | 'container'; podName: string }) => void>();
    const tap = new ContainerdTap({
      nodes: [],
      timeline,
      lookupLabels: (_node, id) => {
        asked.push(id);
        return new Promise((resolve) => answers.set(id, resolve));
      },
    });
    const line = (topic: string, json: string) => `2025-01-01 10:00:00.000000001 +0000 UTC k8s.io ${topic} ${json}`;
    const first = tap.handle('w', line('/containers/create', '{"id":"sb1"}'));
    const second = tap.handle('w', line('/containers/create', '{"id":"c1"}'));
    expect(asked).toEqual(['sb1', 'c1']); // both asked before either answered
    answers.get('c1')!({ kind: 'container', podName: 'web-1' });
    await new Promise((r) => setTimeout(r, 10));
    expect(timeline.size).toBe(0); // c1 waits for sb1's entry
    answers.get('sb1')!({ kind: 'sandbox', podName: 'web-1' });
    await Promise.all([first, second]);
    expect(timeline.entries().map((e) => e.details.containerId)).toEqual(['sb1', 'c1']);
  });

  it('resolves ids once per container and keeps the pod across create/start/exit/delete', async () => {
    const timeline = new Timeline();
    let lookups = 0;
    const tap = new ContainerdTap({
      nodes: [],
      timeline,
      lookupLabels: async () => {
        lookups++;
        return { kind: 'sandbox', podName: 'web-1', podNamespace: 'default', podUid: 'u1' };
      },
    });
    const line = (topic: string, json: string) => `2025-01-01 10:00:00.000000001 +0000 UTC k8s.io ${topic} ${json}`;
    await tap.handle('kind-worker', line('/containers/create', '{"id":"sb1","image":"registry.k8s.io/pause:3.10"}'));
    await tap.handle('kind-worker', line('/tasks/start', '{"container_id":"sb1","pid":9}'));
    await tap.handle('kind-worker', line('/snapshot/prepare', '{"key":"k","parent":"p"}'));
    await tap.handle('kind-worker', line('/tasks/exit', '{"container_id":"sb1","id":"sb1","pid":9,"exited_at":"2025-01-01T10:00:01Z"}'));
    expect(lookups).toBe(1);
    expect(timeline.entries().map((e) => [e.verb, e.object.name, e.details.containerKind])).toEqual([
      ['/containers/create', 'web-1', 'sandbox'],
      ['/tasks/start', 'web-1', 'sandbox'],
      ['/tasks/exit', 'web-1', 'sandbox'],
    ]);
    expect(timeline.entries()[2]!.details.exitStatus).toBe(0);
  });
});

describe('informer, decision and write entries', () => {
  it('informerEntry carries resourceVersion, diff and owner', () => {
    const old = { metadata: { name: 'p', namespace: 'default', resourceVersion: '1' }, spec: {} };
    const pod = { metadata: { name: 'p', namespace: 'default', uid: 'u', resourceVersion: '2', ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', uid: 'r', controller: true }] }, spec: { nodeName: 'n1' } };
    expect(informerEntry('scheduler', 'MODIFIED', pod, old, 'Pod', 'pods')).toEqual({
      tap: 'informer', actor: 'scheduler', verb: 'MODIFIED', resourceVersion: '2',
      object: { kind: 'Pod', namespace: 'default', name: 'p', uid: 'u' },
      details: { diff: [{ field: 'spec.nodeName', to: 'n1' }], informer: 'pods', owner: { kind: 'ReplicaSet', name: 'rs', uid: 'r' } },
    });
  });

  it('decisionEntry maps components to actors and keeps the reason', () => {
    expect(decisionEntry({ component: 'replicaset-controller', object: { kind: 'ReplicaSet', name: 'rs' }, verb: 'create', reason: 'need 3, have 0', details: { count: 3 } })).toMatchObject({ actor: 'replicaset-controller', details: { reason: 'need 3, have 0', count: 3 } });
    expect(decisionEntry({ component: 'k8s-flow-lab/scheduler', object: { kind: 'Pod', name: 'p' }, verb: 'bind', reason: 'r' }).actor).toBe('scheduler');
  });

  it('writeEntry places the write at the request start and turns a Binding into a pod bind', () => {
    const now = new Date('2025-01-01T10:00:01.000Z');
    const input = writeEntry('scheduler', 'create', { kind: 'Binding', metadata: { name: 'web-1', namespace: 'default' }, target: { kind: 'Node', name: 'kind-worker' } }, undefined, 40, now);
    expect(input).toMatchObject({ verb: 'bind', object: { kind: 'Pod', name: 'web-1' }, details: { node: 'kind-worker', subresource: 'binding' }, latencyMs: 40 });
    expect(input.at!.toISOString()).toBe('2025-01-01T10:00:00.960Z');
  });
});

describe('HTML export', () => {
  it('is self-contained, escapes entries and carries the Mermaid source', async () => {
    const { timeline } = rolloutTimeline();
    timeline.append({ tap: 'kubelet', actor: 'kubelet@kind-worker', verb: 'Failed', object: { kind: 'Pod', namespace: 'default', name: 'web-7d9f-aaaaa' }, details: { message: '<img src=x onerror=alert(1)>' } });
    const html = await toHtml(timeline.entries(), { mermaidJs: 'window.mermaid = { initialize(){}, run(){ return Promise.resolve(); } }; const s = "</script>";' });
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x');
    expect(html).toContain('<pre class="mermaid">sequenceDiagram');
    expect(html).toContain('replicaset_controller-&gt;&gt;api_server: create Pod web-7d9f-* ×3');
    expect(html.match(/<\/script>/g)).toHaveLength(3); // only the real closing tags: the two scripts and the embedded object states
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it('inlines the real mermaid bundle by default', async () => {
    const html = await toHtml([]);
    expect(html.length).toBeGreaterThan(1_000_000);
    expect(html.match(/<\/script>/gi)).toHaveLength(2);
  });

  it('escapeInlineScript neutralises </script and <!--', () => {
    expect(escapeInlineScript('a="</script>";b="<!--"')).toBe('a="\\x3C/script>";b="\\x3C!--"');
  });
});
