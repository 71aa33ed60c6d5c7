/** Synthetic snapshots and trace entries for the exercise tests. */
import type { TraceEntry } from '../../../lab/trace/schema.js';
import { emptyObjects, type KubeObject, type Snapshot } from '../../../lab/exercises/snapshot.js';

export const NS = 'ex-test';

let nextId = 1;
export function entry(partial: Partial<TraceEntry> & Pick<TraceEntry, 'tap' | 'actor' | 'verb'> & { name?: string; kind?: string }): TraceEntry {
  const { name = 'web-1', kind = 'Pod', ...rest } = partial;
  const tMs = partial.tMs ?? 0;
  return {
    schemaVersion: 1,
    id: nextId++,
    tMs,
    wallTime: new Date(Date.UTC(2025, 0, 1) + tMs).toISOString(),
    object: { kind, namespace: NS, name },
    details: {},
    ...rest,
  };
}

export function pod(name: string, opts: { labels?: Record<string, string>; phase?: string; ready?: boolean; node?: string; owner?: { kind: string; name: string; uid?: string }; terminating?: boolean; conditions?: unknown[] } = {}): KubeObject {
  const conditions = opts.conditions ?? (opts.ready === false ? [{ type: 'Ready', status: 'False' }] : [{ type: 'Ready', status: 'True' }]);
  return {
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      uid: `uid-${name}`,
      labels: opts.labels ?? { app: 'web' },
      ...(opts.owner ? { ownerReferences: [{ ...opts.owner, controller: true }] } : {}),
      ...(opts.terminating ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}),
    },
    spec: opts.node ? { nodeName: opts.node } : {},
    status: { phase: opts.phase ?? 'Running', conditions },
  };
}

export function snapshot(parts: Partial<Snapshot['objects']> = {}, trace: TraceEntry[] = [], traceAvailable = true): Snapshot {
  return { namespace: NS, takenAt: new Date(Date.UTC(2025, 0, 1, 1)), objects: { ...emptyObjects(), ...parts }, trace, traceAvailable };
}
