/**
 * Where `lab trace` keeps its files (<stateDir>/trace/: current.jsonl, previous.jsonl, the standby's
 * standby.jsonl, report.html), reading one back, and turning one into an export.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BadInputError } from '../base/errors.js';
import { stateDir } from '../cluster/paths.js';
import { JsonlParseError, parseJsonl } from './export/jsonl.js';
import type { DetailLevel } from './export/levels.js';
import type { TraceEntry } from './schema.js';
import { parseFilterOptions, selectEntries, type FilterOptions } from './selection.js';
import { renderExport, type ExportFormat } from './session.js';

export function traceDir(stateDirectory: string = stateDir()): string {
  return join(stateDirectory, 'trace');
}
export function currentTracePath(stateDirectory: string = stateDir()): string {
  return join(traceDir(stateDirectory), 'current.jsonl');
}
/** Where a second lab process writes its trace: never current.jsonl, which the first one appends to. */
export function standbyTracePath(stateDirectory: string = stateDir()): string {
  return join(traceDir(stateDirectory), 'standby.jsonl');
}
/** Where a scheduler-only lab an exercise started (serving `schedulerName`) writes its trace. */
export function schedulerTracePath(schedulerName: string, stateDirectory: string = stateDir()): string {
  return join(traceDir(stateDirectory), `scheduler-${schedulerName}.jsonl`);
}
export function defaultReportPath(): string {
  return join(traceDir(), 'report.html');
}

/** The default trace file starts empty each session; the previous one is kept beside it. */
export function prepareJsonlPath(explicit: string | undefined): string {
  const path = resolve(explicit ?? currentTracePath());
  mkdirSync(dirname(path), { recursive: true });
  if (!explicit && existsSync(path)) renameSync(path, join(dirname(path), 'previous.jsonl'));
  return path;
}

/** Reads a trace file; a missing file or a bad line is bad input naming the file (and line). */
export async function readTraceFile(path: string): Promise<TraceEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BadInputError(`no trace file at ${path}`, 'record one with `npx lab trace` (Ctrl-C to stop), or pass --input FILE');
    throw error;
  }
  try {
    return parseJsonl(text);
  } catch (error) {
    if (error instanceof JsonlParseError && error.field === 'schemaVersion') {
      throw new BadInputError(`${path}:${error.line}: ${error.message.replace(/^line \d+: /, '')}`, 'record the trace again with this lab (`npx lab trace`), or read it with the version of the lab that wrote it');
    }
    if (error instanceof JsonlParseError) {
      throw new BadInputError(`${path}:${error.line}: not a trace entry: ${error.message.replace(/^line \d+: /, '')}`, 'the file must be JSON Lines written by `npx lab trace`; fix or delete that line');
    }
    throw error;
  }
}

export interface ExportRequest extends FilterOptions {
  format: ExportFormat;
  level?: DetailLevel;
  input: string;
  out?: string;
}

/** What `lab trace export` writes: the text, and where (undefined = stdout). */
export async function buildExport(request: ExportRequest): Promise<{ text: string; out?: string; count: number }> {
  const selection = parseFilterOptions(request);
  const entries = selectEntries(await readTraceFile(request.input), selection);
  const title = `k8s-flow-lab trace${selection.object ? `: ${selection.object}` : ''}`;
  const text = await renderExport(request.format, entries, { title, ...(request.level ? { level: request.level } : {}) });
  // An HTML page is no use on a terminal: it always goes to a file.
  const out = request.out ?? (request.format === 'html' ? defaultReportPath() : undefined);
  return { text, count: entries.length, ...(out ? { out: resolve(out) } : {}) };
}

