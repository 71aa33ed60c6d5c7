// Informers that never die silently. client-node's ListWatch lists, then watches, and reconnects
// by itself after a clean close, a client-side timeout or 410 Gone; but after any other error it
// calls its 'error' handlers and stops. This wrapper restarts it with exponential backoff
// (1 s doubling to 30 s, reset once a list+watch connects), keeps its own store so update
// handlers get the old object too, and turns watch payloads (plain JSON) into typed objects with
// Date timestamps, like the objects from the list call, before ListWatch caches them: ListWatch
// and this store then hold one copy of each object, not a plain and a typed one.
import { ListWatch, type Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { LeanWatch } from './lean-watch.js';
import { decodeTyped } from './typed-decoder.js';
import { consoleLogger, type Logger } from './log.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ListSelectors {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface InformerOptions<T> {
  /** e.g. 'pods', used in logs and the trace. */
  name: string;
  /** Watch path, e.g. '/api/v1/pods'. */
  path: string;
  /** Lists the objects; receives the informer's selectors so list and watch agree. */
  list: (selectors: ListSelectors) => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;
  labelSelector?: string;
  fieldSelector?: string;
  /** client-node model name ('V1Pod', 'V1ReplicaSet', ...) used to type watch payloads. */
  deserializeAs?: string;
  /**
   * Applied to every object, listed or watched, before it is cached (client-go's SetTransform).
   * The lab's controllers pass stripManagedFields, as kube-controller-manager and kube-scheduler do.
   */
  transform?: (obj: T) => T;
  log?: Logger;
  /** Restart backoff bounds (ms). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Why a watch ended and the informer started another (client-go's reflector logs the same cases):
 *   timeout — nothing arrived for the watch's inactivity limit (30 s): a quiet resource, or a
 *             connection that died without a FIN or RST (a blackholed API server); the
 *             informer re-watches from its last resourceVersion;
 *   closed  — the server ended the watch (its own timeout, an API server shutting down);
 *   gone    — 410 Gone: the resourceVersion was compacted away in etcd; the informer lists again;
 *   error   — anything else (refused, reset, 5xx); the informer retries with backoff.
 */
export type WatchEndReason = 'timeout' | 'closed' | 'gone' | 'error';

export interface WatchRestart {
  reason: WatchEndReason;
  detail: string;
  /** How long the watch had been silent when it ended: for a dead connection, the detection time. */
  quietMs: number;
  /** Whether the informer lists everything again (gone) rather than resuming. */
  relist: boolean;
  /**
   * For a timeout: whether events were waiting the moment the informer watched again, i.e. the
   * old connection had gone silent while things changed (a dead connection, not a quiet resource).
   */
  stalled?: boolean;
}

/** A re-watch whose first event comes this soon after a timeout found events waiting. */
export const STALL_EVIDENCE_MS = 1000;

export interface Informer<T extends KubernetesObject> {
  readonly name: string;
  onAdd(handler: (obj: T) => void): void;
  onUpdate(handler: (oldObj: T, newObj: T) => void): void;
  onDelete(handler: (obj: T) => void): void;
  /** Every change, for the trace. */
  onEvent(handler: (type: WatchEventType, obj: T, oldObj: T | undefined) => void): void;
  /** Every watch that ended and why (for the trace: how a dead connection was noticed). */
  onWatchRestart(handler: (restart: WatchRestart) => void): void;
  list(namespace?: string): T[];
  get(namespace: string | undefined, name: string): T | undefined;
  /**
   * Starts list+watch; resolves once the first list is in the store (synced), or once stop() was
   * called before that (check hasSynced()): an informer that can never list (a 403, say) must not
   * keep whoever awaits it from stopping.
   */
  start(): Promise<void>;
  readonly synced: Promise<void>;
  hasSynced(): boolean;
  stop(): void;
}

/**
 * Drops metadata.managedFields: no controller or scheduler reads them, and they are a large part
 * of every object (kube-controller-manager and kube-scheduler trim them from their informers'
 * caches for the same reason). Set to undefined rather than deleted, so the object keeps its shape.
 */
export function stripManagedFields<T extends KubernetesObject>(obj: T): T {
  if (obj.metadata?.managedFields !== undefined) obj.metadata.managedFields = undefined;
  return obj;
}

/** 'namespace/name' for namespaced objects, 'name' for cluster-scoped ones (client-go's MetaNamespaceKeyFunc). */
export function objectKey(obj: KubernetesObject): string {
  const namespace = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return namespace ? `${namespace}/${name}` : name;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  if (slash < 0) return { name: key };
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The informer's cache: objects by key. Pure, so the bookkeeping can be tested without a cluster. */
export class ObjectStore<T extends KubernetesObject> {
  private readonly objects = new Map<string, T>();

  /** Stores obj and returns what it replaced. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.objects.get(key);
    this.objects.set(key, obj);
    return old;
  }

  /** Removes obj's key and returns what was stored. */
  remove(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.objects.get(key);
    this.objects.delete(key);
    return old;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    return namespace ? all.filter((obj) => obj.metadata?.namespace === namespace) : all;
  }

  get size(): number {
    return this.objects.size;
  }
}

/** Pure: why a watch ended, from what its done callback got and how long it had been silent. */
export function classifyWatchEnd(err: unknown, quietMs: number, sawGone: boolean): WatchRestart {
  const e = err as { name?: string; statusCode?: number; code?: number | string; message?: string } | null | undefined;
  if (sawGone || e?.statusCode === 410 || e?.code === 410) {
    return { reason: 'gone', detail: '410 Gone: the resourceVersion was compacted; listing again', quietMs, relist: true };
  }
  if (e?.name === 'TimeoutError') {
    return { reason: 'timeout', detail: `no data for ${Math.round(quietMs / 1000)} s; watching again from the last resourceVersion`, quietMs, relist: false };
  }
  if (!e) return { reason: 'closed', detail: 'the server ended the watch; watching again from the last resourceVersion', quietMs, relist: false };
  const code = e.statusCode ?? e.code;
  return { reason: 'error', detail: `${code !== undefined ? `${code} ` : ''}${e.message ?? String(err)}`.trim(), quietMs, relist: false };
}

/**
 * The Watch ListWatch uses, observed: when each watch last got data, whether the server said
 * 410 Gone in the stream, and why it ended (reported to onEnd). A timeout is reported once the
 * next watch shows whether events were waiting (its first event within STALL_EVIDENCE_MS) or not.
 */
export class ObservedWatch {
  private pendingTimeout: { restart: WatchRestart; timer: NodeJS.Timeout } | undefined;

  constructor(
    private readonly inner: Pick<Watch, 'watch'>,
    private readonly onEnd: (restart: WatchRestart) => void,
    private readonly now: () => number = Date.now,
  ) {}

  private settleTimeout(stalled: boolean): void {
    const pending = this.pendingTimeout;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pendingTimeout = undefined;
    const restart = { ...pending.restart, stalled };
    if (stalled) restart.detail = `no data for ${Math.round(restart.quietMs / 1000)} s, and events were waiting when it watched again: the connection had gone silent`;
    this.onEnd(restart);
  }

  watch(
    path: string,
    params: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    done: (err: any) => void,
  ): Promise<AbortController> {
    const started = this.now();
    let lastData = started;
    let sawGone = false;
    return this.inner.watch(
      path,
      params,
      (phase, obj, watchObj) => {
        lastData = this.now();
        if (phase === 'ERROR' && (obj as { code?: number } | undefined)?.code === 410) sawGone = true;
        if (phase !== 'ERROR' && phase !== 'BOOKMARK') this.settleTimeout(lastData - started <= STALL_EVIDENCE_MS);
        callback(phase, obj, watchObj);
      },
      (err) => {
        this.settleTimeout(false);
        const restart = classifyWatchEnd(err, this.now() - lastData, sawGone);
        if (restart.reason === 'timeout') {
          const timer = setTimeout(() => this.settleTimeout(false), STALL_EVIDENCE_MS * 2);
          timer.unref?.();
          this.pendingTimeout = { restart, timer };
        } else {
          this.onEnd(restart);
        }
        done(err);
      },
    );
  }
}

/**
 * The Watch ListWatch uses, decoding: each ADDED, MODIFIED and DELETED object is given to decode
 * before ListWatch caches it and hands it on (ERROR and BOOKMARK payloads are not objects to keep).
 */
export class DecodingWatch implements Pick<Watch, 'watch'> {
  constructor(
    private readonly inner: Pick<Watch, 'watch'>,
    private readonly decode: (obj: any) => any,
  ) {}

  readonly watch: Watch['watch'] = (path, params, callback, done) =>
    this.inner.watch(path, params, (phase, obj, watchObj) => {
      const decoded = phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED' ? this.decode(obj) : obj;
      callback(phase, decoded, watchObj);
    }, done);
}

/** Exponential backoff: initial, doubling, capped; reset() after a success. */
export class Backoff {
  private nextDelayMs: number;

  constructor(
    private readonly initialMs = 1000,
    private readonly maxMs = 30_000,
  ) {
    this.nextDelayMs = initialMs;
  }

  next(): number {
    const delay = this.nextDelayMs;
    this.nextDelayMs = Math.min(this.nextDelayMs * 2, this.maxMs);
    return delay;
  }

  reset(): void {
    this.nextDelayMs = this.initialMs;
  }
}

/**
 * Turns ListWatch's callbacks (add/update/delete with the new object only) into store updates
 * and handler calls with old objects. Separate from the I/O so it can be unit-tested.
 */
export class InformerEvents<T extends KubernetesObject> {
  readonly store = new ObjectStore<T>();
  private readonly addHandlers: Array<(obj: T) => void> = [];
  private readonly updateHandlers: Array<(oldObj: T, newObj: T) => void> = [];
  private readonly deleteHandlers: Array<(obj: T) => void> = [];
  private readonly eventHandlers: Array<(type: WatchEventType, obj: T, oldObj: T | undefined) => void> = [];

  constructor(
    private readonly name: string,
    private readonly log: Logger,
  ) {}

  onAdd(handler: (obj: T) => void): void {
    this.addHandlers.push(handler);
  }
  onUpdate(handler: (oldObj: T, newObj: T) => void): void {
    this.updateHandlers.push(handler);
  }
  onDelete(handler: (obj: T) => void): void {
    this.deleteHandlers.push(handler);
  }
  onEvent(handler: (type: WatchEventType, obj: T, oldObj: T | undefined) => void): void {
    this.eventHandlers.push(handler);
  }

  /** ListWatch reports both 'add' and 'update'; what matters is whether we had the object. */
  upserted(obj: T): void {
    const old = this.store.upsert(obj);
    if (old) {
      this.emitEvent('MODIFIED', obj, old);
      for (const handler of this.updateHandlers) this.safely(() => handler(old, obj));
    } else {
      this.emitEvent('ADDED', obj, undefined);
      for (const handler of this.addHandlers) this.safely(() => handler(obj));
    }
  }

  deleted(obj: T): void {
    const old = this.store.remove(obj);
    this.emitEvent('DELETED', obj, old);
    for (const handler of this.deleteHandlers) this.safely(() => handler(obj));
  }

  private emitEvent(type: WatchEventType, obj: T, old: T | undefined): void {
    for (const handler of this.eventHandlers) this.safely(() => handler(type, obj, old));
  }

  /** A throwing handler must not break the watch stream or the other handlers. */
  private safely(call: () => void): void {
    try {
      call();
    } catch (err) {
      this.log.error('informer handler threw', { informer: this.name, error: err });
    }
  }
}

class RestartingInformer<T extends KubernetesObject> implements Informer<T> {
  readonly name: string;
  readonly synced: Promise<void>;
  private markSynced!: () => void;
  private isSynced = false;
  private readonly events: InformerEvents<T>;
  private readonly listWatch: ListWatch<T>;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private started = false;
  private stopped = false;
  private readonly stoppedSignal = new AbortController();
  private failedSinceConnect = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly restartHandlers: Array<(restart: WatchRestart) => void> = [];

  constructor(kc: KubeConfig, private readonly opts: InformerOptions<T>) {
    this.name = opts.name;
    this.log = opts.log ?? consoleLogger(`informer/${opts.name}`);
    this.events = new InformerEvents<T>(opts.name, this.log);
    this.backoff = new Backoff(opts.initialBackoffMs ?? 1000, opts.maxBackoffMs ?? 30_000);
    this.synced = new Promise((resolve) => (this.markSynced = resolve));
    const selectors: ListSelectors = { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector };
    const list = async (): Promise<KubernetesListObject<T>> => {
      const listed = await opts.list(selectors);
      if (opts.transform) listed.items = listed.items.map(opts.transform);
      return listed as KubernetesListObject<T>;
    };
    // ListWatch takes a Watch; these have its one method: LeanWatch reads the stream (lean-watch.ts
    // says why not client-node's), DecodingWatch types (and transforms) each object before
    // ListWatch caches it, ObservedWatch reports how each watch ended.
    const decoding = new DecodingWatch(new LeanWatch(kc), (obj: T) => this.decoded(obj));
    const watch = new ObservedWatch(decoding, (restart) => this.watchEnded(restart)) as unknown as Watch;
    this.listWatch = new ListWatch<T>(opts.path, watch, list, false, opts.labelSelector, opts.fieldSelector);
    this.listWatch.on('add', (obj) => this.events.upserted(obj));
    this.listWatch.on('update', (obj) => this.events.upserted(obj));
    this.listWatch.on('delete', (obj) => this.events.deleted(obj));
    this.listWatch.on('error', (err) => this.failed(err));
    this.listWatch.on('connect', () => this.log.debug('listing and watching', { path: opts.path }));
  }

  onAdd(handler: (obj: T) => void): void {
    this.events.onAdd(handler);
  }
  onUpdate(handler: (oldObj: T, newObj: T) => void): void {
    this.events.onUpdate(handler);
  }
  onDelete(handler: (obj: T) => void): void {
    this.events.onDelete(handler);
  }
  onEvent(handler: (type: WatchEventType, obj: T, oldObj: T | undefined) => void): void {
    this.events.onEvent(handler);
  }
  onWatchRestart(handler: (restart: WatchRestart) => void): void {
    this.restartHandlers.push(handler);
  }
  list(namespace?: string): T[] {
    return this.events.store.list(namespace);
  }
  get(namespace: string | undefined, name: string): T | undefined {
    return this.events.store.get(namespace, name);
  }
  hasSynced(): boolean {
    return this.isSynced;
  }

  start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      void this.connect();
    }
    if (this.stopped) return Promise.resolve();
    const stopped = new Promise<void>((resolve) => this.stoppedSignal.signal.addEventListener('abort', () => resolve(), { once: true }));
    return Promise.race([this.synced, stopped]);
  }

  stop(): void {
    this.stopped = true;
    this.stoppedSignal.abort();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    void this.listWatch.stop();
  }

  /** One list+watch attempt. ListWatch reports failures through 'error', not by throwing. */
  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.failedSinceConnect = false;
    try {
      await this.listWatch.start();
    } catch (err) {
      this.failed(err);
      return;
    }
    if (this.stopped || this.failedSinceConnect) return;
    this.backoff.reset();
    if (!this.isSynced) {
      this.isSynced = true;
      this.log.info('synced', { objects: this.events.store.size });
      this.markSynced();
    }
  }

  private failed(err: unknown): void {
    this.failedSinceConnect = true;
    if (this.stopped || this.restartTimer) return;
    const delayMs = this.backoff.next();
    this.log.warn('list/watch failed, restarting', { path: this.opts.path, delayMs, error: describeError(err) });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.connect();
    }, delayMs);
  }

  private watchEnded(restart: WatchRestart): void {
    if (this.stopped) return;
    // A quiet resource times out every 30 s: routine, so only a debug line; the rest is news.
    if (restart.reason === 'timeout') this.log.debug('watch ended', { path: this.opts.path, ...restart });
    else this.log.info('watch ended', { path: this.opts.path, ...restart });
    for (const handler of this.restartHandlers) {
      try {
        handler(restart);
      } catch (err) {
        this.log.error('watch restart handler threw', { error: err });
      }
    }
  }

  /**
   * A watch payload, as it will be cached: typed and transformed. Watch payloads are plain JSON
   * (the list's items come from the API client already typed, and are transformed in list()).
   */
  private decoded(obj: T): T {
    const typed = this.opts.deserializeAs ? decodeTyped<T>(obj, this.opts.deserializeAs) : obj;
    return this.opts.transform ? this.opts.transform(typed) : typed;
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return JSON.stringify(err) ?? String(err);
}

export function createInformer<T extends KubernetesObject>(kc: KubeConfig, opts: InformerOptions<T>): Informer<T> {
  return new RestartingInformer<T>(kc, opts);
}
