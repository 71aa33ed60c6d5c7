/**
 * The steps of one chapter before they are numbered and judged: for each step, the entries that
 * show it happened (`primary`) and the ones that triggered it (`context`: the watch event and the
 * decision the correlator linked to it).
 */
import { objectKeyOf, type Actor, type TraceEntry } from '../schema.js';
import type { Lane } from './model.js';

export interface Draft {
  title: string;
  from: Lane;
  to: Lane;
  primary: TraceEntry[];
  context: TraceEntry[];
  /** The step that must come first (per object where both are about the same objects). */
  after?: Draft;
  /** Why the step leaves no entries by design (pods on simulated nodes): it is then not missing. */
  byDesign?: string;
}

/** Every distinct actor of the entries, in order of first appearance. */
export function actorsOf(entries: readonly TraceEntry[]): Actor[] {
  return [...new Set(entries.map((e) => e.actor))];
}

/** Entries whose object is one of `keys`. */
export function about(entries: readonly TraceEntry[], keys: ReadonlySet<string>, test: (e: TraceEntry) => boolean): TraceEntry[] {
  return entries.filter((e) => keys.has(objectKeyOf(e.object)) && test(e));
}

/** The watch events and decisions that led to these entries (up to two links back). */
export function triggersOf(entries: readonly TraceEntry[], byId: ReadonlyMap<number, TraceEntry>): TraceEntry[] {
  const found = new Map<number, TraceEntry>();
  for (const e of entries) {
    let cause = e.causeId !== undefined ? byId.get(e.causeId) : undefined;
    for (let depth = 0; cause && depth < 2; depth++) {
      if (cause.tap !== 'decision' && cause.tap !== 'informer') break;
      found.set(cause.id, cause);
      cause = cause.causeId !== undefined ? byId.get(cause.causeId) : undefined;
    }
  }
  return [...found.values()];
}

export function draft(title: string, from: Lane, to: Lane, primary: TraceEntry[], context: TraceEntry[] = [], after?: Draft): Draft {
  return after ? { title, from, to, primary, context, after } : { title, from, to, primary, context };
}

/** The lane of an acting component: every node's kubelet is one lane, and so is every containerd. */
export function laneOf(actor: Actor | undefined, fallback: Lane): Lane {
  if (!actor) return fallback;
  if (actor.startsWith('kubelet@')) return 'kubelet';
  if (actor.startsWith('containerd@')) return 'containerd';
  return actor;
}
