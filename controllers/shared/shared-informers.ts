/**
 * One informer per resource for all the components of one process, as kube-controller-manager's
 * SharedInformerFactory gives its Deployment and ReplicaSet controllers one pod cache between them.
 * Each component gets a view of its own: its own handlers (so the trace still tells which component
 * saw what), its own start and stop. The informer behind the views lists and watches once, holds
 * each object once, and stops when the last view stops; the next view then starts a fresh one.
 *
 * A view started after the informer has synced is first handed every cached object as an add
 * (client-go replays its store to a handler added late the same way), so a component that starts
 * a new term, or starts after another, sees the whole cache as if it had listed it itself.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Informer, WatchEventType, WatchRestart } from './informer.js';
import type { Logger } from './log.js';

interface Handlers<T> {
  add: Array<(obj: T) => void>;
  update: Array<(oldObj: T, newObj: T) => void>;
  delete: Array<(obj: T) => void>;
  event: Array<(type: WatchEventType, obj: T, oldObj: T | undefined) => void>;
  restart: Array<(restart: WatchRestart) => void>;
}

/** One running informer and the views started on it. */
class SharedEntry<T extends KubernetesObject> {
  readonly views = new Set<InformerView<T>>();

  constructor(readonly informer: Informer<T>) {
    informer.onAdd((obj) => this.each((v) => v.deliver('add', (h) => h.add.forEach((f) => f(obj)))));
    informer.onUpdate((oldObj, obj) => this.each((v) => v.deliver('update', (h) => h.update.forEach((f) => f(oldObj, obj)))));
    informer.onDelete((obj) => this.each((v) => v.deliver('delete', (h) => h.delete.forEach((f) => f(obj)))));
    informer.onEvent((type, obj, oldObj) => this.each((v) => v.deliver('event', (h) => h.event.forEach((f) => f(type, obj, oldObj)))));
    informer.onWatchRestart((restart) => this.each((v) => v.deliver('restart', (h) => h.restart.forEach((f) => f(restart)))));
  }

  private each(call: (view: InformerView<T>) => void): void {
    for (const view of this.views) call(view);
  }
}

/** What one component holds: an Informer whose handlers are its own and whose stop() lets go. */
class InformerView<T extends KubernetesObject> implements Informer<T> {
  private readonly handlers: Handlers<T> = { add: [], update: [], delete: [], event: [], restart: [] };
  private entry: SharedEntry<T> | undefined;
  private stopped = false;
  readonly synced: Promise<void>;
  private markSynced!: () => void;

  constructor(
    readonly name: string,
    private readonly acquire: () => SharedEntry<T>,
    private readonly release: (entry: SharedEntry<T>) => void,
    private readonly log: Logger | undefined,
  ) {
    this.synced = new Promise((resolve) => (this.markSynced = resolve));
  }

  onAdd(handler: (obj: T) => void): void {
    this.handlers.add.push(handler);
  }
  onUpdate(handler: (oldObj: T, newObj: T) => void): void {
    this.handlers.update.push(handler);
  }
  onDelete(handler: (obj: T) => void): void {
    this.handlers.delete.push(handler);
  }
  onEvent(handler: (type: WatchEventType, obj: T, oldObj: T | undefined) => void): void {
    this.handlers.event.push(handler);
  }
  onWatchRestart(handler: (restart: WatchRestart) => void): void {
    this.handlers.restart.push(handler);
  }

  list(namespace?: string): T[] {
    return this.entry?.informer.list(namespace) ?? [];
  }
  get(namespace: string | undefined, name: string): T | undefined {
    return this.entry?.informer.get(namespace, name);
  }
  hasSynced(): boolean {
    return this.entry?.informer.hasSynced() ?? false;
  }

  /** Joins the shared informer (starting it if this is the first view); a late view gets the cache replayed. */
  async start(): Promise<void> {
    if (this.stopped || this.entry) return this.synced;
    const entry = this.acquire();
    this.entry = entry;
    const replay = entry.informer.hasSynced();
    entry.views.add(this);
    if (replay) {
      for (const obj of entry.informer.list()) {
        this.deliver('add', (h) => h.add.forEach((f) => f(obj)));
        this.deliver('event', (h) => h.event.forEach((f) => f('ADDED', obj, undefined)));
      }
    }
    await entry.informer.start();
    if (!this.stopped) this.markSynced();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const entry = this.entry;
    if (!entry) return;
    entry.views.delete(this);
    this.release(entry);
  }

  /** Calls this view's handlers of one kind; one that throws is logged, and the others still run. */
  deliver(kind: keyof Handlers<T>, call: (handlers: Handlers<T>) => void): void {
    if (this.stopped) return;
    try {
      call(this.handlers);
    } catch (err) {
      this.log?.error(`${this.name} ${kind} handler threw`, { error: err });
    }
  }
}

/** The informers of one process, by resource name ('pods', 'replicasets'...). */
export class SharedInformers {
  private readonly entries = new Map<string, SharedEntry<any>>();

  /**
   * A view on the shared informer for `resource`. `make` builds that informer when no view holds
   * one; the first component to start a view lists and watches as itself.
   */
  view<T extends KubernetesObject>(resource: string, make: () => Informer<T>, log?: Logger): Informer<T> {
    const acquire = (): SharedEntry<T> => {
      let entry = this.entries.get(resource) as SharedEntry<T> | undefined;
      if (!entry) this.entries.set(resource, (entry = new SharedEntry<T>(make())));
      return entry;
    };
    const release = (entry: SharedEntry<T>): void => {
      if (entry.views.size > 0 || this.entries.get(resource) !== entry) return;
      this.entries.delete(resource);
      entry.informer.stop();
    };
    return new InformerView<T>(resource, acquire, release, log);
  }

  /** How many views hold each running informer (for tests and `lab status`-style reports). */
  holders(): Record<string, number> {
    return Object.fromEntries([...this.entries].map(([resource, entry]) => [resource, entry.views.size]));
  }
}
