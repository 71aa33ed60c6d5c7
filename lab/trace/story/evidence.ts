/**
 * Predicates that tell which trace entries are evidence of which link of the chain, whichever
 * tap saw it and whichever controller (the lab's or the built-in one) acted.
 */
import { isBinding } from '../correlate.js';
import type { FieldChange } from '../diff.js';
import { objectKeyOf, type Actor, type TraceEntry } from '../schema.js';

const MUTATING = new Set(['create', 'update', 'patch', 'delete', 'deletecollection', 'bind']);

/** An API write that succeeded, seen from the client (write tap) or by the API server (audit). */
export function isApiWrite(e: TraceEntry): boolean {
  if (e.tap !== 'write' && e.tap !== 'audit') return false;
  if (!MUTATING.has(e.verb)) return false;
  return !(typeof e.details.code === 'number' && e.details.code >= 400);
}

/** A person's request: kubectl, or any client the audit log cannot name. */
export function isPersonRequest(e: TraceEntry): boolean {
  return e.tap === 'audit' && (e.actor === 'kubectl' || e.actor === 'user') && isApiWrite(e);
}

export function isNodeAgent(actor: Actor): boolean {
  return actor.startsWith('kubelet@') || actor.startsWith('containerd@');
}

/** A controller's write of the object itself (not its status, not a binding). */
export function isSpecWrite(e: TraceEntry, kind: string, verbs: readonly string[]): boolean {
  if (e.object.kind !== kind || !isApiWrite(e) || !verbs.includes(e.verb)) return false;
  if (typeof e.details.subresource === 'string') return false;
  return !isNodeAgent(e.actor) && !isPersonRequest(e);
}

/**
 * The replica count a write of a Deployment or ReplicaSet (or its scale) set, as the audit tap
 * read it from the request or response body: the built-in controllers' side has no watch of ours
 * whose diff would tell it.
 */
export function replicasWritten(e: TraceEntry): number | undefined {
  if (e.object.kind !== 'Deployment' && e.object.kind !== 'ReplicaSet') return undefined;
  if (!isApiWrite(e) || e.verb === 'delete') return undefined;
  if (e.details.subresource !== undefined && e.details.subresource !== 'scale') return undefined;
  return typeof e.details.replicas === 'number' ? e.details.replicas : undefined;
}

export function diffOf(e: TraceEntry): FieldChange[] {
  return Array.isArray(e.details.diff) ? (e.details.diff as FieldChange[]) : [];
}

export function changeOf(e: TraceEntry, field: string): FieldChange | undefined {
  return diffOf(e).find((c) => c.field === field);
}

export function isEtcd(e: TraceEntry, verb: 'PUT' | 'DELETE', created?: boolean): boolean {
  if (e.tap !== 'etcd' || e.verb !== verb) return false;
  return created === undefined || e.details.created === created;
}

export function isPodBinding(e: TraceEntry): boolean {
  return isBinding(e) && isApiWrite(e);
}

export function isContainerdStep(e: TraceEntry, containerKind: 'sandbox' | 'container'): boolean {
  return e.tap === 'containerd' && e.object.kind === 'Pod' && e.details.containerKind === containerKind && e.verb !== '/tasks/exit' && e.verb !== '/tasks/delete' && e.verb !== '/containers/delete';
}

export function isContainerStop(e: TraceEntry): boolean {
  return e.tap === 'containerd' && e.object.kind === 'Pod' && e.verb === '/tasks/exit';
}

/** The kubelet's own events about starting a container (Pulled, Created, Started). */
export function isKubeletStartEvent(e: TraceEntry): boolean {
  return e.tap === 'kubelet' && ['Pulled', 'Created', 'Started'].includes(e.verb);
}

export function isKubeletStatus(e: TraceEntry, field: string, to: string): boolean {
  return e.tap === 'kubelet' && e.verb === 'status' && changeOf(e, field)?.to === to;
}

export function isKillingEvent(e: TraceEntry): boolean {
  return e.tap === 'kubelet' && e.verb === 'Killing';
}

/**
 * When an entry happened, for ordering steps. An etcd entry is stamped when the etcd tap heard of
 * it, which can be after the next step's request: the API request it records (its cause, with the
 * same resourceVersion) happened before, so that request's time is used. A delete that removes the
 * object at once answers with a Status, not the object: its request has no resourceVersion, and
 * the etcd DELETE it caused is matched by the verb instead.
 */
export function orderTimeOf(e: TraceEntry, byId: ReadonlyMap<number, TraceEntry>): number {
  if (e.tap !== 'etcd' || e.causeId === undefined) return e.tMs;
  const cause = byId.get(e.causeId);
  if (!cause || (cause.tap !== 'write' && cause.tap !== 'audit')) return e.tMs;
  const sameVersion = cause.resourceVersion === e.resourceVersion;
  const immediateDelete = e.verb === 'DELETE' && cause.verb === 'delete' && cause.resourceVersion === undefined && objectKeyOf(cause.object) === objectKeyOf(e.object);
  return sameVersion || immediateDelete ? Math.min(cause.tMs, e.tMs) : e.tMs;
}

/** The kubelet's own delete of a pod whose containers have stopped (grace period 0): the pod may now go. */
export function isKubeletPodDelete(e: TraceEntry): boolean {
  return e.object.kind === 'Pod' && e.verb === 'delete' && e.actor.startsWith('kubelet@') && isApiWrite(e);
}
