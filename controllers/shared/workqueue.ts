// A work queue with client-go semantics (k8s.io/client-go/util/workqueue):
// - an item waits in the queue at most once, however often it is added (the "dirty" set);
// - an item is never handed to two workers at once (the "processing" set);
// - an item added while it is being processed is queued again when done() is called;
// - after shutDown() no new items are accepted, items already queued are still handed out,
//   and getters waiting on an empty queue are woken with { shutdown: true }.

export interface RateLimiter<T> {
  /** Delay in ms before the item may be processed again; counts a failure. */
  when(item: T): number;
  /** Stop tracking the item (after a successful sync). */
  forget(item: T): void;
  numRequeues(item: T): number;
}

/** Per-item exponential backoff: base * 2^failures, capped at max (client-go: 5 ms .. 1000 s). */
export class ItemExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();

  constructor(
    private readonly baseDelayMs = 5,
    private readonly maxDelayMs = 1000 * 1000,
  ) {}

  when(item: T): number {
    const previousFailures = this.failures.get(item) ?? 0;
    this.failures.set(item, previousFailures + 1);
    const delay = this.baseDelayMs * 2 ** previousFailures;
    // 2 ** n overflows to Infinity long before it matters; the cap handles both.
    return Number.isFinite(delay) ? Math.min(delay, this.maxDelayMs) : this.maxDelayMs;
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

export type GetResult<T> = { item: T; shutdown: false } | { shutdown: true };

export class WorkQueue<T = string> {
  private readonly queue: T[] = [];
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private readonly getters: Array<(result: GetResult<T>) => void> = [];
  private readonly drainWaiters: Array<() => void> = [];
  private shuttingDown = false;

  add(item: T): void {
    if (this.shuttingDown || this.dirty.has(item)) return;
    this.dirty.add(item);
    // A busy item is re-queued by done(); queuing it now would hand it to a second worker.
    if (this.processing.has(item)) return;
    this.queue.push(item);
    this.handOut();
  }

  get(): Promise<GetResult<T>> {
    if (this.queue.length > 0) return Promise.resolve(this.take());
    if (this.shuttingDown) return Promise.resolve({ shutdown: true });
    return new Promise((resolve) => this.getters.push(resolve));
  }

  done(item: T): void {
    this.processing.delete(item);
    if (this.dirty.has(item)) {
      this.queue.push(item);
      this.handOut();
    }
    if (this.processing.size === 0) this.wakeDrainWaiters();
  }

  len(): number {
    return this.queue.length;
  }

  /** Number of items handed out and not yet done(). */
  inFlight(): number {
    return this.processing.size;
  }

  shutDown(): void {
    this.shuttingDown = true;
    this.onShutDown();
    // Getters only wait while the queue is empty, so every waiting getter is told to stop.
    for (const resolve of this.getters.splice(0)) resolve({ shutdown: true });
  }

  /** Stops accepting items and resolves once every item handed out has been done(). */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Hook for subclasses that hold timers. */
  protected onShutDown(): void {}

  private take(): GetResult<T> {
    const item = this.queue.shift() as T;
    this.processing.add(item);
    this.dirty.delete(item);
    return { item, shutdown: false };
  }

  private handOut(): void {
    while (this.getters.length > 0 && this.queue.length > 0) {
      const resolve = this.getters.shift()!;
      resolve(this.take());
    }
  }

  private wakeDrainWaiters(): void {
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }
}

/** WorkQueue plus delayed adds (deduplicated: the earliest pending time wins) and rate limiting. */
export class RateLimitingQueue<T = string> extends WorkQueue<T> {
  private readonly waiting = new Map<T, { readyAt: number; timer: NodeJS.Timeout }>();

  constructor(private readonly rateLimiter: RateLimiter<T> = new ItemExponentialFailureRateLimiter<T>()) {
    super();
  }

  addAfter(item: T, delayMs: number): void {
    if (this.isShuttingDown()) return;
    if (delayMs <= 0) {
      this.add(item);
      return;
    }
    const readyAt = Date.now() + delayMs;
    const pending = this.waiting.get(item);
    if (pending && pending.readyAt <= readyAt) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.waiting.delete(item);
      this.add(item);
    }, delayMs);
    this.waiting.set(item, { readyAt, timer });
  }

  addRateLimited(item: T): void {
    this.addAfter(item, this.rateLimiter.when(item));
  }

  forget(item: T): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(item);
  }

  /** Items waiting for their delay to pass. */
  waitingLen(): number {
    return this.waiting.size;
  }

  protected override onShutDown(): void {
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
  }
}
