/**
 * A compact diff of the few fields that tell the story of a Deployment → ReplicaSet → Pod rollout.
 * Everything else (managedFields, resourceVersion bumps, timestamps...) is noise in a timeline.
 */

/** One changed field: `from` is undefined when the field appeared, `to` when it disappeared. */
export interface FieldChange {
  field: string;
  from?: string;
  to?: string;
}

type Obj = Record<string, unknown>;

function isRecord(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function at(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function asText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

const SCALAR_FIELDS: ReadonlyArray<{ field: string; path: string[] }> = [
  { field: 'spec.replicas', path: ['spec', 'replicas'] },
  { field: 'status.replicas', path: ['status', 'replicas'] },
  { field: 'status.readyReplicas', path: ['status', 'readyReplicas'] },
  { field: 'status.availableReplicas', path: ['status', 'availableReplicas'] },
  { field: 'status.updatedReplicas', path: ['status', 'updatedReplicas'] },
  { field: 'status.phase', path: ['status', 'phase'] },
  { field: 'spec.nodeName', path: ['spec', 'nodeName'] },
  { field: 'metadata.deletionTimestamp', path: ['metadata', 'deletionTimestamp'] },
  { field: 'pod-template-hash', path: ['metadata', 'labels', 'pod-template-hash'] },
  { field: 'revision', path: ['metadata', 'annotations', 'deployment.kubernetes.io/revision'] },
];

/** 'True MinimumReplicasAvailable' per condition type. */
function conditionsOf(obj: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const conditions = at(obj, 'status', 'conditions');
  if (!Array.isArray(conditions)) return out;
  for (const c of conditions) {
    if (!isRecord(c) || typeof c.type !== 'string') continue;
    out.set(c.type, [asText(c.status), asText(c.reason)].filter(Boolean).join(' '));
  }
  return out;
}

/** The state of one container as one word: waiting(Reason), running, terminated(exitCode). */
export function containerStateText(state: unknown): string | undefined {
  if (!isRecord(state)) return undefined;
  if (isRecord(state.terminated)) return `terminated(${asText(state.terminated.exitCode) ?? '?'})`;
  if (isRecord(state.running)) return 'running';
  if (isRecord(state.waiting)) return `waiting(${asText(state.waiting.reason) ?? ''})`;
  return undefined;
}

function containerStatesOf(obj: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const [listName, prefix] of [
    ['initContainerStatuses', 'init:'],
    ['containerStatuses', ''],
  ] as const) {
    const statuses = at(obj, 'status', listName);
    if (!Array.isArray(statuses)) continue;
    for (const s of statuses) {
      if (!isRecord(s) || typeof s.name !== 'string') continue;
      const text = containerStateText(s.state);
      if (text) out.set(prefix + s.name, text);
    }
  }
  return out;
}

function diffMaps(prefix: string, before: Map<string, string>, after: Map<string, string>, into: FieldChange[]): void {
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const k of keys) {
    const from = before.get(k);
    const to = after.get(k);
    if (from !== to) into.push(withDefined(`${prefix}${k}`, from, to));
  }
}

function withDefined(field: string, from: string | undefined, to: string | undefined): FieldChange {
  const change: FieldChange = { field };
  if (from !== undefined) change.from = from;
  if (to !== undefined) change.to = to;
  return change;
}

/**
 * Changes between two versions of an object (either may be missing: an ADDED event diffs against
 * nothing, so it lists the fields the object was born with).
 */
export function diffObjects(before: unknown, after: unknown): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const { field, path } of SCALAR_FIELDS) {
    const from = asText(at(before, ...path));
    const to = asText(at(after, ...path));
    if (from !== to) changes.push(withDefined(field, from, to));
  }
  diffMaps('condition.', conditionsOf(before), conditionsOf(after), changes);
  diffMaps('container.', containerStatesOf(before), containerStatesOf(after), changes);
  return changes;
}

/** 'spec.replicas 1→3, condition.Ready →True' */
export function formatDiff(changes: readonly FieldChange[]): string {
  return changes.map((c) => `${c.field} ${c.from ?? ''}→${c.to ?? '∅'}`).join(', ');
}
