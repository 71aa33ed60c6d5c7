// Fakes for the controllers' tests: an informer kept in memory, and an event recorder whose
// Events land in a list.
import type { KubernetesObject } from '@kubernetes/client-node';
import { EventRecorder, type EventsClient } from '../../../controllers/shared/events.js';
import { objectKey, type Informer, type WatchEventType } from '../../../controllers/shared/informer.js';
import { silentLogger } from '../../../controllers/shared/log.js';

/** add() and remove() change the store and call the handlers as a watch event would (an add of a known object is an update). */

export class MemoryInformer<T extends KubernetesObject> implements Informer<T> {
  readonly synced = Promise.resolve();
  private readonly objects = new Map<string, T>();
  private readonly adds: Array<(o: T) => void> = [];
  private readonly updates: Array<(o: T, n: T) => void> = [];
  private readonly deletes: Array<(o: T) => void> = [];
  constructor(readonly name: string) {}
  onAdd(h: (o: T) => void) { this.adds.push(h); }
  onUpdate(h: (o: T, n: T) => void) { this.updates.push(h); }
  onDelete(h: (o: T) => void) { this.deletes.push(h); }
  onEvent(_h: (type: WatchEventType, obj: T, old: T | undefined) => void) {}
  onWatchRestart() {}
  list(ns?: string) { return [...this.objects.values()].filter((o) => !ns || o.metadata?.namespace === ns); }
  get(ns: string | undefined, name: string) { return this.objects.get(ns ? `${ns}/${name}` : name); }
  start() { return this.synced; }
  hasSynced() { return true; }
  stop() {}
  add(obj: T) {
    const old = this.objects.get(objectKey(obj));
    this.objects.set(objectKey(obj), obj);
    if (old) this.updates.forEach((h) => h(old, obj));
    else this.adds.forEach((h) => h(obj));
  }
  remove(obj: T) {
    this.objects.delete(objectKey(obj));
    this.deletes.forEach((h) => h(obj));
  }
}

/** An EventRecorder for `component` whose Events are written to `events` as 'type reason message'. */
export function recordingEventRecorder(component: string): { recorder: EventRecorder; events: string[] } {
  const events: string[] = [];
  const client = {
    async createNamespacedEvent({ body }: { body: { type: string; reason: string; message: string } }) {
      events.push(`${body.type} ${body.reason} ${body.message}`);
      return body;
    },
    async patchNamespacedEvent() {
      return {};
    },
  } as unknown as EventsClient;
  return { recorder: new EventRecorder(client, component, '', { log: silentLogger }), events };
}
