/**
 * Who held a component's Lease when, read from the trace: the election decisions of every lab
 * process (standby, acquire-lease, lose-lease, release-lease; details.identity says which process)
 * and the audit log's Lease acquisitions and releases (details.holder). Pure helpers shared by the
 * leaseTakeover and createdOnce checks.
 */
import type { TraceEntry } from '../../trace/schema.js';
import { LAB_NAMESPACE } from '../../run/components.js';

/** A standby became leader of a Lease someone else held before. */
export interface Takeover {
  lease: string;
  /** The component the Lease is for, as the trace names it (deployment-controller, scheduler...). */
  actor: string;
  holder: string;
  previousHolder: string;
  transitions: number | undefined;
  atMs: number;
  entry: TraceEntry;
}

export const wallMs = (e: TraceEntry): number => Date.parse(e.wallTime);

function isLease(e: TraceEntry, lease?: string): boolean {
  return e.object.kind === 'Lease' && e.object.namespace === LAB_NAMESPACE && (lease === undefined || e.object.name === lease);
}

function detail(e: TraceEntry, key: string): string | undefined {
  const value = e.details[key];
  return typeof value === 'string' ? value : undefined;
}

/** Election decisions about one Lease (any verb), in the order given. */
export function electionDecisions(entries: readonly TraceEntry[], lease: string): TraceEntry[] {
  return entries.filter((e) => e.tap === 'decision' && isLease(e, lease));
}

/** Every acquire-lease decision that took the Lease from another holder, oldest first. */
export function takeoversOf(entries: readonly TraceEntry[], lease: string): Takeover[] {
  const result: Takeover[] = [];
  for (const e of electionDecisions(entries, lease)) {
    const holder = detail(e, 'identity');
    const previousHolder = detail(e, 'previousHolder');
    if (e.verb !== 'acquire-lease' || !holder || !previousHolder || previousHolder === holder) continue;
    const transitions = typeof e.details.transitions === 'number' ? e.details.transitions : undefined;
    result.push({ lease, actor: e.actor, holder, previousHolder, transitions, atMs: wallMs(e), entry: e });
  }
  return result.sort((a, b) => a.atMs - b.atMs);
}

/** When the Lease was last acquired before the takeover, by someone other than the new holder: the old holder's term began then. */
function termStartMs(entries: readonly TraceEntry[], t: Takeover): number {
  let start = -Infinity;
  for (const e of entries) {
    if (!isLease(e, t.lease) || wallMs(e) >= t.atMs) continue;
    const by = e.tap === 'decision' && e.verb === 'acquire-lease' ? detail(e, 'identity') : e.tap === 'audit' ? detail(e, 'holder') : undefined;
    if (by && by !== '(released)' && by !== t.holder) start = Math.max(start, wallMs(e));
  }
  return start;
}

/** The clean release that let the takeover happen at once, if the old holder released the Lease. */
export function releaseBefore(entries: readonly TraceEntry[], t: Takeover): TraceEntry | undefined {
  const from = termStartMs(entries, t);
  return entries.find((e) => {
    if (!isLease(e, t.lease) || wallMs(e) < from || wallMs(e) >= t.atMs) return false;
    if (e.tap === 'decision') return e.verb === 'release-lease' && detail(e, 'identity') === t.previousHolder;
    return e.tap === 'audit' && detail(e, 'holder') === '(released)';
  });
}

/**
 * The old holder's last sign of life before the takeover: the component's latest entry (only the
 * leader acts, informs or writes; a standby only reads its Lease), or the latest election entry
 * naming the old holder.
 */
export function lastSignOf(entries: readonly TraceEntry[], t: Takeover): TraceEntry | undefined {
  let last: TraceEntry | undefined;
  for (const e of entries) {
    if (wallMs(e) >= t.atMs) continue;
    const sign = isLease(e)
      ? isLease(e, t.lease) && (detail(e, 'identity') === t.previousHolder || (e.tap === 'audit' && detail(e, 'holder') === t.previousHolder))
      : e.actor === t.actor;
    if (sign && (!last || wallMs(e) >= wallMs(last))) last = e;
  }
  return last;
}

/** "lab-host_1f0c2a9e…" for "lab-host_1f0c2a9e-5b1d-4c3e-9d0e-0123456789ab": enough to tell two apart. */
export function shortIdentity(identity: string): string {
  return identity.replace(/_([0-9a-f]{8})-[0-9a-f-]+$/i, '_$1…');
}

/** Where each component stands, from the latest standby or acquire-lease decision of one process's trace. */
export type ElectionRole = { role: 'standby'; holder: string } | { role: 'leading' };

export function electionRoles(entries: readonly TraceEntry[]): Map<string, ElectionRole> {
  const roles = new Map<string, ElectionRole>();
  for (const e of entries) {
    if (e.tap !== 'decision' || !isLease(e)) continue;
    if (e.verb === 'acquire-lease') roles.set(e.actor, { role: 'leading' });
    else if (e.verb === 'standby') roles.set(e.actor, { role: 'standby', holder: detail(e, 'holder') ?? '?' });
  }
  return roles;
}
