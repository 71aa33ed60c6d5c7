/**
 * A per-pod waterfall, as a tracing UI draws one: for each pod, when it was created, bound to a
 * node, got its sandbox, had its container started, was reported Running and Ready, on the
 * session's time axis. A milestone the trace does not show is absent, not guessed.
 */
import { isBinding } from './correlate.js';
import { objectKeyOf, type TraceEntry } from './schema.js';
import { isApiWrite, isContainerdStep, isKubeletStatus, isNodeAgent } from './story/evidence.js';

export const MILESTONES = ['created', 'bound', 'sandbox', 'started', 'running', 'ready'] as const;
export type Milestone = (typeof MILESTONES)[number];

export interface PodRow {
  pod: string;
  namespace?: string;
  node?: string;
  /** Session time (ms) of each milestone the trace shows. */
  at: Partial<Record<Milestone, number>>;
}

/** The milestones an entry shows (one kubelet status write can report Running and Ready at once). */
function milestonesOf(e: TraceEntry): Milestone[] {
  if (e.object.kind !== 'Pod') return [];
  if (isBinding(e) && isApiWrite(e)) return ['bound'];
  if ((e.tap === 'write' || e.tap === 'audit') && e.verb === 'create' && isApiWrite(e) && !isNodeAgent(e.actor) && e.details.subresource === undefined) return ['created'];
  if (isContainerdStep(e, 'sandbox')) return ['sandbox'];
  if (isContainerdStep(e, 'container') && e.verb === '/tasks/start') return ['started'];
  const reported: Milestone[] = [];
  if (isKubeletStatus(e, 'status.phase', 'Running')) reported.push('running');
  if (isKubeletStatus(e, 'condition.Ready', 'True')) reported.push('ready');
  return reported;
}

/** One row per pod that was created or started in the trace, in order of its first milestone. */
export function podWaterfall(entries: readonly TraceEntry[]): PodRow[] {
  const rows = new Map<string, PodRow>();
  for (const e of entries) {
    const milestones = milestonesOf(e);
    if (milestones.length === 0) continue;
    const key = objectKeyOf(e.object);
    const row = rows.get(key) ?? { pod: e.object.name, ...(e.object.namespace ? { namespace: e.object.namespace } : {}), at: {} };
    for (const milestone of milestones) {
      const earlier = row.at[milestone];
      if (earlier === undefined || e.tMs < earlier) row.at[milestone] = e.tMs;
    }
    if (milestones.includes('bound') && typeof e.details.node === 'string') row.node = e.details.node;
    rows.set(key, row);
  }
  const first = (r: PodRow) => Math.min(...Object.values(r.at));
  return [...rows.values()].sort((a, b) => first(a) - first(b) || a.pod.localeCompare(b.pod));
}
