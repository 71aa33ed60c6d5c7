import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ItemExponentialFailureRateLimiter,
  RateLimitingQueue,
  WorkQueue,
} from '../../../controllers/shared/workqueue.js';

async function getItem<T>(q: WorkQueue<T>): Promise<T> {
  const result = await q.get();
  if (result.shutdown) throw new Error('queue shut down');
  return result.item;
}

describe('WorkQueue', () => {
  it('hands items out in FIFO order', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    q.add('b');
    q.add('c');
    expect([await getItem(q), await getItem(q), await getItem(q)]).toEqual(['a', 'b', 'c']);
  });

  it('deduplicates an item that is already waiting', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.len()).toBe(2);
    expect(await getItem(q)).toBe('a');
    expect(await getItem(q)).toBe('b');
    expect(q.len()).toBe(0);
  });

  it('does not hand an item being processed to a second worker; re-adds it on done()', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    const first = await getItem(q);
    q.add('a');
    expect(q.len()).toBe(0);
    let secondGot = false;
    const second = q.get().then((r) => {
      secondGot = true;
      return r;
    });
    await Promise.resolve();
    expect(secondGot).toBe(false);
    q.done(first);
    expect(await second).toEqual({ item: 'a', shutdown: false });
  });

  it('collapses several adds during processing into one requeue', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    await getItem(q);
    q.add('a');
    q.add('a');
    q.add('a');
    q.done('a');
    expect(q.len()).toBe(1);
  });

  it('does not requeue an item on done() when nobody added it again', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    q.done(await getItem(q));
    expect(q.len()).toBe(0);
  });

  it('wakes a waiting getter when an item is added', async () => {
    const q = new WorkQueue<string>();
    const pending = q.get();
    q.add('x');
    expect(await pending).toEqual({ item: 'x', shutdown: false });
  });

  it('gives each waiting getter a different item', async () => {
    const q = new WorkQueue<string>();
    const g1 = q.get();
    const g2 = q.get();
    q.add('a');
    q.add('b');
    expect([await g1, await g2]).toEqual([
      { item: 'a', shutdown: false },
      { item: 'b', shutdown: false },
    ]);
  });

  it('shutDown wakes every waiting getter with shutdown', async () => {
    const q = new WorkQueue<string>();
    const waiting = [q.get(), q.get(), q.get()];
    q.shutDown();
    expect(await Promise.all(waiting)).toEqual([{ shutdown: true }, { shutdown: true }, { shutdown: true }]);
    expect(q.isShuttingDown()).toBe(true);
  });

  it('ignores adds after shutdown but still hands out items queued before it', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    q.shutDown();
    q.add('b');
    expect(await q.get()).toEqual({ item: 'a', shutdown: false });
    expect(await q.get()).toEqual({ shutdown: true });
  });

  it('does not requeue an item re-added after shutdown', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    await getItem(q);
    q.shutDown();
    q.add('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('shutDownWithDrain resolves at once when nothing is in flight', async () => {
    const q = new WorkQueue<string>();
    await expect(q.shutDownWithDrain()).resolves.toBeUndefined();
  });

  it('shutDownWithDrain waits until in-flight items are done', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    q.add('b');
    const a = await getItem(q);
    const b = await getItem(q);
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => (drained = true));
    await Promise.resolve();
    q.done(a);
    await Promise.resolve();
    expect(drained).toBe(false);
    q.done(b);
    await drain;
    expect(drained).toBe(true);
  });

  it('works with object items by identity', async () => {
    const q = new WorkQueue<{ id: number }>();
    const item = { id: 1 };
    q.add(item);
    q.add(item);
    q.add({ id: 1 });
    expect(q.len()).toBe(2);
  });
});

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles per failure from the base delay (client-go defaults 5 ms)', () => {
    const limiter = new ItemExponentialFailureRateLimiter<string>();
    expect([1, 2, 3, 4, 5].map(() => limiter.when('a'))).toEqual([5, 10, 20, 40, 80]);
    expect(limiter.numRequeues('a')).toBe(5);
  });

  it('tracks items independently', () => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(1, 1000);
    limiter.when('a');
    limiter.when('a');
    expect(limiter.when('b')).toBe(1);
    expect(limiter.when('a')).toBe(4);
  });

  it('caps at the maximum delay, also for huge failure counts', () => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(5, 1000 * 1000);
    let last = 0;
    for (let i = 0; i < 2000; i++) last = limiter.when('a');
    expect(last).toBe(1000 * 1000);
  });

  it('forget resets the backoff', () => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(1, 1000);
    limiter.when('a');
    limiter.when('a');
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
    expect(limiter.when('a')).toBe(1);
  });
});

describe('RateLimitingQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('addAfter queues the item only once the delay passed', () => {
    const q = new RateLimitingQueue<string>();
    q.addAfter('a', 100);
    expect(q.len()).toBe(0);
    vi.advanceTimersByTime(99);
    expect(q.len()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(q.len()).toBe(1);
  });

  it('addAfter with a non-positive delay adds at once', () => {
    const q = new RateLimitingQueue<string>();
    q.addAfter('a', 0);
    expect(q.len()).toBe(1);
  });

  it('keeps the earliest of several delayed adds of one item', () => {
    const q = new RateLimitingQueue<string>();
    q.addAfter('a', 1000);
    q.addAfter('a', 10);
    q.addAfter('a', 500);
    expect(q.waitingLen()).toBe(1);
    vi.advanceTimersByTime(10);
    expect(q.len()).toBe(1);
    vi.advanceTimersByTime(2000);
    expect(q.len()).toBe(1);
  });

  it('addRateLimited backs off exponentially per item and forget resets it', () => {
    const q = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(10, 1000));
    q.addRateLimited('a');
    vi.advanceTimersByTime(10);
    expect(q.len()).toBe(1);
    q.addRateLimited('b');
    q.addRateLimited('a');
    expect(q.numRequeues('a')).toBe(2);
    vi.advanceTimersByTime(10);
    expect(q.len()).toBe(2); // a (first) and b
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
  });

  it('shutDown cancels delayed adds', () => {
    const q = new RateLimitingQueue<string>();
    q.addAfter('a', 100);
    q.shutDown();
    vi.advanceTimersByTime(1000);
    expect(q.len()).toBe(0);
    expect(q.waitingLen()).toBe(0);
  });
});
