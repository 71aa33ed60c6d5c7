// LeanWatch against a local HTTP server standing in for the apiserver: the contract of
// client-node's Watch that the informers rely on (events, how it ends, done once).
import type { ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { useLocalApiServer } from '../../support/local-api-server.js';
import { clientsFor } from '../../../controllers/shared/kube.js';
import { LeanWatch, LineSplitter, watchUrl } from '../../../controllers/shared/lean-watch.js';

/** What the server does with the next watch, by the path it asks for. */
const behaviours: Record<string, (res: ServerResponse) => void> = {
  '/api/v1/pods': (res) => {
    const added = JSON.stringify({ type: 'ADDED', object: { kind: 'Pod', metadata: { name: 'café', resourceVersion: '2' } } }) + '\n';
    const bytes = Buffer.from(added + 'not json\n' + JSON.stringify({ type: 'DELETED', object: { kind: 'Pod', metadata: { name: 'b' } } }) + '\n');
    // Split inside the two-byte "é" and inside a line: the reader must put both back together.
    const cut = bytes.indexOf(Buffer.from('é')) + 1;
    res.write(bytes.subarray(0, cut));
    setTimeout(() => {
      res.write(bytes.subarray(cut, cut + 40));
      setTimeout(() => res.end(bytes.subarray(cut + 40)), 10);
    }, 10);
  },
  '/api/v1/gone': (res) => {
    res.statusCode = 410;
    res.end(JSON.stringify({ kind: 'Status', code: 410 }));
  },
  '/api/v1/silent': (res) => {
    res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: '7' } } }) + '\n');
    open.push(res); // then nothing
  },
  '/api/v1/open': (res) => {
    res.write(JSON.stringify({ type: 'ADDED', object: { kind: 'Pod', metadata: { name: 'x' } } }) + '\n');
    open.push(res);
  },
};
const open: ServerResponse[] = [];
const urls: string[] = [];
const userAgents: string[] = [];
const { kubeConfig } = useLocalApiServer((req, res) => {
  urls.push(req.url ?? '');
  userAgents.push(req.headers['user-agent'] ?? '');
  res.setHeader('Content-Type', 'application/json');
  const path = (req.url ?? '').split('?')[0]!;
  (behaviours[path] ?? ((r: ServerResponse) => ((r.statusCode = 404), r.end())))(res);
});
afterAll(() => {
  for (const res of open) res.end();
});

interface Run {
  events: Array<[string, unknown]>;
  done: Promise<unknown>;
  doneCalls: () => number;
  controller: Promise<AbortController>;
}

function run(path: string, timeoutMs?: number, onEvent?: () => void): Run {
  const events: Array<[string, unknown]> = [];
  let calls = 0;
  let settle!: (err: unknown) => void;
  const done = new Promise<unknown>((resolve) => (settle = resolve));
  const { kubeConfig: kc } = clientsFor(kubeConfig(), 'k8s-flow-lab/test');
  const controller = new LeanWatch(kc, timeoutMs).watch(path, { resourceVersion: '1', allowWatchBookmarks: true, labelSelector: undefined }, (type, obj) => {
    events.push([type, obj]);
    onEvent?.();
  }, (err) => {
    calls++;
    settle(err);
  });
  return { events, done, doneCalls: () => calls, controller };
}

describe('LeanWatch', () => {
  it('hands on each event of the stream, split anywhere, skips a line that is not JSON, and ends with done(null)', async () => {
    const r = run('/api/v1/pods');
    expect(await r.done).toBeNull();
    expect(r.events).toEqual([
      ['ADDED', { kind: 'Pod', metadata: { name: 'café', resourceVersion: '2' } }],
      ['DELETED', { kind: 'Pod', metadata: { name: 'b' } }],
    ]);
    expect(urls.at(-1)).toBe('/api/v1/pods?watch=true&resourceVersion=1&allowWatchBookmarks=true');
    expect(userAgents.at(-1)).toBe('k8s-flow-lab/test');
    await new Promise((r2) => setTimeout(r2, 20));
    expect(r.doneCalls()).toBe(1);
  });

  it('ends with an Error carrying the statusCode when the answer is not 200', async () => {
    const err = (await run('/api/v1/gone').done) as { statusCode?: number; message?: string };
    expect(err.statusCode).toBe(410);
    expect(err.message).toBe('Gone');
  });

  it('ends a silent watch with a TimeoutError once no data came for the timeout', async () => {
    const r = run('/api/v1/silent', 150);
    const err = (await r.done) as DOMException;
    expect(err.name).toBe('TimeoutError');
    expect(r.events.map(([type]) => type)).toEqual(['BOOKMARK']);
  });

  it('ends once when its controller aborts it, and survives a callback that throws', async () => {
    const r = run('/api/v1/open', undefined, () => {
      throw new Error('a handler failed');
    });
    await expect.poll(() => r.events.length).toBe(1);
    (await r.controller).abort();
    const err = (await r.done) as Error;
    expect(err).toBeTruthy();
    expect(err.name).not.toBe('TimeoutError');
    await new Promise((r2) => setTimeout(r2, 20));
    expect(r.doneCalls()).toBe(1);
  });
});

describe('lean-watch pure parts', () => {
  it('splits lines across chunks and keeps the unfinished rest', () => {
    const s = new LineSplitter();
    expect(s.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(s.push(':2}\n\n')).toEqual(['{"b":2}', '']);
    expect(s.push('')).toEqual([]);
  });

  it('builds the watch URL, leaving out parameters that are undefined', () => {
    expect(watchUrl('https://h:6443', '/api/v1/namespaces/a/pods', { fieldSelector: 'spec.nodeName=', timeoutSeconds: 300, x: undefined }))
      .toBe('https://h:6443/api/v1/namespaces/a/pods?watch=true&fieldSelector=spec.nodeName%3D&timeoutSeconds=300');
  });
});
