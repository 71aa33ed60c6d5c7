// The sample-controller shape: informers feed a rate-limited queue of keys; N workers loop
// get → syncHandler → forget (success) or addRateLimited (failure) → done. On abort the queue is
// shut down with drain, so syncs already running finish before the informers stop.
import type { KubernetesObject } from '@kubernetes/client-node';
import { objectKey, type Informer } from './informer.js';
import { consoleLogger, type Logger } from './log.js';
import { RateLimitingQueue } from './workqueue.js';
import { errorMessage, isConflict } from './retry.js';

export interface ControllerOptions {
  name: string;
  workers?: number;
  /** Requeues of one key before it is dropped (client-go examples use 15). */
  maxRetries?: number;
  log?: Logger;
}

export abstract class Controller {
  readonly queue: RateLimitingQueue<string>;
  readonly name: string;
  protected readonly log: Logger;
  protected readonly workers: number;
  protected readonly maxRetries: number;

  constructor(opts: ControllerOptions, queue?: RateLimitingQueue<string>) {
    this.name = opts.name;
    this.workers = opts.workers ?? 1;
    this.maxRetries = opts.maxRetries ?? 15;
    this.log = opts.log ?? consoleLogger(opts.name);
    this.queue = queue ?? new RateLimitingQueue<string>();
  }

  enqueue(obj: KubernetesObject): void {
    this.queue.add(objectKey(obj));
  }

  enqueueAfter(obj: KubernetesObject, delayMs: number): void {
    this.queue.addAfter(objectKey(obj), delayMs);
  }

  /** Informers to start and wait for (synced) before workers start. */
  protected abstract informers(): Informer<any>[];

  protected abstract syncHandler(key: string): Promise<void>;

  async run(signal: AbortSignal): Promise<void> {
    const informers = this.informers();
    const aborted = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    this.log.info('starting', { informers: informers.map((i) => i.name), workers: this.workers });
    await Promise.race([Promise.all(informers.map((informer) => informer.start())), aborted]);

    let workers: Promise<void>[] = [];
    if (!signal.aborted) {
      this.log.info('caches synced, starting workers');
      workers = Array.from({ length: this.workers }, () => this.runWorker());
    }
    await aborted;
    this.log.info('stopping: waiting for in-flight syncs');
    await this.queue.shutDownWithDrain();
    await Promise.all(workers);
    for (const informer of informers) informer.stop();
    this.log.info('stopped');
  }

  private async runWorker(): Promise<void> {
    while (await this.processNextWorkItem()) {
      // keep going until the queue shuts down
    }
  }

  /** Handles one key; false once the queue has shut down. */
  protected async processNextWorkItem(): Promise<boolean> {
    const next = await this.queue.get();
    if (next.shutdown) return false;
    const key = next.item;
    // Items still queued at shutdown are dropped: only syncs already running are drained.
    if (this.queue.isShuttingDown()) {
      this.queue.done(key);
      return false;
    }
    try {
      await this.syncHandler(key);
      this.queue.forget(key);
    } catch (err) {
      this.handleSyncError(key, err);
    } finally {
      this.queue.done(key);
    }
    return true;
  }

  private handleSyncError(key: string, err: unknown): void {
    const requeues = this.queue.numRequeues(key);
    if (requeues < this.maxRetries) {
      // A 409 means our cache was behind the API server: expected under churn, so not a warning.
      if (isConflict(err)) this.log.debug('conflict: object changed since our cache saw it, requeuing', { key, requeues });
      else this.log.warn('sync failed, requeuing', { key, requeues, error: errorMessage(err) });
      this.queue.addRateLimited(key);
      return;
    }
    this.log.error('sync failed too often, dropping key', { key, requeues, error: errorMessage(err) });
    this.queue.forget(key);
  }
}
