/**
 * What the trace's filter options mean (--object, --actor, --namespace, --since, --format, --level),
 * validated as bad input with a fix, and the entries of a finished trace they select.
 */
import { BadInputError } from '../base/errors.js';
import { correlate, storyOf } from './correlate.js';
import { DETAIL_LEVELS, type DetailLevel } from './export/levels.js';
import { filterEntries, parseDuration, parseObjectSelector, type TraceFilter } from './filter.js';
import { actorSchema, type TraceEntry } from './schema.js';
import type { ExportFormat } from './session.js';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'json', 'mermaid', 'text', 'html'];
/** The live view draws entries or steps; the components level folds a whole trace, so it is an export only. */
export const LIVE_LEVELS: readonly DetailLevel[] = ['story', 'full'];
/** --since: a duration back from now (30s, 5m) or a wall-clock instant (ISO 8601). */
export type Since = { kind: 'duration'; ms: number; text: string } | { kind: 'time'; epochMs: number };

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseSince(text: string): Since {
  const trimmed = text.trim();
  try {
    return { kind: 'duration', ms: parseDuration(trimmed), text: trimmed };
  } catch {
    // not a duration: maybe a time
  }
  const epochMs = ISO_TIME.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(epochMs)) {
    throw new BadInputError(`--since "${text}" is neither a duration nor an ISO time`, 'use a duration like 500ms, 30s, 5m, 1h, or a time like 2025-01-01T10:00:00Z');
  }
  return { kind: 'time', epochMs };
}

/** --object: KIND/NAME, e.g. deployment/web, rs/web-7d9f, pod/web-7d9f-abcde. */
export function parseObjectOption(text: string): { kind: string; name: string } {
  let parsed: { kind: string; name: string };
  try {
    parsed = parseObjectSelector(text.trim());
  } catch {
    throw new BadInputError(`--object "${text}" is not KIND/NAME`, 'use e.g. --object deployment/web (kinds: deployment, rs, pod, node, or any Kind)');
  }
  if (parsed.name.includes('/') || !/^[A-Za-z][A-Za-z0-9]*$/.test(parsed.kind)) {
    throw new BadInputError(`--object "${text}" is not KIND/NAME`, 'give the namespace with --namespace, e.g. --object deployment/web --namespace default');
  }
  return parsed;
}

/** --actor: one actor (scheduler, kubelet@lab-worker) or every node agent of a kind (kubelet@). */
export function parseActorOption(text: string): string {
  if (text === 'kubelet@' || text === 'containerd@' || actorSchema.safeParse(text).success) return text;
  throw new BadInputError(
    `--actor "${text}" is not an actor the trace knows`,
    'use one of kubectl, api-server, etcd, deployment-controller, replicaset-controller, scheduler, ' +
      'kube-controller-manager/deployment-controller, default-scheduler, kubelet@NODE, containerd@NODE, kubelet@ (every kubelet)',
  );
}

export interface FilterOptions {
  object?: string;
  actor?: string;
  namespace?: string;
  since?: string;
}

/** The validated filter options; the object is kept as given (the trace's filter parses it again). */
export interface TraceSelection {
  object?: string;
  actor?: string;
  namespace?: string;
  since?: Since;
}

export function parseFilterOptions(opts: FilterOptions): TraceSelection {
  const selection: TraceSelection = {};
  if (opts.object !== undefined) {
    parseObjectOption(opts.object);
    selection.object = opts.object.trim();
  }
  if (opts.actor !== undefined) selection.actor = parseActorOption(opts.actor);
  if (opts.namespace !== undefined) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(opts.namespace)) throw new BadInputError(`--namespace "${opts.namespace}" is not a namespace name`, 'use a DNS label like default or kube-system');
    selection.namespace = opts.namespace;
  }
  if (opts.since !== undefined) selection.since = parseSince(opts.since);
  return selection;
}

/** The live view's filter: session times are ms since the session's start (`startMs`). */
export function liveFilter(selection: TraceSelection, startMs: number): TraceFilter {
  const { since, ...rest } = selection;
  if (!since) return rest;
  return { ...rest, since: since.kind === 'duration' ? since.text : since.epochMs - startMs };
}

/**
 * Entries of a finished trace, as an export shows them: re-linked, narrowed to an object's story
 * (with its causes), then to actor, namespace and time. A duration counts back from the last entry.
 */
export function selectEntries(entries: readonly TraceEntry[], selection: TraceSelection): TraceEntry[] {
  let selected = correlate(entries);
  const { object, since, ...rest } = selection;
  if (object) selected = storyOf(selected, { ...parseObjectSelector(object), namespace: selection.namespace ?? 'default' });
  if (since?.kind === 'time') selected = selected.filter((e) => Date.parse(e.wallTime) >= since.epochMs);
  return filterEntries(selected, { ...rest, ...(since?.kind === 'duration' ? { since: since.text } : {}) });
}

export function parseExportFormat(value: string): ExportFormat {
  if ((EXPORT_FORMATS as readonly string[]).includes(value)) return value as ExportFormat;
  throw new BadInputError(`--format "${value}" is not one of ${EXPORT_FORMATS.join(', ')}`, 'e.g. --format mermaid');
}

/** --level: how much detail, from the numbered steps (story) to every entry (full). */
export function parseLevel(value: string, allowed: readonly DetailLevel[] = DETAIL_LEVELS): DetailLevel {
  if ((allowed as readonly string[]).includes(value)) return value as DetailLevel;
  throw new BadInputError(`--level "${value}" is not one of ${allowed.join(', ')}`, 'e.g. --level story (the numbered steps) or --level full (every entry)');
}

