/**
 * leaseTakeover: a standby took a component's Lease over from a leader that had stopped renewing
 * it (killed, not stopped cleanly), and only after the lease ran out: at least `minGapSeconds`
 * passed between the old leader's last sign of life in the trace and the takeover. With
 * `allowRelease`, a takeover right after a clean release (SIGTERM) counts too.
 */
import { z } from 'zod';
import type { Snapshot } from '../snapshot.js';
import { electionDecisions, lastSignOf, releaseBefore, shortIdentity, takeoversOf, wallMs, type Takeover } from './lease-history.js';
import { describeEntry, NO_TRACE } from './trace-match.js';
import { checkObject, leaseNameField, type CheckResult } from './types.js';
import { LAB_NAMESPACE } from '../../run/components.js';

export const leaseTakeoverSchema = checkObject('leaseTakeover', {
  /** A Lease in k8s-flow-lab: deployment-controller, replicaset-controller, scheduler-<schedulerName>. */
  lease: leaseNameField,
  minGapSeconds: z.number().nonnegative().default(10),
  allowRelease: z.boolean().default(false),
});

export type LeaseTakeoverCheck = z.infer<typeof leaseTakeoverSchema>;

interface Judged {
  takeover: Takeover;
  problem?: string;
  note: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function judge(check: LeaseTakeoverCheck, entries: Snapshot['trace'], t: Takeover): Judged {
  const who = `${shortIdentity(t.holder)} took over from ${shortIdentity(t.previousHolder)} at t=${(t.entry.tMs / 1000).toFixed(1)}s${t.transitions !== undefined ? ` (transition ${t.transitions})` : ''}`;
  const released = releaseBefore(entries, t);
  if (released && !check.allowRelease) {
    return { takeover: t, note: who, problem: `the old leader released the Lease first (${describeEntry(released)}): a clean stop, not a crash; kill it with SIGKILL instead` };
  }
  const sign = lastSignOf(entries, t);
  if (!sign) return { takeover: t, note: who, problem: `no sign of the old leader before the takeover (let it act first, e.g. create the Deployment while it leads)` };
  const gapMs = t.atMs - wallMs(sign);
  const note = `${who}, ${seconds(gapMs)} after the old leader's last sign of life (${describeEntry(sign)})${released ? ', after a release' : ''}`;
  if (!released && gapMs < check.minGapSeconds * 1000) {
    return { takeover: t, note, problem: `less than ${check.minGapSeconds} s: the lease cannot have run out by then` };
  }
  return { takeover: t, note };
}

export function evaluateLeaseTakeover(check: LeaseTakeoverCheck, snapshot: Snapshot): CheckResult {
  const lease = `${LAB_NAMESPACE}/${check.lease}`;
  const expected = check.allowRelease
    ? `a standby took over Lease ${lease} from another holder`
    : `a standby took over Lease ${lease} from a leader that stopped renewing it (no release), at least ${check.minGapSeconds} s after the old leader's last sign of life`;
  if (!snapshot.traceAvailable) return { pass: false, expected, saw: NO_TRACE };
  const takeovers = takeoversOf(snapshot.trace, check.lease);
  if (takeovers.length === 0) return { pass: false, expected, saw: withoutTakeover(snapshot, check.lease) };
  const judged = takeovers.map((t) => judge(check, snapshot.trace, t));
  const good = judged.filter((j) => !j.problem);
  const shown = good.at(-1) ?? judged.at(-1)!;
  return { pass: good.length > 0, expected, saw: shown.problem ? `${shown.note}: ${shown.problem}` : shown.note };
}

/** What the trace does say about the Lease, so the learner knows which step is missing. */
function withoutTakeover(snapshot: Snapshot, lease: string): string {
  const decisions = electionDecisions(snapshot.trace, lease);
  const standby = decisions.filter((e) => e.verb === 'standby');
  if (standby.length > 0) {
    const holder = standby.at(-1)!.details.holder;
    return `no takeover yet: a standby waits while ${typeof holder === 'string' ? shortIdentity(holder) : 'another process'} leads (${describeEntry(standby.at(-1)!)}); kill the leader with SIGKILL and wait for its lease to run out`;
  }
  if (decisions.length > 0) return `no takeover: only ${decisions.map((e) => e.verb).join(', ')} decisions about Lease ${lease}`;
  return `no election decisions about Lease ${LAB_NAMESPACE}/${lease} since the exercise started (is a second \`lab run --trace <state>/trace/standby.jsonl\` running as a standby?)`;
}
