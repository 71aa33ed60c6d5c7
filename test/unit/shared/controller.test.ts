import { describe, expect, it } from 'vitest';
import type { KubernetesObject } from '@kubernetes/client-node';
import { Controller } from '../../../controllers/shared/controller.js';
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
  readonly synced: string[] = [];
  failuresLeft = new Map<string, number>();
  blockUntil: Promise<void> | undefined;
  readonly fake = fakeInformer();

  protected informers() {
    return [this.fake];
  }

  protected async syncHandler(key: string): Promise<void> {
    if (this.blockUntil) await this.blockUntil;
    this.synced.push(key);
    const left = this.failuresLeft.get(key) ?? 0;
    if (left > 0) {
      this.failuresLeft.set(key, left - 1);
      throw new Error(`fail ${key}`);
    }
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
    expect(c.synced).toEqual([]);
    c.fake.sync();
    await tick();
    expect(c.synced).toEqual(['ns/a']);
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
    expect(c.synced).toEqual(['ns/a', 'ns/a', 'ns/a']);
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
    expect(c.synced).toEqual(['k', 'k', 'k']);
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
    expect(c.synced).toEqual(['k']);
    expect(c.fake.stopped).toBe(true);
  });

  it('never starts workers when aborted before the caches sync', async () => {
    const c = new TestController({ name: 't', log: silentLogger });
    c.queue.add('k');
    const abort = new AbortController();
    const running = c.run(abort.signal);
    abort.abort();
    await running;
    expect(c.synced).toEqual([]);
    expect(c.fake.stopped).toBe(true);
  });
});
