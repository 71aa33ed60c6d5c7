import type { Watch } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { classifyWatchEnd, ObservedWatch, STALL_EVIDENCE_MS, type WatchRestart } from '../../../controllers/shared/informer.js';
import { watchRestartEntry, WATCH_RESTARTED } from '../../../lab/trace/taps/informer.js';

const timeout = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

describe('classifyWatchEnd', () => {
  it('names each way a watch ends', () => {
    expect(classifyWatchEnd(timeout(), 30_000, false)).toMatchObject({ reason: 'timeout', relist: false, quietMs: 30_000, detail: 'no data for 30 s; watching again from the last resourceVersion' });
    expect(classifyWatchEnd(null, 1200, false)).toMatchObject({ reason: 'closed', relist: false });
    expect(classifyWatchEnd(null, 5, true)).toMatchObject({ reason: 'gone', relist: true });
    expect(classifyWatchEnd(Object.assign(new Error('Gone'), { statusCode: 410 }), 5, false)).toMatchObject({ reason: 'gone', relist: true });
    expect(classifyWatchEnd(Object.assign(new Error('Service Unavailable'), { statusCode: 503 }), 5, false)).toMatchObject({ reason: 'error', detail: '503 Service Unavailable' });
    expect(classifyWatchEnd(Object.assign(new TypeError('fetch failed'), { code: 'ECONNRESET' }), 5, false)).toMatchObject({ reason: 'error', detail: 'ECONNRESET fetch failed' });
  });
});

/** A Watch whose streams the test drives by hand. */
class FakeWatch {
  streams: { callback: (phase: string, obj: any) => void; done: (err: any) => void }[] = [];
  async watch(_path: string, _params: unknown, callback: (phase: string, obj: any) => void, done: (err: any) => void): Promise<AbortController> {
    this.streams.push({ callback, done });
    return new AbortController();
  }
  get last() {
    return this.streams[this.streams.length - 1]!;
  }
}

describe('ObservedWatch', () => {
  let clock = 0;
  let fake: FakeWatch;
  let ended: WatchRestart[];
  let observed: ObservedWatch;
  const open = () => observed.watch('/api/v1/pods', {}, () => {}, () => {});
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 0;
    fake = new FakeWatch();
    ended = [];
    observed = new ObservedWatch(fake as unknown as Watch, (r) => ended.push(r), () => clock);
  });
  afterEach(() => vi.useRealTimers());

  it('a watch that went silent while things changed: the timeout, then events waiting at once → stalled, with the detection time', async () => {
    await open();
    clock = 5_000;
    fake.last.callback('MODIFIED', { metadata: { resourceVersion: '10' } });
    clock = 35_000;
    fake.last.done(timeout()); // 30 s of silence
    expect(ended).toEqual([]); // not yet known whether it was quiet or dead
    await open();
    clock = 35_200;
    fake.last.callback('MODIFIED', { metadata: { resourceVersion: '14' } }); // was waiting
    expect(ended).toEqual([expect.objectContaining({ reason: 'timeout', quietMs: 30_000, stalled: true })]);
    expect(ended[0]!.detail).toMatch(/events were waiting/);
  });

  it('a quiet resource: the timeout, then nothing for a while → routine', async () => {
    await open();
    clock = 30_000;
    fake.last.done(timeout());
    await open();
    vi.advanceTimersByTime(STALL_EVIDENCE_MS * 2);
    expect(ended).toEqual([expect.objectContaining({ reason: 'timeout', stalled: false })]);
    clock = 31_000 + STALL_EVIDENCE_MS * 2;
    fake.last.callback('ADDED', {}); // a later event says nothing about the old watch
    expect(ended).toHaveLength(1);
  });

  it('410 Gone in the stream, then the close: one relist, not a loop', async () => {
    await open();
    fake.last.callback('ERROR', { code: 410, reason: 'Expired' });
    fake.last.done(null);
    expect(ended).toEqual([expect.objectContaining({ reason: 'gone', relist: true })]);
    await open(); // the relisted watch does not inherit the old one's 410
    fake.last.done(null);
    expect(ended[1]).toMatchObject({ reason: 'closed', relist: false });
  });

  it('becomes a trace entry on the informer itself', () => {
    const entry = watchRestartEntry('deployment-controller', 'deployments', { reason: 'timeout', detail: 'x', quietMs: 30_000, relist: false, stalled: true });
    expect(entry).toEqual({
      tap: 'informer', actor: 'deployment-controller', verb: WATCH_RESTARTED, object: { kind: 'Informer', name: 'deployments' },
      details: { informer: 'deployments', reason: 'timeout', detail: 'x', quietMs: 30_000, relist: false, stalled: true },
    });
  });
});
