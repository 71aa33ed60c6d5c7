/**
 * Which trace entries a trace check counts. Every field narrows the match; lists mean "any of".
 * Actors accept `*` as a wildcard (`kubelet@*`). Failed API calls (an HTTP code >= 400 in the
 * entry's details) never count as the thing having happened.
 */
import { z } from 'zod';
import { TAPS, type TraceEntry } from '../../trace/schema.js';
import { valueAt } from '../snapshot.js';
import { regexField } from './types.js';

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);

export const traceMatchSchema = z
  .object({
    actor: oneOrMany(z.string().min(1)).optional(),
    tap: oneOrMany(z.enum(TAPS)).optional(),
    verb: oneOrMany(z.string().min(1)).optional(),
    objectKind: z.string().min(1).optional(),
    namePrefix: z.string().min(1).optional(),
    /** Default: the exercise namespace. '*' = any namespace (and cluster-scoped objects). */
    namespace: z.string().min(1).optional(),
    /** details.subresource must equal this; '' = the entry has no subresource. */
    subresource: z.string().optional(),
    /** details fields (dotted paths) whose string value must match a regular expression. */
    details: z.record(z.string(), regexField).optional(),
  })
  .strict();

export type TraceMatch = z.infer<typeof traceMatchSchema>;

function asList<T>(value: T | T[] | undefined): T[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value];
}

function globMatches(pattern: string, text: string): boolean {
  if (!pattern.includes('*')) return pattern === text;
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(text);
}

function failedCall(entry: TraceEntry): boolean {
  const code = entry.details.code;
  return typeof code === 'number' && code >= 400;
}

export function entryMatches(entry: TraceEntry, match: TraceMatch, exerciseNamespace: string): boolean {
  if (failedCall(entry)) return false;
  const actors = asList(match.actor);
  if (actors && !actors.some((a) => globMatches(a, entry.actor))) return false;
  const taps = asList(match.tap);
  if (taps && !taps.includes(entry.tap)) return false;
  const verbs = asList(match.verb);
  if (verbs && !verbs.some((v) => v.toLowerCase() === entry.verb.toLowerCase())) return false;
  if (match.objectKind !== undefined && entry.object.kind !== match.objectKind) return false;
  if (match.namePrefix !== undefined && !entry.object.name.startsWith(match.namePrefix)) return false;
  const namespace = match.namespace ?? exerciseNamespace;
  if (namespace !== '*' && entry.object.namespace !== namespace) return false;
  if (match.subresource !== undefined) {
    const sub = entry.details.subresource;
    if (match.subresource === '' ? sub !== undefined && sub !== '' : sub !== match.subresource) return false;
  }
  for (const [path, pattern] of Object.entries(match.details ?? {})) {
    const value = valueAt(entry.details, path);
    if (value === undefined || !new RegExp(pattern).test(String(value))) return false;
  }
  return true;
}

export function describeMatch(match: TraceMatch): string {
  const parts: string[] = [];
  if (match.actor) parts.push(`actor ${asList(match.actor)!.join('|')}`);
  if (match.verb) parts.push(`verb ${asList(match.verb)!.join('|')}`);
  if (match.objectKind) parts.push(`kind ${match.objectKind}`);
  if (match.namePrefix) parts.push(`name ${match.namePrefix}*`);
  if (match.subresource !== undefined) parts.push(match.subresource === '' ? 'no subresource' : `subresource ${match.subresource}`);
  if (match.tap) parts.push(`tap ${asList(match.tap)!.join('|')}`);
  for (const [path, pattern] of Object.entries(match.details ?? {})) parts.push(`${path} ~ /${pattern}/`);
  return parts.length ? parts.join(', ') : 'any entry';
}

/** Short form of an entry for `saw` messages: 't=1.2s scheduler bind Pod web-1'. */
export function describeEntry(entry: TraceEntry): string {
  return `t=${(entry.tMs / 1000).toFixed(1)}s ${entry.actor} ${entry.verb} ${entry.object.kind} ${entry.object.name}`;
}

export const NO_TRACE = 'no session trace was found (start one with `npx lab trace` or `npx lab run`, which write <state>/trace/current.jsonl)';
