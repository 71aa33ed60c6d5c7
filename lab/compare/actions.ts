/**
 * The sequence of actions each side took, from the API server's audit log: who wrote what, in
 * order, with runs of the same action collapsed ("create Pod ×3"). Built-in and lab components
 * are named by their role so the two sides line up.
 */
import type { Actor, TraceEntry } from '../trace/schema.js';
import { alignBy, type Aligned } from './align.js';

export type Role = 'kubectl' | 'deployment controller' | 'replicaset controller' | 'scheduler' | 'kubelet' | 'other';

export function roleOf(actor: Actor): Role {
  if (actor === 'kubectl' || actor === 'user') return 'kubectl';
  if (actor === 'deployment-controller' || actor === 'kube-controller-manager/deployment-controller') return 'deployment controller';
  if (actor === 'replicaset-controller' || actor === 'kube-controller-manager/replicaset-controller') return 'replicaset controller';
  if (actor === 'scheduler' || actor === 'default-scheduler') return 'scheduler';
  if (actor.startsWith('kubelet@')) return 'kubelet';
  return 'other';
}

export const READ_VERBS = new Set(['get', 'list', 'watch']);

export interface Action {
  role: Role;
  /** "create Pod", "update ReplicaSet/status", "create Pod/binding". */
  action: string;
  count: number;
  /** When the first of the run happened (ms since the session's start). */
  firstMs: number;
}

export function actionLabel(e: TraceEntry): string {
  const sub = typeof e.details.subresource === 'string' ? `/${e.details.subresource}` : '';
  return `${e.verb} ${e.object.kind}${sub}`;
}

/** Audit entries about the scenario's namespace (or cluster-scoped Nodes, which cordon touches). */
export function inScope(e: TraceEntry, namespace: string): boolean {
  return e.object.namespace === namespace || (e.object.kind === 'Node' && e.object.namespace === undefined);
}

/**
 * Writes seen by the audit tap in the namespace, in the order they happened, consecutive repeats
 * of the same role+action collapsed. Reads are left out (they are counted in requestCounts).
 */
export function actionSequence(entries: readonly TraceEntry[], namespace: string): Action[] {
  const writes = entries
    .filter((e) => e.tap === 'audit' && !READ_VERBS.has(e.verb) && inScope(e, namespace))
    .filter((e) => e.object.kind !== 'Node' || roleOf(e.actor) === 'kubectl') // node heartbeats are not the scenario's
    // Namespace housekeeping (service-account controller, root-ca-cert publisher) and other
    // components are neither side's controllers; whether they fall inside a run's window is luck.
    .filter((e) => roleOf(e.actor) !== 'other')
    .sort((a, b) => a.tMs - b.tMs || a.id - b.id);
  const out: Action[] = [];
  for (const e of writes) {
    const role = roleOf(e.actor);
    const action = actionLabel(e);
    const last = out[out.length - 1];
    if (last && last.role === role && last.action === action) last.count++;
    else out.push({ role, action, count: 1, firstMs: e.tMs });
  }
  return out;
}

export function formatAction(a: Pick<Action, 'role' | 'action' | 'count'>): string {
  return `${a.role}: ${a.action}${a.count > 1 ? ` ×${a.count}` : ''}`;
}

export type RequestCounts = Record<string, Record<string, number>>;

/**
 * API requests by role and verb ("replicaset controller" → { create: 3, list: 1 }). Namespaced
 * requests count when in the scenario's namespace; cluster-wide lists/watches count for the
 * controllers and schedulers (they are how informers start), whoever's namespace they cover.
 */
export function requestCounts(entries: readonly TraceEntry[], namespace: string): RequestCounts {
  const out: RequestCounts = {};
  for (const e of entries) {
    if (e.tap !== 'audit') continue;
    const role = roleOf(e.actor);
    const clusterWideByComponent = e.object.namespace === undefined && role !== 'kubectl' && role !== 'other' && role !== 'kubelet' && e.object.kind !== 'Node';
    if (!(e.object.namespace === namespace || clusterWideByComponent)) continue;
    const verb = typeof e.details.subresource === 'string' ? `${e.verb} ${e.details.subresource}` : e.verb;
    const byVerb = (out[role] ??= {});
    byVerb[verb] = (byVerb[verb] ?? 0) + 1;
  }
  return out;
}

/** Line the two sequences up action by action for a side-by-side view (longest common subsequence). */
export function alignSequences(builtin: readonly Action[], lab: readonly Action[]): Array<Aligned<Action>> {
  return alignBy(builtin, lab, (a) => `${a.role}|${a.action}`);
}
