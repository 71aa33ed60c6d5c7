/**
 * JSON Lines: one TraceEntry per line. Writing streams from the timeline without ever blocking
 * the appender (lines are buffered and flushed on a timer); reading validates every line with the
 * zod schema and names the line and field of the first problem.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { traceEntrySchema, type TraceEntry } from '../schema.js';
import { redactEntry } from '../redact.js';
import type { Timeline } from '../timeline.js';

export function entryToJsonLine(entry: TraceEntry): string {
  return JSON.stringify(redactEntry(entry));
}

export class JsonlParseError extends Error {
  constructor(
    readonly line: number,
    readonly field: string,
    detail: string,
  ) {
    super(`line ${line}: ${field ? `${field}: ` : ''}${detail}`);
    this.name = 'JsonlParseError';
  }
}

/** Parse JSONL text; blank lines are skipped. Throws JsonlParseError on the first bad line. */
export function parseJsonl(text: string): TraceEntry[] {
  const entries: TraceEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const lineNo = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new JsonlParseError(lineNo, '', `not JSON (${(err as Error).message})`);
    }
    const result = traceEntrySchema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new JsonlParseError(lineNo, issue.path.join('.') || '(entry)', issue.message);
    }
    entries.push(result.data as TraceEntry);
  }
  return joinSessions(entries);
}

/**
 * A trace file is appended to: `lab run --trace FILE` twice, or a tracer restarted, leaves several
 * sessions in one file, each numbering its entries from 1 and timing them from its own start.
 * A session begins where the id stops increasing. Later sessions get ids after the earlier ones'
 * (causeIds follow) and times from the first session's start, so ids stay unique and the file
 * reads as one timeline.
 */
export function joinSessions(entries: TraceEntry[]): TraceEntry[] {
  let firstStartMs: number | undefined;
  let idOffset = 0;
  let tOffset = 0;
  let lastRawId = -1;
  let maxId = -1;
  return entries.map((e, index) => {
    const startMs = Date.parse(e.wallTime) - e.tMs;
    if (index === 0) firstStartMs = startMs;
    else if (e.id <= lastRawId) {
      idOffset = maxId + 1 - e.id;
      tOffset = Math.max(0, startMs - (firstStartMs ?? startMs));
    }
    lastRawId = e.id;
    if (idOffset === 0 && tOffset === 0) {
      maxId = Math.max(maxId, e.id);
      return e;
    }
    const moved: TraceEntry = { ...e, id: e.id + idOffset, tMs: e.tMs + tOffset };
    if (e.causeId !== undefined) moved.causeId = e.causeId + idOffset;
    maxId = Math.max(maxId, moved.id);
    return moved;
  });
}

export async function readJsonlFile(path: string): Promise<TraceEntry[]> {
  return parseJsonl(await readFile(path, 'utf8'));
}

export async function writeJsonlFile(path: string, entries: readonly TraceEntry[]): Promise<void> {
  await writeFile(path, entries.map((e) => entryToJsonLine(e) + '\n').join(''), 'utf8');
}

export interface JsonlStreamOptions {
  /** How often buffered lines are handed to the file stream. Default 200 ms. */
  flushIntervalMs?: number;
  /** Flush early once this many characters are buffered. Default 256 KiB. */
  maxBufferedChars?: number;
}

/**
 * Streams a timeline to a file. append() only pushes a string onto an array; the file stream is
 * written on a timer, and while the stream signals backpressure lines just accumulate.
 */
export class JsonlStreamWriter {
  private readonly stream: WriteStream;
  private pending: string[] = [];
  private pendingChars = 0;
  private waitingForDrain = false;
  private readonly timer: NodeJS.Timeout;
  private readonly maxBufferedChars: number;
  private unsubscribe: (() => void) | undefined;
  private closed = false;
  /** Entries handed to this writer. */
  written = 0;

  constructor(path: string, opts: JsonlStreamOptions = {}) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path, { flags: 'a', encoding: 'utf8' });
    // A failing disk must not take the controllers down with it: report and stop writing.
    this.stream.on('error', (error) => {
      process.stderr.write(`trace: cannot write ${path}: ${error.message}\n`);
      this.closed = true;
    });
    this.maxBufferedChars = opts.maxBufferedChars ?? 256 * 1024;
    this.timer = setInterval(() => this.flush(), opts.flushIntervalMs ?? 200);
    this.timer.unref();
  }

  /** Write every future entry of the timeline. */
  attach(timeline: Timeline): void {
    this.unsubscribe = timeline.subscribe((e) => this.append(e));
  }

  append(entry: TraceEntry): void {
    if (this.closed) return;
    const line = entryToJsonLine(entry) + '\n';
    this.pending.push(line);
    this.pendingChars += line.length;
    this.written++;
    if (this.pendingChars >= this.maxBufferedChars) queueMicrotask(() => this.flush());
  }

  private flush(): void {
    if (this.waitingForDrain || this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (!this.stream.write(chunk)) {
      this.waitingForDrain = true;
      this.stream.once('drain', () => {
        this.waitingForDrain = false;
        this.flush();
      });
    }
  }

  /** Stop listening, write what is buffered and close the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    clearInterval(this.timer);
    const rest = this.pending.join('');
    this.pending = [];
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(rest, () => resolve());
    });
  }
}
