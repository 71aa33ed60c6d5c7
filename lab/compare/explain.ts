/**
 * The differences between the two sides, explained in words. Each rule looks at one kind of fact
 * (end state, hashes, actions, requests, latencies) and says what differs and why that is or is
 * not a problem. Pure: the same comparison gives the same sentences.
 */
import { formatMs } from '../base/stats.js';
import { formatAction, type Action, type RequestCounts } from './actions.js';
import type { StateDifference } from './end-state.js';
import type { HopSummary } from './latency.js';

export interface ExplainInput {
  endStateDiff: StateDifference[];
  hashes: { builtin: string[]; lab: string[] };
  actions: { builtin: Action[]; lab: Action[] };
  requests: { builtin: RequestCounts; lab: RequestCounts };
  hops: { builtin: HopSummary[]; lab: HopSummary[] };
}

type Rule = (input: ExplainInput) => string[];

/** Below this, latency differences are noise on a laptop-sized cluster. */
const LATENCY_NOISE_MS = 50;

const endState: Rule = ({ endStateDiff }) => {
  if (endStateDiff.length === 0) return ['End states match: same pod count, labels (hash values aside), owner chains, revisions, status counters, conditions and ReplicaSet count.'];
  const lines = endStateDiff.slice(0, 8).map((d) => `End state differs at ${d.path}: built-in ${d.builtin ?? '(absent)'}, lab ${d.lab ?? '(absent)'}.`);
  if (endStateDiff.length > 8) lines.push(`…and ${endStateDiff.length - 8} more end-state differences (see --output json).`);
  if (endStateDiff.some((d) => d.path.includes('conditions'))) {
    lines.push('Condition reasons differ: check which Progressing/Available reasons the lab sets (upstream: NewReplicaSetAvailable once complete, MinimumReplicasAvailable for Available).');
  }
  return lines;
};

const hashes: Rule = ({ hashes: h, endStateDiff }) => {
  if (h.builtin.length === 0 || h.lab.length === 0) return [];
  const shared = h.builtin.filter((x) => h.lab.includes(x));
  if (shared.length === h.builtin.length && shared.length === h.lab.length) return ['pod-template-hash values are identical on both sides.'];
  const labelsMatch = !endStateDiff.some((d) => d.path.startsWith('podLabels') || d.path.includes('.labels'));
  return [
    `pod-template-hash values differ (built-in ${h.builtin.join(', ')}; lab ${h.lab.join(', ')}): the lab hashes the template's JSON, upstream hashes Go's spew dump of it` +
      (labelsMatch ? ' — the templates themselves still match (labels agree once the hash is masked).' : '; other labels differ too, see above.'),
  ];
};

function totalsOf(actions: readonly Action[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of actions) out.set(`${a.role}: ${a.action}`, (out.get(`${a.role}: ${a.action}`) ?? 0) + a.count);
  return out;
}

const actions: Rule = ({ actions: a }) => {
  const b = totalsOf(a.builtin);
  const l = totalsOf(a.lab);
  const keys = [...new Set([...b.keys(), ...l.keys()])].sort();
  const lines: string[] = [];
  for (const key of keys) {
    const x = b.get(key) ?? 0;
    const y = l.get(key) ?? 0;
    if (x === y) continue;
    if (key.endsWith(' Event')) {
      lines.push(`${key}: built-in ${x}, lab ${y} — Events are informational (kubectl describe); they do not change the rollout.`);
    } else if (key.includes('/status')) {
      lines.push(`${key}: built-in ${x}, lab ${y} — status writes depend on how often each controller's sync sees a change (informer timing); more writes cost API calls, not correctness.`);
    } else {
      lines.push(`${key}: built-in ${x}, lab ${y}.`);
    }
  }
  if (lines.length === 0 && a.builtin.length > 0) {
    const same = a.builtin.length === a.lab.length && a.builtin.every((x, i) => formatAction(x) === formatAction(a.lab[i]!));
    lines.push(same ? 'Both sides made the same writes in the same order.' : 'Both sides made the same writes, in a different interleaving (concurrent workers race).');
  }
  return lines;
};

function totalRequests(counts: RequestCounts): number {
  return Object.values(counts).reduce((sum, byVerb) => sum + Object.values(byVerb).reduce((s, n) => s + n, 0), 0);
}

const requests: Rule = ({ requests: r }) => {
  const b = totalRequests(r.builtin);
  const l = totalRequests(r.lab);
  if (b === l) return [`Both sides made ${b} API requests in the namespace.`];
  const lines = [`API requests: built-in ${b}, lab ${l}.`];
  const bList = Object.values(r.builtin).reduce((s, v) => s + (v.list ?? 0) + (v.watch ?? 0), 0);
  const lList = Object.values(r.lab).reduce((s, v) => s + (v.list ?? 0) + (v.watch ?? 0), 0);
  if (lList > bList) lines.push(`The lab made ${lList - bList} more list/watch requests: its components start their informers during the run, while kube-controller-manager's have been watching since it started.`);
  return lines;
};

const latencies: Rule = ({ hops }) => {
  const lines: string[] = [];
  for (const b of hops.builtin) {
    const l = hops.lab.find((h) => h.hop === b.hop);
    if (!l || b.p50 === undefined || l.p50 === undefined) continue;
    const delta = l.p50 - b.p50;
    if (Math.abs(delta) < LATENCY_NOISE_MS) continue;
    const why = b.hop.startsWith('binding')
      ? ' (the kubelet and containerd are the same on both sides: this is node load or image cache, not the controllers)'
      : b.hop === 'pod-create → binding'
        ? ' (scheduler queueing and bind: lab-scheduler vs default-scheduler)'
        : ' (informer delivery, work-queue delay and the controller\'s sync)';
    lines.push(`${b.hop}: p50 ${formatMs(b.p50)} built-in vs ${formatMs(l.p50)} lab — the ${delta > 0 ? 'lab' : 'built-in'} is slower by ${formatMs(Math.abs(delta))}${why}.`);
  }
  return lines;
};

export const RULES: Rule[] = [endState, hashes, actions, requests, latencies];

export function explain(input: ExplainInput): string[] {
  return RULES.flatMap((rule) => rule(input));
}
