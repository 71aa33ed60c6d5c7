/**
 * The session's timeline: append-only, in memory, bounded. Taps append; subscribers (the live view,
 * the JSONL writer) are told of every entry in append order. When the cap is reached the oldest
 * entries are dropped from memory and counted, so a long session cannot exhaust the heap; the JSONL
 * file keeps everything because its writer subscribes before anything is appended.
 */
import { TRACE_SCHEMA_VERSION, type TraceEntry, type TraceInput } from './schema.js';
import { redactEntry } from './redact.js';

export type Subscriber = (entry: TraceEntry) => void;
/** Runs on each new entry before it is stored and published (the correlator sets causeId here). */
export type Enricher = (entry: TraceEntry) => TraceEntry;

export interface TimelineOptions {
  /** Most entries kept in memory. Default 200 000 (a 300-pod scale-up makes ~15 000). */
  cap?: number;
  /** Session start, ms since the epoch. Default: when the timeline is created. */
  startMs?: number;
  /** Clock for entries whose source gives no time. */
  now?: () => number;
  enrich?: Enricher;
}

export const DEFAULT_TIMELINE_CAP = 200_000;

export class Timeline {
  readonly startMs: number;
  readonly cap: number;
  private readonly now: () => number;
  private readonly enrichers: Enricher[] = [];
  private readonly subscribers = new Set<Subscriber>();
  // A ring buffer: once full, each append overwrites the oldest slot in O(1).
  private readonly ring: (TraceEntry | undefined)[] = [];
  private head = 0; // slot of the oldest entry once the ring is full
  private nextId = 1;
  private droppedCount = 0;

  constructor(opts: TimelineOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.startMs = opts.startMs ?? this.now();
    this.cap = Math.max(1, opts.cap ?? DEFAULT_TIMELINE_CAP);
    if (opts.enrich) this.enrichers.push(opts.enrich);
  }

  /** Add an enricher; enrichers run in the order added. */
  use(enrich: Enricher): void {
    this.enrichers.push(enrich);
  }

  /** Store a new entry and tell every subscriber. Returns the stored (redacted, enriched) entry. */
  append(input: TraceInput): TraceEntry {
    const { at, ...rest } = input;
    const whenMs = at ? at.getTime() : this.now();
    let entry: TraceEntry = redactEntry({
      schemaVersion: TRACE_SCHEMA_VERSION,
      id: this.nextId++,
      tMs: Math.max(0, whenMs - this.startMs),
      wallTime: new Date(whenMs).toISOString(),
      ...rest,
    });
    for (const enrich of this.enrichers) entry = enrich(entry);
    this.store(entry);
    for (const subscriber of this.subscribers) {
      try {
        subscriber(entry);
      } catch {
        // A broken view must not break the taps (nor the controllers feeding them).
      }
    }
    return entry;
  }

  private store(entry: TraceEntry): void {
    if (this.ring.length < this.cap) {
      this.ring.push(entry);
      return;
    }
    this.ring[this.head] = entry;
    this.head = (this.head + 1) % this.cap;
    this.droppedCount++;
  }

  /** Call `fn` for every future entry; returns an unsubscribe function. */
  subscribe(fn: Subscriber): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /** The entries still in memory, in append order. */
  entries(): TraceEntry[] {
    const ordered = this.ring.slice(this.head).concat(this.ring.slice(0, this.head));
    return ordered as TraceEntry[];
  }

  get(id: number): TraceEntry | undefined {
    // ids are dense and increasing: the slot follows from the distance to the oldest entry.
    const oldest = this.ring[this.head];
    if (!oldest) return undefined;
    const offset = id - oldest.id;
    if (offset < 0 || offset >= this.ring.length) return undefined;
    return this.ring[(this.head + offset) % this.ring.length];
  }

  /** Entries dropped from memory because the cap was reached. */
  get dropped(): number {
    return this.droppedCount;
  }

  get size(): number {
    return this.ring.length;
  }
}
