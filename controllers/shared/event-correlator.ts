// EventCorrelator: the client-side filtering that client-go's event broadcaster applies before an
// Event reaches the API server (k8s.io/client-go/tools/record/events_cache.go). Pure logic with an
// injectable clock, so it can be tested without a cluster; EventRecorder (events.ts) does the I/O.
//
// For every event, in this order (the order of client-go's EventCorrelate):
//   1. aggregate: events that differ only by message (same source, involved object, type, reason,
//      reporting controller/instance) are counted; once 10 distinct messages were seen with no gap
//      longer than 600 s, the event is rewritten to "(combined from similar events): <message>" and
//      correlated under the aggregate key, so later ones bump one Event instead of creating more;
//   2. observe (dedupe): an event whose key was seen before becomes a patch of that Event with
//      count + 1; otherwise a create with count 1;
//   3. spam filter: a token bucket per (source, involved object, type), burst 25, refilled at 1 token
//      every 300 s; an event that finds no token is skipped. The filter runs last, on the observed
//      event, so a skipped occurrence still counts: the next write carries the full count.
// Each of the three caches is an LRU of 4096 entries.

export const DEFAULT_CACHE_SIZE = 4096;
/** Distinct messages for one aggregate key before events are combined. */
export const DEFAULT_AGGREGATE_MAX_EVENTS = 10;
/** A gap longer than this between similar events starts the aggregation afresh. */
export const DEFAULT_AGGREGATE_INTERVAL_SECONDS = 600;
/** Events a source may write about one object at once. */
export const DEFAULT_SPAM_BURST = 25;
/** Refill rate of the spam filter: 1 event every 5 minutes. client-go keeps it in a float32. */
export const DEFAULT_SPAM_QPS = Math.fround(1 / 300);
export const AGGREGATE_MESSAGE_PREFIX = '(combined from similar events): ';

/** A Map that forgets its least recently used entry past maxEntries (0: no limit). */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value, marked as most recently used. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.maxEntries > 0 && this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /** Keys from least to most recently used. */
  keys(): K[] {
    return [...this.entries.keys()];
  }
}

/**
 * A token bucket that starts full: `burst` tokens, refilled continuously at `qps` tokens a second,
 * never above `burst`. tryAccept takes one token if there is a whole one.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.last = nowMs;
  }

  tryAccept(nowMs: number): boolean {
    // A clock that went backwards adds nothing.
    const elapsedSeconds = Math.max(0, nowMs - this.last) / 1000;
    const available = Math.min(this.burst, this.tokens + elapsedSeconds * this.qps);
    if (available < 1) return false;
    this.tokens = available - 1;
    this.last = Math.max(nowMs, this.last);
    return true;
  }

  /** Tokens available at nowMs (for tests and debugging). */
  available(nowMs: number): number {
    const elapsedSeconds = Math.max(0, nowMs - this.last) / 1000;
    return Math.min(this.burst, this.tokens + elapsedSeconds * this.qps);
  }
}

export interface InvolvedObjectRef {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  fieldPath?: string;
}

/** What the correlator looks at: the fields of a core/v1 Event that take part in its keys. */
export interface CorrelatorInput {
  /** The name to give the Event if it has to be created. */
  name: string;
  source: { component: string; host?: string };
  involvedObject: InvolvedObjectRef;
  type: string;
  reason: string;
  message: string;
  reportingController?: string;
  reportingInstance?: string;
}

/** The Event to write, after correlation. */
export interface CorrelatedEvent extends CorrelatorInput {
  count: number;
  firstTimestamp: Date;
  lastTimestamp: Date;
}

export type CorrelationResult =
  | { skip: true }
  | {
      skip: false;
      /** create a new Event, or patch count/lastTimestamp/message of the one named event.name. */
      write: 'create' | 'patch';
      /** The cache key the Event is tracked under: writes with the same key target the same Event. */
      key: string;
      /** True when the message was rewritten to the combined form. */
      aggregated: boolean;
      event: CorrelatedEvent;
    };

export interface EventCorrelatorOptions {
  now?: () => Date;
  /** Entries of each LRU cache (aggregation, dedupe, spam filter). */
  cacheSize?: number;
  maxEvents?: number;
  maxIntervalSeconds?: number;
  burst?: number;
  qps?: number;
  /** Which events share a token bucket; defaults to spamKey below. */
  spamKey?: (event: CorrelatorInput) => string;
}

const SEP = '\u0000';

/** Who reported the event and about which object: the start of every key (fieldPath only where upstream has it). */
function sourceAndObject(e: CorrelatorInput, withFieldPath: boolean): string[] {
  const o = e.involvedObject;
  return [
    e.source.component,
    e.source.host ?? '',
    o.kind ?? '',
    o.namespace ?? '',
    o.name ?? '',
    ...(withFieldPath ? [o.fieldPath ?? ''] : []),
    o.uid ?? '',
    o.apiVersion ?? '',
  ];
}

/** Dedupe key: everything that makes two events "the same event". */
export function eventKey(e: CorrelatorInput): string {
  return [...sourceAndObject(e, true), e.type, e.reason, e.message].join(SEP);
}

