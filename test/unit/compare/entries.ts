import type { Actor, Tap, TraceEntry } from '../../../lab/trace/schema.js';

let nextId = 1;

/** A trace entry for tests: only what the compare modules read. */
export function entry(tap: Tap, actor: Actor, verb: string, kind: string, name: string, tMs: number, details: Record<string, unknown> = {}, namespace = 'ns'): TraceEntry {
  return {
    schemaVersion: 1,
    id: nextId++,
    tMs,
    wallTime: new Date(tMs).toISOString(),
    tap,
    actor,
    verb,
    object: { kind, name, ...(namespace ? { namespace } : {}) },
    details,
  };
}
