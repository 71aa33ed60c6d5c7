// The one component contract (kubernetes/sample-controller's loop, controller-runtime's
// Reconciler): informers feed a rate-limited queue of keys; N workers loop get → syncHandler →
// apply its SyncResult → done. A sync that throws is retried rate-limited up to maxRetries. On abort
// the queue is shut down with drain, so syncs already running finish before the informers stop.
import type { AppsV1Api, CoreV1Api, KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { noopDecisionSink, type Decision, type DecisionSink } from './decisions.js';
import type { EventRecorder } from './events.js';
import { objectKey, type Informer } from './informer.js';
import { consoleLogger, type Logger } from './log.js';
import { RateLimitingQueue } from './workqueue.js';
import { errorMessage, isConflict } from './retry.js';

/**
 * What a sync asks of the loop (controller-runtime's reconcile.Result):
 * - `{ done: true }`: nothing more to do; the key's failures are forgotten;
 * - `{ requeueAfter: ms }`: forget the failures, sync the key again after ms (0: as soon as a worker is free);
 * - `{ retry: reason }`: sync again after the rate limiter's delay for the key, as upstream's
 *   enqueueRateLimited from a sync that then returns nil (so its failures are forgotten after).
 * A sync that throws is a failure: retried rate-limited, counted, dropped after maxRetries.
 */
export type SyncResult = { done: true } | { requeueAfter: number } | { retry: string };

export const DONE: SyncResult = Object.freeze({ done: true });

/** The API clients a component uses; from clientsFor(kc, userAgent), whose kubeConfig (if any) carries the watches. */
export interface ComponentClients {
  core: CoreV1Api;
  apps: AppsV1Api;
  kubeConfig?: KubeConfig;
}

/** The one options object every component takes; `informers` is each component's own set. */
export interface ComponentOptions<Informers> {
  kc: KubeConfig;
  clients: ComponentClients;
  /** Ready-made informers (tests, or a process sharing informers between components); else the component creates its own. */
  informers?: Informers;
  /** Default: an EventRecorder on clients.core under the component's name. */
  recorder?: EventRecorder;
  /** Where each decision is reported (the trace); a sink that throws is logged, never breaks a sync. */
  decisions?: DecisionSink;
  log?: Logger;
  /** The clock: what "now" is for the pure planners. */
  now?: () => Date;
  workers?: number;
}

/** The kubeconfig a component's own informers watch with. */
export function watchConfigOf(opts: Pick<ComponentOptions<unknown>, 'kc' | 'clients'>): KubeConfig {
  return opts.clients.kubeConfig ?? opts.kc;
}

export interface ControllerOptions {
  name: string;
  workers?: number;
  /** Requeues of one key before it is dropped (client-go examples use 15). */
  maxRetries?: number;
  log?: Logger;
  decisions?: DecisionSink;
}

export abstract class Controller {
  readonly queue: RateLimitingQueue<string>;
  readonly name: string;
  protected readonly log: Logger;
  protected readonly workers: number;
  protected readonly maxRetries: number;
  private readonly decisions: DecisionSink;

  constructor(opts: ControllerOptions, queue?: RateLimitingQueue<string>) {
    this.name = opts.name;
    this.workers = opts.workers ?? 1;
    this.maxRetries = opts.maxRetries ?? 15;
    this.log = opts.log ?? consoleLogger(opts.name);
    this.decisions = opts.decisions ?? noopDecisionSink;
    this.queue = queue ?? new RateLimitingQueue<string>();
  }

  enqueue(obj: KubernetesObject): void {
    this.queue.add(objectKey(obj));
  }

  enqueueAfter(obj: KubernetesObject, delayMs: number): void {
    this.queue.addAfter(objectKey(obj), delayMs);
  }

  /** Resolves once every informer has its first list in the store. */
  get synced(): Promise<void> {
    return Promise.all(this.informers().map((informer) => informer.synced)).then(() => undefined);
  }

  /** Informers to start and wait for (synced) before workers start. */
  protected abstract informers(): Informer<any>[];

  protected abstract syncHandler(key: string): Promise<SyncResult>;

  /** Reports a decision; the sink is the trace's, and a fault there must not fail the sync. */
  protected reportDecision(decision: Decision): void {
    try {
      this.decisions(decision);
    } catch (err) {
      this.log.warn('decision sink threw', { error: errorMessage(err) });
    }
  }

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
      this.applyResult(key, await this.syncHandler(key));
    } catch (err) {
      this.handleSyncError(key, err);
    } finally {
      this.queue.done(key);
    }
    return true;
  }

  private applyResult(key: string, result: SyncResult): void {
    if ('retry' in result) {
      this.log.debug('requeuing rate-limited', { key, reason: result.retry });
      this.queue.addRateLimited(key);
      this.queue.forget(key);
      return;
    }
    this.queue.forget(key);
    if ('requeueAfter' in result) this.queue.addAfter(key, result.requeueAfter);
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