/** Aggregate key (events that differ only by message) and local key (the message). */
export function aggregateKeys(e: CorrelatorInput): { aggregateKey: string; localKey: string } {
  const aggregateKey = [...sourceAndObject(e, false), e.type, e.reason, e.reportingController ?? '', e.reportingInstance ?? ''].join(SEP);
  return { aggregateKey, localKey: e.message };
}

/** Spam key: one token bucket per source, involved object and event type. */
export function spamKey(e: CorrelatorInput): string {
  return [...sourceAndObject(e, false), e.type].join(SEP);
}

export function aggregateMessage(message: string): string {
  return AGGREGATE_MESSAGE_PREFIX + message;
}

interface AggregateRecord {
  /** Distinct messages seen, in the order first seen. */
  localKeys: Set<string>;
  lastTimestampMs: number;
}

interface EventLog {
  count: number;
  firstTimestamp: Date;
  name: string;
}

export class EventCorrelator {
  private readonly now: () => Date;
  private readonly maxEvents: number;
  private readonly maxIntervalMs: number;
  private readonly burst: number;
  private readonly qps: number;
  private readonly spamKeyOf: (event: CorrelatorInput) => string;
  private readonly aggregates: LruCache<string, AggregateRecord>;
  private readonly observed: LruCache<string, EventLog>;
  private readonly buckets: LruCache<string, TokenBucket>;

  constructor(options: EventCorrelatorOptions = {}) {
    const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    this.now = options.now ?? (() => new Date());
    this.maxEvents = options.maxEvents ?? DEFAULT_AGGREGATE_MAX_EVENTS;
    this.maxIntervalMs = (options.maxIntervalSeconds ?? DEFAULT_AGGREGATE_INTERVAL_SECONDS) * 1000;
    this.burst = options.burst ?? DEFAULT_SPAM_BURST;
    this.qps = options.qps ?? DEFAULT_SPAM_QPS;
    this.spamKeyOf = options.spamKey ?? spamKey;
    this.aggregates = new LruCache(cacheSize);
    this.observed = new LruCache(cacheSize);
    this.buckets = new LruCache(cacheSize);
  }

  correlate(input: CorrelatorInput, now: Date = this.now()): CorrelationResult {
    const { event: candidate, key, aggregated } = this.aggregate(input, now);
    const { event, write } = this.observe(candidate, key);
    if (this.filter(event, now)) return { skip: true };
    return { skip: false, write, key, aggregated, event };
  }

  /** Step 1: rewrite the event to its combined form once enough similar ones were seen. */
  private aggregate(input: CorrelatorInput, now: Date): { event: CorrelatedEvent; key: string; aggregated: boolean } {
    const nowMs = now.getTime();
    const { aggregateKey, localKey } = aggregateKeys(input);
    let record = this.aggregates.get(aggregateKey);
    if (!record || nowMs - record.lastTimestampMs > this.maxIntervalMs) {
      record = { localKeys: new Set(), lastTimestampMs: nowMs };
    }
    record.localKeys.add(localKey);
    record.lastTimestampMs = nowMs;
    this.aggregates.set(aggregateKey, record);

    if (record.localKeys.size < this.maxEvents) {
      const event: CorrelatedEvent = { ...input, count: 1, firstTimestamp: now, lastTimestamp: now };
      return { event, key: 'event' + SEP + eventKey(input), aggregated: false };
    }

    // Keep the set at maxEvents - 1 so that every further new message aggregates too. client-go
    // drops an arbitrary member; dropping the oldest keeps this deterministic.
    const oldest = record.localKeys.values().next();
    if (!oldest.done) record.localKeys.delete(oldest.value);

    // The combined Event carries source, involved object, type and reason, but (as in client-go)
    // not the reporting controller/instance.
    const event: CorrelatedEvent = {
      name: input.name,
      source: input.source,
      involvedObject: input.involvedObject,
      type: input.type,
      reason: input.reason,
      message: aggregateMessage(input.message),
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
    };
    return { event, key: 'aggregate' + SEP + aggregateKey, aggregated: true };
  }

  /** Step 2: a repeat of a tracked Event becomes a patch of it with count + 1. */
  private observe(candidate: CorrelatedEvent, key: string): { event: CorrelatedEvent; write: 'create' | 'patch' } {
    const last = this.observed.get(key);
    let event = candidate;
    let write: 'create' | 'patch' = 'create';
    if (last && last.count > 0) {
      event = { ...candidate, name: last.name, firstTimestamp: last.firstTimestamp, count: last.count + 1 };
      write = 'patch';
    }
    this.observed.set(key, { count: event.count, firstTimestamp: event.firstTimestamp, name: event.name });
    return { event, write };
  }

  /** Step 3: true when the event's source+object bucket has no token left. */
  private filter(event: CorrelatorInput, now: Date): boolean {
    const key = this.spamKeyOf(event);
    const bucket = this.buckets.get(key) ?? new TokenBucket(this.qps, this.burst, now.getTime());
    const accepted = bucket.tryAccept(now.getTime());
    this.buckets.set(key, bucket);
    return !accepted;
  }
}
