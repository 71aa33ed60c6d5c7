import { describe, expect, it } from 'vitest';
import type { KubernetesObject } from '@kubernetes/client-node';
import { Controller, DONE, type SyncResult } from '../../../controllers/shared/controller.js';
import { recordingDecisionSink, type Decision } from '../../../controllers/shared/decisions.js';
import type { Informer } from '../../../controllers/shared/informer.js';
import { silentLogger } from '../../../controllers/shared/log.js';
import { ItemExponentialFailureRateLimiter, RateLimitingQueue } from '../../../controllers/shared/workqueue.js';

function fakeInformer(): Informer<KubernetesObject> & { started: boolean; stopped: boolean; sync: () => void } {
  let markSynced!: () => void;
  const synced = new Promise<void>((resolve) => (markSynced = resolve));
  const informer = {
    name: 'fake',
    started: false,
    stopped: false,
    synced,
    sync: () => markSynced(),
    onAdd() {},
    onUpdate() {},
    onDelete() {},
    onEvent() {},
    onWatchRestart() {},
    list: () => [],
    get: () => undefined,
    start() {
      informer.started = true;
      return synced;
    },
    hasSynced: () => false,
    stop() {
      informer.stopped = true;
    },
  };
  return informer;
}

class TestController extends Controller {
  readonly handled: string[] = [];
  failuresLeft = new Map<string, number>();
  /** Results to return, in turn, before DONE. */
  results: SyncResult[] = [];
  blockUntil: Promise<void> | undefined;
  readonly fake = fakeInformer();

  protected informers() {
    return [this.fake];
  }

  protected async syncHandler(key: string): Promise<SyncResult> {
    if (this.blockUntil) await this.blockUntil;
    this.handled.push(key);
    const left = this.failuresLeft.get(key) ?? 0;
    if (left > 0) {
      this.failuresLeft.set(key, left - 1);
      throw new Error(`fail ${key}`);
    }
    return this.results.shift() ?? DONE;
  }

  decide(decision: Decision): void {
    this.reportDecision(decision);
  }
}

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Controller', () => {
  it('waits for informers to sync before syncing keys', async () => {
    const c = new TestController({ name: 't', log: silentLogger });
    const abort = new AbortController();
    c.queue.add('ns/a');
    const running = c.run(abort.signal);
    await tick();
    expect(c.fake.started).toBe(true);
    expect(c.handled).toEqual([]);
    c.fake.sync();
    await tick();
    expect(c.handled).toEqual(['ns/a']);
    abort.abort();
    await running;
    expect(c.fake.stopped).toBe(true);
  });

  it('requeues a failing key rate-limited and forgets it after success', async () => {
    const queue = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(1, 10));
    const c = new TestController({ name: 't', log: silentLogger }, queue);
    c.failuresLeft.set('ns/a', 2);
    c.fake.sync();
    const abort = new AbortController();
    const running = c.run(abort.signal);
    c.enqueue({ metadata: { namespace: 'ns', name: 'a' } });
    await tick(50);
    expect(c.handled).toEqual(['ns/a', 'ns/a', 'ns/a']);
    expect(queue.numRequeues('ns/a')).toBe(0);
    abort.abort();
    await running;
  });

  it('drops a key after maxRetries', async () => {
    const queue = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(1, 1));
    const c = new TestController({ name: 't', log: silentLogger, maxRetries: 2 }, queue);
    c.failuresLeft.set('k', 100);
    c.fake.sync();
    const abort = new AbortController();
    const running = c.run(abort.signal);
    c.queue.add('k');
    await tick(50);
    expect(c.handled).toEqual(['k', 'k', 'k']);
    abort.abort();
    await running;
  });

  it('on abort lets an in-flight sync finish before informers stop', async () => {
    const c = new TestController({ name: 't', log: silentLogger });
    let release!: () => void;
    c.blockUntil = new Promise((resolve) => (release = resolve));
    c.fake.sync();
    const abort = new AbortController();
    const running = c.run(abort.signal);
    c.queue.add('k');
    await tick();
    abort.abort();
    await tick();
    expect(c.fake.stopped).toBe(false);
    release();
    await running;
    expect(c.handled).toEqual(['k']);
    expect(c.fake.stopped).toBe(true);
  });

  it('never starts workers when aborted before the caches sync', async () => {
    const c = new TestController({ name: 't', log: silentLogger });
    c.queue.add('k');
    const abort = new AbortController();
    const running = c.run(abort.signal);
    abort.abort();
    await running;
    expect(c.handled).toEqual([]);
    expect(c.fake.stopped).toBe(true);
  });

  it('is synced once every informer has synced', async () => {
    const c = new TestController({ name: 't', log: silentLogger });
    let synced = false;
    void c.synced.then(() => (synced = true));
    await tick();
    expect(synced).toBe(false);
    c.fake.sync();
    await tick();
    expect(synced).toBe(true);
  });

  it('{ requeueAfter } syncs the key again after that delay, its failures forgotten', async () => {
    const queue = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(1, 10));
    const c = new TestController({ name: 't', log: silentLogger }, queue);
    c.failuresLeft.set('k', 1);
    c.results = [{ requeueAfter: 300 }];
    c.fake.sync();
    const abort = new AbortController();
    const running = c.run(abort.signal);
    c.queue.add('k');
    await tick(30);
    expect(c.handled).toEqual(['k', 'k']); // the failure, then the sync that asked for a requeue
    expect(queue.numRequeues('k')).toBe(0);
    expect(queue.waitingLen()).toBe(1);
    await tick(400);
    expect(c.handled).toEqual(['k', 'k', 'k']);
    abort.abort();
    await running;
  });

  it('{ retry } requeues through the rate limiter, then forgets, as enqueueRateLimited from a sync that returns nil', async () => {
    const asked: string[] = [];
    const limiter = new ItemExponentialFailureRateLimiter<string>(1, 10);
    const queue = new RateLimitingQueue<string>({
      when: (item) => (asked.push(item), limiter.when(item)),
      forget: (item) => limiter.forget(item),
      numRequeues: (item) => limiter.numRequeues(item),
    });
    const c = new TestController({ name: 't', log: silentLogger, maxRetries: 1 }, queue);
    c.results = [{ retry: 'not yet' }, { retry: 'not yet' }, { retry: 'not yet' }];
    c.fake.sync();
    const abort = new AbortController();
    const running = c.run(abort.signal);
    c.queue.add('k');
    await tick(50);
    // Never dropped (retries are not failures), each delay asked of the limiter.
    expect(c.handled).toEqual(['k', 'k', 'k', 'k']);
    expect(asked).toEqual(['k', 'k', 'k']);
    expect(queue.numRequeues('k')).toBe(0);
    abort.abort();
    await running;
  });

  it('a decision sink that throws is logged and never breaks the sync', () => {
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (msg: string) => void warnings.push(msg) };
    const c = new TestController({ name: 't', log, decisions: () => { throw new Error('trace is full'); } });
    const decision: Decision = { component: 't', object: { kind: 'X', name: 'x' }, verb: 'v', reason: 'r' };
    expect(() => c.decide(decision)).not.toThrow();
    expect(warnings).toEqual(['decision sink threw']);
    const sink = recordingDecisionSink();
    new TestController({ name: 't', log: silentLogger, decisions: sink }).decide(decision);
    expect(sink.decisions).toEqual([decision]);
  });
});
