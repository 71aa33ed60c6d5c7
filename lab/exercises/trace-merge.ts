/**
 * Several trace files read as one timeline. Two `lab run --trace` processes (a leader and a
 * standby) must not append to one file: their buffered chunks would interleave, and the reader
 * would take every switch between them for a new session, linking causes across processes. So
 * each writes its own file and the exercises merge them here.
 *
 * Both processes tap the same cluster (audit log, etcd, containerd, kubelet), so while both run
 * each of those events is in both files: it is kept once. Decisions, writes and informer events
 * belong to one process and are never merged away.
 */
import { objectKeyOf, type Tap, type TraceEntry } from '../trace/schema.js';

/** One file's entries (sessions already joined) and when its first session started (epoch ms). */
export interface TraceFileEntries {
  entries: readonly TraceEntry[];
  startMs: number;
}

/** Taps that observe the cluster rather than one process: every tracer sees the same events. */
const SHARED_TAPS: ReadonlySet<Tap> = new Set(['audit', 'etcd', 'containerd', 'kubelet']);

/** Two tracers see one event within this time of each other (both poll or watch the same source). */
export const SAME_EVENT_WINDOW_MS = 2_000;

/** The file's first session start: wall time of its first entry minus its offset. */
export function sessionStartMs(entries: readonly TraceEntry[]): number | undefined {
  const first = entries[0];
  return first ? Date.parse(first.wallTime) - first.tMs : undefined;
}

function sameEventKey(e: TraceEntry): string {
  return [e.tap, e.actor, e.verb, objectKeyOf(e.object), e.resourceVersion ?? '', JSON.stringify(e.details)].join('|');
}

/**
 * Pure: one timeline from several files, in wall-time order. Ids of later files are moved past the
 * earlier ones (causeIds follow) and times count from the earliest start. A single file with
 * entries comes back unchanged.
 */
export function mergeTraceFiles(files: readonly TraceFileEntries[]): TraceEntry[] {
  const nonEmpty = files.filter((f) => f.entries.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return [...nonEmpty[0]!.entries];
  const globalStart = Math.min(...nonEmpty.map((f) => f.startMs));
  const tagged: Array<{ entry: TraceEntry; file: number; wallMs: number }> = [];
  let nextId = 0;
  nonEmpty.forEach((file, index) => {
    const tShift = file.startMs - globalStart;
    const idOffset = index === 0 ? 0 : nextId - Math.min(...file.entries.map((e) => e.id));
    let maxId = nextId - 1;
    for (const e of file.entries) {
      const moved: TraceEntry = { ...e, id: e.id + idOffset, tMs: e.tMs + tShift };
      if (e.causeId !== undefined) moved.causeId = e.causeId + idOffset;
      maxId = Math.max(maxId, moved.id);
      tagged.push({ entry: moved, file: index, wallMs: Date.parse(e.wallTime) });
    }
    nextId = maxId + 1;
  });
  tagged.sort((a, b) => a.wallMs - b.wallMs || a.entry.id - b.entry.id);
  const kept = new Map<string, Array<{ file: number; wallMs: number }>>();
  const result: TraceEntry[] = [];
  for (const t of tagged) {
    if (SHARED_TAPS.has(t.entry.tap)) {
      const key = sameEventKey(t.entry);
      const seen = kept.get(key) ?? [];
      if (seen.some((s) => s.file !== t.file && Math.abs(s.wallMs - t.wallMs) <= SAME_EVENT_WINDOW_MS)) continue;
      seen.push({ file: t.file, wallMs: t.wallMs });
      kept.set(key, seen);
    }
    result.push(t.entry);
  }
  return result;
}
