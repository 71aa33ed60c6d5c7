/**
 * TraceSource over the session's JSONL files: <stateDir>/trace/current.jsonl, and
 * <stateDir>/trace/standby.jsonl where a second `lab run` (a standby, e.g. the one the
 * leader-election exercise starts) writes its own trace, and <stateDir>/trace/scheduler-<name>.jsonl
 * where a scheduler-only lab an exercise started writes its. They are read as one timeline
 * (trace-merge.ts). A file may be being written right now, so a last line without its newline is
 * left for the next read.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { joinSessions, JsonlParseError, parseJsonl } from '../trace/export/jsonl.js';
import type { TraceEntry } from '../trace/schema.js';
import type { TraceSource } from './ports.js';
import { mergeTraceFiles, sessionStartMs, type TraceFileEntries } from './trace-merge.js';


/**
 * Complete lines only. A writer killed in the middle of a line (the leader-election exercise
 * SIGKILLs a lab) leaves it torn, and the next session appends after it: lines that are not JSON
 * are skipped instead of hiding the whole file.
 */
function parseCompleteLines(text: string): TraceEntry[] {
  const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  try {
    return parseJsonl(complete);
  } catch (error) {
    if (!(error instanceof JsonlParseError)) throw error;
    return joinSessions(complete.split('\n').flatMap((line) => {
      try {
        return parseJsonl(line);
      } catch (lineError) {
        if (lineError instanceof JsonlParseError && lineError.field === '') return []; // torn: not JSON
        throw lineError; // valid JSON the schema rejects (another version) is still reported
      }
    }));
  }
}

function since(entries: readonly TraceEntry[], from: Date): TraceEntry[] {
  const fromMs = from.getTime();
  return entries.filter((e) => Date.parse(e.wallTime) >= fromMs);
}

/** Pure: complete lines only, entries at or after `since`. */
export function entriesFromJsonl(text: string, from: Date): TraceEntry[] {
  return since(parseCompleteLines(text), from);
}

/** Pure: one file's text → its entries at or after `from`, with its session start (for merging). */
export function traceFileFromJsonl(text: string, from: Date): TraceFileEntries {
  const all = parseCompleteLines(text);
  return { entries: since(all, from), startMs: sessionStartMs(all) ?? 0 };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export class JsonlTraceSource implements TraceSource {
  readonly paths: readonly string[];
  /** More files, named at each read (the scheduler-only labs an exercise started write their own, and may start after this source was made). */
  private discover: () => Promise<string[]> = async () => [];

  constructor(...paths: string[]) {
    this.paths = paths;
  }

  /** Also reads the files `discover` names at each read. */
  alsoReading(discover: () => Promise<string[]>): this {
    this.discover = discover;
    return this;
  }

  /** Undefined only when none of the files exists. */
  async entriesSince(from: Date): Promise<TraceEntry[] | undefined> {
    const texts = await Promise.all([...this.paths, ...(await this.discover())].map(readIfExists));
    const present = texts.filter((t): t is string => t !== undefined);
    if (present.length === 0) return undefined;
    return mergeTraceFiles(present.map((text) => traceFileFromJsonl(text, from)));
  }
}

/** Pure filter: the trace files of the scheduler-only labs an exercise started, in a stable order. */
export function schedulerTraceFiles(names: readonly string[]): string[] {
  return names.filter((n) => /^scheduler-.+\.jsonl$/.test(n)).sort();
}

/** Every `scheduler-*.jsonl` in `directory` now (none when it does not exist yet). */
export async function schedulerTracesIn(directory: string): Promise<string[]> {
  return schedulerTraceFiles(await readdir(directory).catch(() => [] as string[])).map((n) => join(directory, n));
}
