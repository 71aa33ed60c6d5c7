// EventRecorder: writes core/v1 Events the way client-go's recorder does, after passing each one
// through an EventCorrelator (event-correlator.ts) like client-go's broadcaster:
// - the same event (object, type, reason, message, source) seen again bumps count, lastTimestamp
//   (and message) on the existing Event with a merge patch instead of creating a new one;
// - similar events (same object, type and reason, different messages) are combined once 10 distinct
//   messages were seen within 600 s: "(combined from similar events): <message>" on one Event;
// - a source may write 25 events about one object (per event type), then 1 every 5 minutes; the
//   rest are dropped quietly (client-go logs them only at V(4)); see droppedEvents.
// Recording never throws: an event is a courtesy to humans, not part of reconciliation.
import {
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Api,
  type CoreV1Event,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { isNotFound } from './retry.js';
import { consoleLogger, type Logger } from './log.js';
import { EventCorrelator, type CorrelatedEvent, type CorrelationResult, type CorrelatorInput } from './event-correlator.js';

export type EventType = 'Normal' | 'Warning';

/** The two calls the recorder needs; a CoreV1Api satisfies it. */
export type EventsClient = Pick<CoreV1Api, 'createNamespacedEvent' | 'patchNamespacedEvent'>;

export interface EventRecorderOptions {
  now?: () => Date;
  log?: Logger;
  /** How many entries each correlation cache (aggregation, dedupe, spam filter) keeps (client-go: 4096). */
  cacheSize?: number;
}

export class EventRecorder {
  /** Writes to the same Event (same correlation key) run one after another so counts never race. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly now: () => Date;
  private readonly log: Logger;
  private readonly correlator: EventCorrelator;
  private nameCounter = 0;
  private dropped = 0;

  constructor(
    private readonly core: EventsClient,
    private readonly component: string,
    private readonly host: string = '',
    options: EventRecorderOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? consoleLogger(`${component}/events`);
    this.correlator = new EventCorrelator({ now: this.now, ...(options.cacheSize !== undefined ? { cacheSize: options.cacheSize } : {}) });
  }

  /** Events the spam filter has dropped so far. */
  get droppedEvents(): number {
    return this.dropped;
  }

  event(obj: KubernetesObject, type: EventType, reason: string, message: string): Promise<void> {
    let result: CorrelationResult;
    try {
      const now = this.now();
      result = this.correlator.correlate(this.correlatorInput(obj, type, reason, message, now), now);
    } catch (err) {
      this.log.warn('could not write event', { reason, message, object: obj.metadata?.name, error: err });
      return Promise.resolve();
    }
    if (result.skip) {
      this.dropped++;
      this.log.debug('event dropped by the spam filter', { reason, message, object: obj.metadata?.name });
      return Promise.resolve();
    }
    const { key } = result;
    const previous = this.inFlight.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.write(obj, result.write, result.event));
    this.inFlight.set(key, next);
    void next.finally(() => {
      if (this.inFlight.get(key) === next) this.inFlight.delete(key);
    });
    return next;
  }

  private async write(obj: KubernetesObject, write: 'create' | 'patch', event: CorrelatedEvent): Promise<void> {
    const namespace = obj.metadata?.namespace || 'default';
    try {
      if (write === 'patch') {
        try {
          await this.core.patchNamespacedEvent(
            {
              name: event.name,
              namespace,
              body: { count: event.count, lastTimestamp: event.lastTimestamp.toISOString(), message: event.message },
            },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          );
          return;
        } catch (err) {
          // The Event was garbage-collected (events have a TTL): create it again, as client-go does,
          // under the same name and with the count so far.
          if (!isNotFound(err)) throw err;
        }
      }
      const body = this.newEvent(obj, event, namespace);
      await this.core.createNamespacedEvent({ namespace, body });
    } catch (err) {
      this.log.warn('could not write event', { reason: event.reason, message: event.message, object: obj.metadata?.name, error: err });
    }
  }

  private correlatorInput(obj: KubernetesObject, type: EventType, reason: string, message: string, now: Date): CorrelatorInput {
    const m = obj.metadata;
    const objectName = m?.name ?? 'unknown';
    return {
      name: `${objectName}.${this.uniqueSuffix(now)}`,
      source: { component: this.component, host: this.host },
      involvedObject: { kind: obj.kind, namespace: m?.namespace, name: objectName, uid: m?.uid, apiVersion: obj.apiVersion },
      type,
      reason,
      message,
      reportingController: this.component,
      reportingInstance: this.host || this.component,
    };
  }

  private newEvent(obj: KubernetesObject, event: CorrelatedEvent, namespace: string): CoreV1Event {
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: event.name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata?.name ?? 'unknown',
        namespace: obj.metadata?.namespace,
        uid: obj.metadata?.uid,
        resourceVersion: obj.metadata?.resourceVersion,
      },
      type: event.type,
      reason: event.reason,
      message: event.message,
      source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
      // A combined Event has no reporting controller/instance in client-go either.
      ...(event.reportingController !== undefined ? { reportingComponent: event.reportingController } : {}),
      ...(event.reportingInstance !== undefined ? { reportingInstance: event.reportingInstance } : {}),
      firstTimestamp: event.firstTimestamp,
      lastTimestamp: event.lastTimestamp,
      count: event.count,
    };
  }

  /** Like client-go: the creation time in nanoseconds, in hex (plus a counter for same-ms events). */
  private uniqueSuffix(now: Date): string {
    const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(this.nameCounter++ % 1_000_000);
    return nanos.toString(16);
  }
}
