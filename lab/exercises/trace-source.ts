/**
 * TraceSource over the session's JSONL file (<stateDir>/trace/current.jsonl). The file may be
 * being written right now, so a last line without its newline is left for the next read.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJsonl } from '../trace/export/jsonl.js';
import type { TraceEntry } from '../trace/schema.js';
import type { TraceSource } from './ports.js';

export function currentTracePath(stateDirectory: string): string {
  return join(stateDirectory, 'trace', 'current.jsonl');
}

/** Pure: complete lines only, entries at or after `since`. */
export function entriesFromJsonl(text: string, since: Date): TraceEntry[] {
  const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  const from = since.getTime();
  return parseJsonl(complete).filter((e) => Date.parse(e.wallTime) >= from);
}

export class JsonlTraceSource implements TraceSource {
  constructor(readonly path: string) {}

  async entriesSince(since: Date): Promise<TraceEntry[] | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return entriesFromJsonl(text, since);
  }
}
