/**
 * informerTap: what each of the lab's components saw through its informers. Subscribes with the
 * contract's `onEvent(type, obj, old)`; each event becomes an entry with the resourceVersion and a
 * compact diff against the previous version.
 */
import { diffObjects } from '../diff.js';
import { kindOfResource } from '../kinds.js';
import type { Actor, TraceInput } from '../schema.js';
import type { Timeline } from '../timeline.js';
import { controllerOwnerOf, refOf } from './object-ref.js';
import type { LooseObject, WatchEventSource, WatchEventType } from './types.js';

/**
 * The verb of an entry saying an informer's watch ended and another began; its object is the
 * informer itself (kind Informer, named after its resource).
 */
export const WATCH_RESTARTED = 'WATCH-RESTARTED';

/** Pure: a watch that ended (and why) as seen by `observer` → a timeline input. */
export function watchRestartEntry(observer: Actor, informerName: string, restart: { reason: string; detail: string; quietMs: number; relist: boolean; stalled?: boolean }): TraceInput {
  return {
    tap: 'informer',
    actor: observer,
    verb: WATCH_RESTARTED,
    object: { kind: 'Informer', name: informerName },
    details: { informer: informerName, reason: restart.reason, detail: restart.detail, quietMs: restart.quietMs, relist: restart.relist, ...(restart.stalled ? { stalled: true } : {}) },
  };
}

/** Pure: one watch event as seen by `observer` → a timeline input. */
export function informerEntry(
  observer: Actor,
  type: WatchEventType,
  obj: LooseObject,
  oldObj: LooseObject | undefined,
  kindHint?: string,
  informerName?: string,
): TraceInput {
  const details: Record<string, unknown> = {
    diff: type === 'DELETED' ? [] : diffObjects(oldObj, obj),
  };
  if (informerName) details.informer = informerName;
  const owner = controllerOwnerOf(obj);
  if (owner) details.owner = owner;
  const input: TraceInput = { tap: 'informer', actor: observer, verb: type, object: refOf(obj, kindHint), details };
  const rv = obj.metadata?.resourceVersion;
  if (rv) input.resourceVersion = rv;
  return input;
}

export class InformerTap {
  readonly name = 'informer';
  private running = true;

  constructor(private readonly timeline: Timeline) {}

  /**
   * Record what `observer` sees through `informer`. Objects from a list call carry no kind, so
   * pass `kind` (or name the informer after its resource: 'pods' → Pod).
   */
  watch<T extends LooseObject>(observer: Actor, informer: WatchEventSource<T>, kind?: string): void {
    const kindHint = kind ?? (informer.name ? kindOfResource(informer.name) : undefined);
    informer.onEvent((type, obj, oldObj) => {
      if (!this.running) return;
      this.timeline.append(informerEntry(observer, type, obj, oldObj, kindHint, informer.name));
    });
    // Quiet watches time out every 30 s by design; only the other endings, and a timeout after
    // which events were waiting (a connection that had gone silent), say how a fault was noticed.
    informer.onWatchRestart?.((restart) => {
      if (!this.running || (restart.reason === 'timeout' && !restart.stalled)) return;
      this.timeline.append(watchRestartEntry(observer, informer.name ?? 'informer', restart));
    });
  }

  async start(): Promise<void> {
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
  }
}
