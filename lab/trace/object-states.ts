/**
 * The state of every Deployment, ReplicaSet and Pod over time, read from the trace: when each
 * was created and deleted, a Deployment's and ReplicaSet's replicas as last seen, a pod's phase
 * and node. Compact (one change per value that changed) so the HTML report can embed it and
 * show any moment with a slider; statesAt() is the fold the page's script does too.
 */
import { isBinding } from './correlate.js';
import type { TraceEntry } from './schema.js';
import { changeOf, isApiWrite, isEtcd, isNodeAgent, replicasWritten } from './story/evidence.js';

export const STATE_KINDS = ['Deployment', 'ReplicaSet', 'Pod'] as const;
export type StateField = 'exists' | 'replicas' | 'phase' | 'node';

export interface TrackedObject {
  kind: string;
  name: string;
  namespace?: string;
}

/** [tMs, index into objects, field, value], in time order. */
export type StateChange = [number, number, StateField, string];

export interface StateTimeline {
  startMs: number;
  endMs: number;
  objects: TrackedObject[];
  changes: StateChange[];
}

export type ObjectState = TrackedObject & Partial<Record<StateField, string>>;

/** A Binding is about the pod of the same name. */
function trackedOf(e: TraceEntry): TrackedObject | undefined {
  const kind = e.object.kind === 'Binding' ? 'Pod' : e.object.kind;
  if (!(STATE_KINDS as readonly string[]).includes(kind)) return undefined;
  return { kind, name: e.object.name, ...(e.object.namespace ? { namespace: e.object.namespace } : {}) };
}

/** What an entry says about its object's state (an entry can say several things at once). */
function factsOf(e: TraceEntry, kind: string): Array<[StateField, string]> {
  const facts: Array<[StateField, string]> = [];
  const created = (isApiWrite(e) && e.verb === 'create' && e.details.subresource === undefined && e.object.kind !== 'Binding') || isEtcd(e, 'PUT', true);
  if (created) facts.push(['exists', 'yes']);
  if (created && kind === 'Pod') facts.push(['phase', 'Pending']);
  // A delete request starts the end (the kubelet still stops the containers); the etcd DELETE is the end.
  if (isApiWrite(e) && e.verb === 'delete' && !isNodeAgent(e.actor)) facts.push(kind === 'Pod' ? ['phase', 'Terminating'] : ['exists', 'deleting']);
  if (isEtcd(e, 'DELETE')) facts.push(['exists', 'deleted']);
  if (isBinding(e) && isApiWrite(e) && typeof e.details.node === 'string') facts.push(['node', e.details.node]);
  const replicas = changeOf(e, 'spec.replicas')?.to ?? replicasWritten(e);
  if (replicas !== undefined && kind !== 'Pod') facts.push(['replicas', String(replicas)]);
  const node = changeOf(e, 'spec.nodeName')?.to;
  if (node !== undefined && kind === 'Pod') facts.push(['node', String(node)]);
  const phase = changeOf(e, 'status.phase')?.to;
  if (phase !== undefined && kind === 'Pod') facts.push(['phase', String(phase)]);
  return facts;
}

/** Entries (any order) → each tracked object's changes, one per value that really changed. */
export function stateTimeline(entries: readonly TraceEntry[]): StateTimeline {
  const ordered = [...entries].sort((a, b) => a.tMs - b.tMs || a.id - b.id);
  const objects: TrackedObject[] = [];
  const indexOf = new Map<string, number>();
  const last = new Map<string, string>();
  const changes: StateChange[] = [];
  for (const e of ordered) {
    const object = trackedOf(e);
    if (!object) continue;
    const key = `${object.kind}/${object.namespace ?? ''}/${object.name}`;
    for (const [field, value] of factsOf(e, object.kind)) {
      if (last.get(`${key}|${field}`) === value) continue;
      last.set(`${key}|${field}`, value);
      if (!indexOf.has(key)) indexOf.set(key, objects.push(object) - 1);
      changes.push([e.tMs, indexOf.get(key)!, field, value]);
    }
  }
  const times = ordered.map((e) => e.tMs);
  return { startMs: times.length ? times[0]! : 0, endMs: times.length ? times.at(-1)! : 0, objects, changes };
}

/** Every object seen by `tMs`, with each field as last seen at or before it. */
export function statesAt(timeline: StateTimeline, tMs: number): ObjectState[] {
  const states = new Map<number, ObjectState>();
  for (const [t, index, field, value] of timeline.changes) {
    if (t > tMs) break;
    const state = states.get(index) ?? { ...timeline.objects[index]! };
    state[field] = value;
    states.set(index, state);
  }
  return [...states.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);
}
