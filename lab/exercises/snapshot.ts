/**
 * What a check looks at: the exercise's cluster objects as `kubectl get -o json` returns them, and
 * the trace entries recorded since the exercise started. Checks are pure functions of a Snapshot,
 * so they are tested with synthetic snapshots and never talk to a cluster.
 */
import type { TraceEntry } from '../trace/schema.js';

export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
  resourceVersion?: string;
  generation?: number;
}

/** Any object as JSON: spec and status are read through `valueAt` or the typed helpers below. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [field: string]: unknown;
}

/** The kinds a snapshot holds, named as exercise files name them. */
export const SNAPSHOT_KINDS = ['Deployment', 'ReplicaSet', 'Pod', 'Node', 'Event'] as const;
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];

export interface Snapshot {
  /** The exercise's namespace (`ex-<id>`): the default scope of every check. */
  namespace: string;
  /** When the snapshot was taken. */
  takenAt: Date;
  /** Namespaced kinds hold the exercise namespace's objects; Node holds every node. */
  objects: Record<SnapshotKind, KubeObject[]>;
  /** Trace entries since the exercise started (all namespaces; checks filter). */
  trace: TraceEntry[];
  /** False when no session trace was found: trace checks then say so instead of just failing. */
  traceAvailable: boolean;
}

export function emptyObjects(): Record<SnapshotKind, KubeObject[]> {
  return { Deployment: [], ReplicaSet: [], Pod: [], Node: [], Event: [] };
}

/**
 * The value at a dotted path: `status.readyReplicas`, `spec.template.spec.containers[0].image`,
 * `metadata.annotations['deployment.kubernetes.io/revision']`. A leading `{.` `}` (kubectl's
 * jsonpath braces) is accepted and ignored. Missing steps give undefined.
 */
export function valueAt(obj: unknown, path: string): unknown {
  let current: unknown = obj;
  for (const step of parsePath(path)) {
    if (current === null || current === undefined) return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step < 0 ? current.length + step : step];
    } else {
      if (typeof current !== 'object') return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

export class PathSyntaxError extends Error {}

/** Splits a path into keys and indices; throws PathSyntaxError on malformed input. */
export function parsePath(path: string): Array<string | number> {
  let text = path.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1).trim();
  if (text.startsWith('.')) text = text.slice(1);
  const steps: Array<string | number> = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '.') {
      i++;
      continue;
    }
    if (text[i] === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) throw new PathSyntaxError(`unclosed "[" in path "${path}"`);
      const inner = text.slice(i + 1, close).trim();
      const quoted = /^'(.*)'$|^"(.*)"$/.exec(inner);
      if (quoted) steps.push(quoted[1] ?? quoted[2]!);
      else if (/^-?\d+$/.test(inner)) steps.push(Number(inner));
      else throw new PathSyntaxError(`"[${inner}]" in path "${path}": expected an index like [0] or a quoted key like ['a.b']`);
      i = close + 1;
      continue;
    }
    let end = i;
    while (end < text.length && text[end] !== '.' && text[end] !== '[') end++;
    steps.push(text.slice(i, end));
    i = end;
  }
  if (steps.length === 0) throw new PathSyntaxError(`empty path "${path}"`);
  return steps;
}

export function isTerminating(obj: KubeObject): boolean {
  return Boolean(obj.metadata.deletionTimestamp);
}

export function controllerOwner(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function podConditions(pod: KubeObject): PodCondition[] {
  const conditions = valueAt(pod, 'status.conditions');
  return Array.isArray(conditions) ? (conditions as PodCondition[]) : [];
}

export function podPhase(pod: KubeObject): string {
  const phase = valueAt(pod, 'status.phase');
  return typeof phase === 'string' ? phase : 'Unknown';
}

export function podIsReady(pod: KubeObject): boolean {
  return podConditions(pod).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function nodeNameOf(pod: KubeObject): string | undefined {
  const node = valueAt(pod, 'spec.nodeName');
  return typeof node === 'string' && node !== '' ? node : undefined;
}

/** Names for messages: 'a, b, c' or 'a, b, c and 4 more'. */
export function listNames(names: readonly string[], max = 5): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
