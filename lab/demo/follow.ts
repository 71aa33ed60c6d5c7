/**
 * Following a JSONL trace while another part of the process writes it: runLab streams its trace
 * to a file, and `lab demo` shows it live by reading what was appended every few hundred ms.
 */
import { open } from 'node:fs/promises';
import { traceEntrySchema, type TraceEntry, type TraceInput } from '../trace/schema.js';

/** Pure: complete lines of `buffer`, and the unfinished tail to keep for the next read. */
export function completeLines(buffer: string): { lines: string[]; rest: string } {
  const end = buffer.lastIndexOf('\n');
  if (end < 0) return { lines: [], rest: buffer };
  return { lines: buffer.slice(0, end).split('\n').filter((l) => l.trim().length > 0), rest: buffer.slice(end + 1) };
}

/** Pure: a line → an entry, or undefined for a line that is not a valid entry (skipped, never fatal). */
export function parseEntryLine(line: string): TraceEntry | undefined {
  try {
    const parsed = traceEntrySchema.safeParse(JSON.parse(line));
    return parsed.success ? (parsed.data as TraceEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** Pure: an entry read back → what a local timeline appends (same instant, new id). */
export function asInput(e: TraceEntry): TraceInput {
  const input: TraceInput = { tap: e.tap, actor: e.actor, verb: e.verb, object: e.object, details: e.details, at: new Date(e.wallTime) };
  if (e.resourceVersion !== undefined) input.resourceVersion = e.resourceVersion;
  if (e.latencyMs !== undefined) input.latencyMs = e.latencyMs;
  return input;
}

export interface Follower {
  stop(): Promise<void>;
}

/** Read `path` from its start as it grows (it may not exist yet); call `onEntry` for each entry. */
export function followJsonl(path: string, onEntry: (e: TraceEntry) => void, intervalMs = 200): Follower {
  let offset = 0;
  let rest = '';
  let stopped = false;
  const readMore = async () => {
    const handle = await open(path, 'r').catch(() => undefined);
    if (!handle) return;
    try {
      const buf = Buffer.alloc(1 << 16);
      for (;;) {
        const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        const split = completeLines(rest + buf.subarray(0, bytesRead).toString('utf8'));
        rest = split.rest;
        for (const line of split.lines) {
          const entry = parseEntryLine(line);
          if (entry) onEntry(entry);
        }
      }
    } finally {
      await handle.close();
    }
  };
  let pending: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    pending = pending.then(readMore).catch(() => {});
  }, intervalMs);
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await pending;
      await readMore().catch(() => {}); // what was written last
    },
  };
}

/** The first moment the kubelet reported a pod of `namespace` Running (wall-clock ms), if seen. */
export function firstRunningAt(entries: readonly TraceEntry[], namespace: string): number | undefined {
  let first: number | undefined;
  for (const e of entries) {
    if (e.tap !== 'kubelet' || e.verb !== 'status' || e.object.kind !== 'Pod' || e.object.namespace !== namespace) continue;
    const diff = e.details.diff as Array<{ field?: string; to?: string }> | undefined;
    if (!diff?.some((c) => c.field === 'status.phase' && c.to === 'Running')) continue;
    const at = Date.parse(e.wallTime);
    if (first === undefined || at < first) first = at;
  }
  return first;
}
