// EventRecorder: writes core/v1 Events the way client-go's recorder does, including its
// aggregation: the same event (object, type, reason, message, source) seen again bumps count and
// lastTimestamp on the existing Event instead of creating a new one. Recording never throws:
// an event is a courtesy to humans, not part of reconciliation.
import {
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Api,
  type CoreV1Event,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { isNotFound } from './retry.js';
import { consoleLogger, type Logger } from './log.js';

export type EventType = 'Normal' | 'Warning';

/** The two calls the recorder needs; a CoreV1Api satisfies it. */
export type EventsClient = Pick<CoreV1Api, 'createNamespacedEvent' | 'patchNamespacedEvent'>;

export interface EventRecorderOptions {
  now?: () => Date;
  log?: Logger;
  /** How many distinct events to remember for aggregation (client-go: 4096). */
  cacheSize?: number;
}

interface SeenEvent {
  name: string;
  namespace: string;
  count: number;
}

export class EventRecorder {
  private readonly seen = new Map<string, SeenEvent>();
  /** Writes of the same aggregation key run one after another so counts never race. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly now: () => Date;
  private readonly log: Logger;
  private readonly cacheSize: number;
  private nameCounter = 0;

  constructor(
    private readonly core: EventsClient,
    private readonly component: string,
    private readonly host: string = '',
    options: EventRecorderOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? consoleLogger(`${component}/events`);
    this.cacheSize = options.cacheSize ?? 4096;
  }

  event(obj: KubernetesObject, type: EventType, reason: string, message: string): Promise<void> {
    const key = this.aggregationKey(obj, type, reason, message);
    const previous = this.inFlight.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.write(key, obj, type, reason, message));
    this.inFlight.set(key, next);
    void next.finally(() => {
      if (this.inFlight.get(key) === next) this.inFlight.delete(key);
    });
    return next;
  }

  private async write(key: string, obj: KubernetesObject, type: EventType, reason: string, message: string): Promise<void> {
    const now = this.now();
    const seen = this.seen.get(key);
    try {
      if (seen) {
        const count = seen.count + 1;
        try {
          await this.core.patchNamespacedEvent(
            { name: seen.name, namespace: seen.namespace, body: { count, lastTimestamp: now.toISOString() } },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          );
          seen.count = count;
          return;
        } catch (err) {
          // The Event was garbage-collected (events have a TTL): start a new one.
          if (!isNotFound(err)) throw err;
          this.seen.delete(key);
        }
      }
      const body = this.newEvent(obj, type, reason, message, now);
      await this.core.createNamespacedEvent({ namespace: body.metadata.namespace!, body });
      this.remember(key, { name: body.metadata.name!, namespace: body.metadata.namespace!, count: 1 });
    } catch (err) {
      this.log.warn('could not write event', { reason, message, object: obj.metadata?.name, error: err });
    }
  }

  private newEvent(obj: KubernetesObject, type: EventType, reason: string, message: string, now: Date): CoreV1Event {
    const namespace = obj.metadata?.namespace || 'default';
    const objectName = obj.metadata?.name ?? 'unknown';
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${objectName}.${this.uniqueSuffix(now)}`, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: objectName,
        namespace: obj.metadata?.namespace,
        uid: obj.metadata?.uid,
        resourceVersion: obj.metadata?.resourceVersion,
      },
      type,
      reason,
      message,
      source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
      reportingComponent: this.component,
      reportingInstance: this.host || this.component,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
  }

  /** Like client-go: the creation time in nanoseconds, in hex (plus a counter for same-ms events). */
  private uniqueSuffix(now: Date): string {
    const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(this.nameCounter++ % 1_000_000);
    return nanos.toString(16);
  }

  private aggregationKey(obj: KubernetesObject, type: EventType, reason: string, message: string): string {
    const m = obj.metadata;
    return [this.component, this.host, obj.kind, m?.namespace, m?.name, m?.uid, type, reason, message].join('\u0000');
  }

  private remember(key: string, event: SeenEvent): void {
    this.seen.delete(key);
    this.seen.set(key, event);
    if (this.seen.size > this.cacheSize) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }
}
