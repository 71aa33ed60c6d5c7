/**
 * DefaultPreemption (PostFilter), modelled on kube-scheduler's defaultpreemption plugin and the
 * preemption Evaluator behind it. It runs only when no node passed Filter, and asks: is there a
 * node where evicting pods of LOWER priority (spec.priority, which the API server fills in from the
 * pod's PriorityClass) would let this pod fit? If so it returns that node and the pods to evict;
 * the scheduler (scheduler.ts) does the API calls, nominates the node, and retries the pod once
 * the victims are gone. The plugin itself only reads: every step below is a pure function.
 *
 *  1. podEligibleToPreemptOthers: not with preemptionPolicy Never, and not while an earlier
 *     preemption's victim is still terminating on the pod's nominated node.
 *  2. Potential nodes: those whose filter status was Unschedulable. UnschedulableAndUnresolvable
 *     nodes (an untolerated taint, affinity, a cordon) would reject the pod even when empty.
 *  3. selectVictimsOnNode, a dry run on a copy of each potential node: remove every lower-priority
 *     pod; if the pod still does not pass the Filter plugins, preemption cannot help there.
 *     Otherwise put the removed pods back one at a time, most important first, keeping each one
 *     that still leaves room (the "reprieve"), those a PodDisruptionBudget protects first. What
 *     could not be put back are the victims; protected ones among them count as PDB violations.
 *  4. pickOneNodeForPreemption: upstream's ordering of the nodes that worked.
 *  5. If none worked, the FailedScheduling event explains why per node, in FitError format:
 *     "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No
 *     preemption victims found for incoming pod."
 *  6. lowerPriorityNominatedPods: once the chosen node is nominated, which pods nominated there
 *     before lose their nomination (the executor clears it, preemption-executor.ts).
 */
import type { V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { selectorIsEmpty, selectorMatches } from '../../shared/labels.js';
import type { CycleState } from '../framework/cycle-state.js';
import { fitErrorMessage } from '../framework/fit-error.js';
import type { PostFilterPlugin, PostFilterResult } from '../framework/interfaces.js';
import { listersOf } from '../framework/listers.js';
import type { NodeInfo } from '../framework/node-info.js';
import { Code, Status, errorStatus, success, unresolvable, unschedulable } from '../framework/status.js';
import { podPriority } from './priority-sort.js';

export const DEFAULT_PREEMPTION = 'DefaultPreemption';

/** A node preemption was not tried on: its filter status was UnschedulableAndUnresolvable. */
export const ERR_PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
/** A potential node without a single pod of lower priority than the preemptor. */
export const ERR_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_ELIGIBLE_PREEMPT_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const NOT_ELIGIBLE_TERMINATING_VICTIM = 'not eligible due to a terminating pod on the nominated node.';
/** Every message this plugin returns starts with this, as upstream's PostFilter adds it. */
export const PREEMPTION_PREFIX = 'preemption: ';

/** The condition the scheduler puts on a victim before deleting it (upstream's, with the same reason). */
export const DISRUPTION_TARGET = 'DisruptionTarget';
export const REASON_PREEMPTION_BY_SCHEDULER = 'PreemptionByScheduler';

/** Runs the profile's Filter plugins for the pod on a node (the runtime's, via PostFilterHandle). */
export type RunFilters = (state: CycleState, pod: V1Pod, nodeInfo: NodeInfo) => Promise<Status>;

/**
 * The PreFilterExtensions (via PostFilterHandle): told when the dry run removes a victim from its
 * node copy or puts one back, so precomputed counts (topology spread, anti-affinity) follow, as
 * upstream's SelectVictimsOnNode does with RunPreFilterExtensionRemovePod/AddPod.
 */
export interface PodChanges {
  addPod(state: CycleState, pod: V1Pod, podToAdd: V1Pod, nodeInfo: NodeInfo): Promise<Status>;
  removePod(state: CycleState, pod: V1Pod, podToRemove: V1Pod, nodeInfo: NodeInfo): Promise<Status>;
}

/** For callers with no PreFilter extensions to tell (plain filter tests). */
const NO_POD_CHANGES: PodChanges = { addPod: async () => success(), removePod: async () => success() };

/** A node where preemption would make the pod fit, and the pods it would have to evict there. */
export interface Candidate {
  nodeName: string;
  /** Most important first (highest priority, then longest running). */
  victims: V1Pod[];
  /** How many victims' eviction would violate a PodDisruptionBudget (the fewer, the better the node). */
  numPDBViolations: number;
}

/** When the pod started (ms since the epoch); a pod that has not started counts as starting `now`. */
export function podStartTime(pod: V1Pod, now: number): number {
  const started = pod.status?.startTime as Date | string | undefined | null;
  if (started === undefined || started === null) return now;
  const ms = new Date(started).getTime();
  return Number.isNaN(ms) ? now : ms;
}

/** Higher priority first; between equals, the one running longer is more important (kept first). */
export function moreImportantPod(a: V1Pod, b: V1Pod, now: number): boolean {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pa > pb;
  return podStartTime(a, now) < podStartTime(b, now);
}

function byImportance(now: number): (a: V1Pod, b: V1Pod) => number {
  return (a, b) => (moreImportantPod(a, b, now) ? -1 : moreImportantPod(b, a, now) ? 1 : 0);
}

/** Only pods of strictly lower priority may be evicted for the preemptor; equal priority never. */
export function canPreempt(preemptor: V1Pod, victim: V1Pod): boolean {
  return podPriority(victim) < podPriority(preemptor);
}

/**
 * Upstream's getLowerPriorityNominatedPods: once the preemptor is nominated to a node, the pods an
 * earlier preemption nominated there with a LOWER priority may no longer fit beside it, so they
 * lose their nomination and look for room again. As upstream, whether they would still fit is not
 * checked (a node has few nominated pods; the what-if runs would cost more than a retry). Pods of
 * equal or higher priority keep theirs: the preemptor's own Filter already counted them. In the
 * order given (the nominator's).
 */
export function lowerPriorityNominatedPods(preemptor: V1Pod, nominatedPods: readonly V1Pod[]): V1Pod[] {
  return nominatedPods.filter((nominated) => canPreempt(preemptor, nominated));
}

/** Deleted by a scheduler's preemption and not gone yet: deletionTimestamp plus our DisruptionTarget condition. */
export function isTerminatingByPreemption(pod: V1Pod): boolean {
  if (!pod.metadata?.deletionTimestamp) return false;
  const condition = pod.status?.conditions?.find((c) => c.type === DISRUPTION_TARGET);
  return condition?.status === 'True' && condition.reason === REASON_PREEMPTION_BY_SCHEDULER;
}

export type Eligibility = { eligible: true } | { eligible: false; reason: string };

/**
 * May this pod preempt at all? Not if its preemptionPolicy is Never. Not if it already has a
 * nominated node where a lower-priority pod it preempted earlier is still terminating: it should
 * wait for that room instead of evicting more. Unless that node now rejects it for a reason no
 * eviction fixes (UnschedulableAndUnresolvable), in which case it may look elsewhere.
 */
export function podEligibleToPreemptOthers(pod: V1Pod, nodes: readonly NodeInfo[], nominatedNodeStatus: Status | undefined): Eligibility {
  if (pod.spec?.preemptionPolicy === 'Never') return { eligible: false, reason: NOT_ELIGIBLE_PREEMPT_NEVER };
  const nominated = pod.status?.nominatedNodeName;
  if (!nominated) return { eligible: true };
  // No status means the node was not rejected as preemptable: as upstream, treat it as unresolvable.
  if (!nominatedNodeStatus || nominatedNodeStatus.code === Code.UnschedulableAndUnresolvable) return { eligible: true };
  const nodeInfo = nodes.find((n) => n.name === nominated);
  if (nodeInfo?.pods.some((p) => canPreempt(pod, p.pod) && isTerminatingByPreemption(p.pod))) {
    return { eligible: false, reason: NOT_ELIGIBLE_TERMINATING_VICTIM };
  }
  return { eligible: true };
}

/** Nodes preemption could help on: rejected as Unschedulable (not UnschedulableAndUnresolvable), in node order. */
export function potentialNodes(nodes: readonly NodeInfo[], nodeStatuses: ReadonlyMap<string, Status>): NodeInfo[] {
  return nodes.filter((n) => nodeStatuses.get(n.name)?.code === Code.Unschedulable);
}

export interface NodeVictims {
  /** Success with victims, or why this node cannot be made to fit. */
  status: Status;
  victims: V1Pod[];
  /** How many of the victims a PodDisruptionBudget protects. */
  numPDBViolations: number;
}

/**
 * Upstream's filterPodsWithPDBViolation: walking the pods (most important first), each matching
 * PDB in the pod's namespace spends one of its status.disruptionsAllowed (unless the pod is already
 * in its disruptedPods); a pod that takes a budget below zero would violate it. A PDB with a nil or
 * empty selector matches nothing; a pod without labels matches no PDB.
 */
export function filterPodsWithPDBViolation(pods: readonly V1Pod[], pdbs: readonly V1PodDisruptionBudget[]): { violating: V1Pod[]; nonViolating: V1Pod[] } {
  const allowed = pdbs.map((pdb) => pdb.status?.disruptionsAllowed ?? 0);
  const violating: V1Pod[] = [];
  const nonViolating: V1Pod[] = [];
  for (const pod of pods) {
    const labels = pod.metadata?.labels ?? {};
    let violated = false;
    if (Object.keys(labels).length > 0) {
      pdbs.forEach((pdb, i) => {
        if (pdb.metadata?.namespace !== pod.metadata?.namespace) return;
        const selector = pdb.spec?.selector;
        if (!selector || selectorIsEmpty(selector) || !selectorMatches(selector, labels)) return;
        if (Object.hasOwn(pdb.status?.disruptedPods ?? {}, pod.metadata?.name ?? '')) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(pod);
  }
  return { violating, nonViolating };
}

/**
 * The dry run on one node, on a copy (the snapshot is never changed). Removes every lower-priority
 * pod, checks the Filter plugins, then reprieves as many as possible, most important first: first
 * those whose eviction would violate a PodDisruptionBudget (each one that cannot be reprieved
 * counts as a violation), then the others, as upstream's SelectVictimsOnNode.
 */
export async function selectVictimsOnNode(
  state: CycleState,
  pod: V1Pod,
  nodeInfo: NodeInfo,
  runFilters: RunFilters,
  now: number,
  podChanges: PodChanges = NO_POD_CHANGES,
  pdbs: readonly V1PodDisruptionBudget[] = [],
): Promise<NodeVictims> {
  const failed = (status: Status): NodeVictims => ({ status, victims: [], numPDBViolations: 0 });
  const copy = nodeInfo.clone();
  const potential = copy.pods.filter((p) => canPreempt(pod, p.pod));
  if (potential.length === 0) return failed(unresolvable(ERR_NO_VICTIMS));
  for (const { pod: victim } of potential) {
    copy.removePod(victim);
    const removed = await podChanges.removePod(state, pod, victim, copy);
    if (!removed.isSuccess()) return failed(removed);
  }

  // Even with every lower-priority pod gone the pod does not fit (e.g. the rest of the node is
  // taken by pods of equal or higher priority): this node cannot help. Its reasons are reported.
  const withoutAll = await runFilters(state, pod, copy);
  if (!withoutAll.isSuccess()) return failed(withoutAll);

  const order = byImportance(now);
  const mostImportantFirst = [...potential].sort((a, b) => order(a.pod, b.pod));
  const assumed = new Map(mostImportantFirst.map((p) => [p.pod, p.assumed]));
  const { violating, nonViolating } = filterPodsWithPDBViolation(mostImportantFirst.map((p) => p.pod), pdbs);
  const victims: V1Pod[] = [];
  /** Put the pod back; if the preemptor no longer fits, take it out again: it is a victim. */
  const reprieve = async (candidate: V1Pod): Promise<{ fits: boolean } | { error: Status }> => {
    copy.addPod(candidate, assumed.get(candidate));
    const added = await podChanges.addPod(state, pod, candidate, copy);
    if (!added.isSuccess()) return { error: added };
    const fits = await runFilters(state, pod, copy);
    if (fits.isSuccess()) return { fits: true };
    copy.removePod(candidate);
    const removed = await podChanges.removePod(state, pod, candidate, copy);
    if (!removed.isSuccess()) return { error: removed };
    victims.push(candidate);
    return { fits: false };
  };
  let numPDBViolations = 0;
  for (const candidate of violating) {
    const result = await reprieve(candidate);
    if ('error' in result) return failed(result.error);
    if (!result.fits) numPDBViolations++;
  }
  for (const candidate of nonViolating) {
    const result = await reprieve(candidate);
    if ('error' in result) return failed(result.error);
  }
  // Both groups were walked separately: most important first again, as upstream re-sorts.
  if (violating.length > 0 && nonViolating.length > 0) victims.sort(order);
  return { status: success(), victims, numPDBViolations };
}

export interface DryRunResult {
  /** Nodes where preemption works, in node order. */
  candidates: Candidate[];
  /** Why each other potential node did not work. */
  nodeStatuses: Map<string, Status>;
  /** Error messages from nodes whose dry run failed with an Error status. */
  errors: string[];
}

/** selectVictimsOnNode on every potential node, each with its own copy of the cycle state. */
export async function dryRunPreemption(
  state: CycleState,
  pod: V1Pod,
  nodes: readonly NodeInfo[],
  runFilters: RunFilters,
  now: number,
  podChanges: PodChanges = NO_POD_CHANGES,
  pdbs: readonly V1PodDisruptionBudget[] = [],
): Promise<DryRunResult> {
  const result: DryRunResult = { candidates: [], nodeStatuses: new Map(), errors: [] };
  for (const nodeInfo of nodes) {
    const selected = await selectVictimsOnNode(state.clone(), pod, nodeInfo, runFilters, now, podChanges, pdbs);
    if (selected.status.isSuccess() && selected.victims.length > 0) {
      result.candidates.push({ nodeName: nodeInfo.name, victims: selected.victims, numPDBViolations: selected.numPDBViolations });
      continue;
    }
    // Everything could be put back, so the node did not need preemption after all (its filter
    // status was stale or not about pods): upstream treats this as an error too.
    const status = selected.status.isSuccess() ? errorStatus(`expected at least one victim pod on node "${nodeInfo.name}"`) : selected.status;
    if (status.code === Code.Error) result.errors.push(status.message());
    result.nodeStatuses.set(nodeInfo.name, status);
  }
  return result;
}

/** The priority of the most important victim (victims are sorted most important first). */
function highestVictimPriority(c: Candidate): number {
  return podPriority(c.victims[0]!);
}

/** Upstream adds 2^31 to every priority first, so that many negative-priority victims never sum to "less". */
const PRIORITY_OFFSET = 2 ** 31;

function sumOfVictimPriorities(c: Candidate): number {
  return c.victims.reduce((sum, v) => sum + podPriority(v) + PRIORITY_OFFSET, 0);
}

/** The earliest start time among the victims that have the highest priority on this node. */
export function earliestStartOfHighestPriorityVictims(c: Candidate, now: number): number {
  const top = highestVictimPriority(c);
  return Math.min(...c.victims.filter((v) => podPriority(v) === top).map((v) => podStartTime(v, now)));
}

/**
 * Upstream's choice among the candidates; each rule only breaks the ties the previous one left:
 *   1. fewest PDB violations,
 *   2. the lowest priority among each node's most important victim,
 *   3. the smallest sum of victim priorities,
 *   4. the fewest victims,
 *   5. the latest start time of the node's highest-priority victims (evict the youngest work),
 *   6. then the first candidate (upstream's is in random node order; here, node name order).
 */
export function pickOneNodeForPreemption(candidates: readonly Candidate[], now: number): Candidate | undefined {
  // Each rule scores a candidate; higher is better.
  const rules: ((c: Candidate) => number)[] = [
    (c) => -c.numPDBViolations,
    (c) => -highestVictimPriority(c),
    (c) => -sumOfVictimPriorities(c),
    (c) => -c.victims.length,
    (c) => earliestStartOfHighestPriorityVictims(c, now),
  ];
  let remaining = [...candidates];
  for (const rule of rules) {
    if (remaining.length <= 1) break;
    const best = Math.max(...remaining.map(rule));
    remaining = remaining.filter((c) => rule(c) === best);
  }
  return remaining[0];
}

/**
 * The "0/N nodes are available: ..." text for a preemption that found no candidate: the dry run's
 * reason for each potential node, and "Preemption is not helpful for scheduling" for every node it
 * did not try, counted and sorted like the FailedScheduling message itself.
 */
export function preemptionFailureMessage(nodeNames: readonly string[], dryRunStatuses: ReadonlyMap<string, Status>): string {
  const statuses = new Map<string, Status>();
  for (const name of nodeNames) statuses.set(name, dryRunStatuses.get(name) ?? unresolvable(ERR_PREEMPTION_NOT_HELPFUL));
  return fitErrorMessage({ numAllNodes: nodeNames.length, nodeStatuses: statuses });
}

export interface PreemptionInput {
  state: CycleState;
  /** The freshest copy of the pod (its status.nominatedNodeName matters). */
  pod: V1Pod;
  /** Every rejected node's filter status from this cycle. */
  nodeStatuses: ReadonlyMap<string, Status>;
  /** All nodes of the cycle's snapshot. */
  nodes: readonly NodeInfo[];
  runFilters: RunFilters;
  /** The time "now" (ms) for pods without a start time. */
  now: number;
  /** The PreFilterExtensions to tell about each victim removed or reprieved (none: nothing to tell). */
  podChanges?: PodChanges;
  /** The cluster's PodDisruptionBudgets (none: no victim violates one). */
  pdbs?: readonly V1PodDisruptionBudget[];
}

export type PreemptionOutcome =
  | { kind: 'not-eligible'; reason: string }
  | { kind: 'error'; reason: string }
  | { kind: 'no-candidate'; reason: string; nodeStatuses: Map<string, Status> }
  | { kind: 'preempt'; chosen: Candidate; candidates: Candidate[] };

/** The whole decision (upstream Evaluator.Preempt without its API calls). */
export async function evaluatePreemption(input: PreemptionInput): Promise<PreemptionOutcome> {
  const { state, pod, nodeStatuses, nodes, runFilters, now, podChanges, pdbs } = input;
  const nominated = pod.status?.nominatedNodeName;
  const eligibility = podEligibleToPreemptOthers(pod, nodes, nominated ? nodeStatuses.get(nominated) : undefined);
  if (!eligibility.eligible) return { kind: 'not-eligible', reason: eligibility.reason };

  const dryRun = await dryRunPreemption(state, pod, potentialNodes(nodes, nodeStatuses), runFilters, now, podChanges, pdbs);
  if (dryRun.candidates.length === 0) {
    if (dryRun.errors.length > 0) return { kind: 'error', reason: dryRun.errors.length === 1 ? dryRun.errors[0]! : `[${dryRun.errors.join(', ')}]` };
    const names = nodes.map((n) => n.name);
    return { kind: 'no-candidate', reason: preemptionFailureMessage(names, dryRun.nodeStatuses), nodeStatuses: dryRun.nodeStatuses };
  }
  return { kind: 'preempt', chosen: pickOneNodeForPreemption(dryRun.candidates, now)!, candidates: dryRun.candidates };
}

/** What the plugin returns for an outcome; every message gets upstream's "preemption: " prefix. */
export function postFilterResultOf(outcome: PreemptionOutcome): PostFilterResult {
  switch (outcome.kind) {
    case 'not-eligible':
      // The nomination (if any) stays as it is.
      return { status: unschedulable(PREEMPTION_PREFIX + outcome.reason) };
    case 'error':
      return { status: errorStatus(PREEMPTION_PREFIX + outcome.reason) };
    case 'no-candidate':
      // An empty nominatedNodeName clears a nomination from an earlier preemption.
      return { status: unschedulable(PREEMPTION_PREFIX + outcome.reason), nominatedNodeName: '' };
    case 'preempt':
      return { status: success(), nominatedNodeName: outcome.chosen.nodeName, victims: outcome.chosen.victims };
  }
}

export interface DefaultPreemptionOptions {
  /** Clock for pods without status.startTime (they count as starting now). */
  now?: () => number;
}

/**
 * The plugin. It needs the profile's Filter plugins for its dry runs; the runtime lends them
 * through the PostFilterHandle it passes to every PostFilter call, so the plugin works in any
 * profile it is placed in (default, configured, or a learner's), with no wiring at build time.
 */
export function createDefaultPreemption(opts: DefaultPreemptionOptions = {}): PostFilterPlugin {
  const now = opts.now ?? Date.now;
  return {
    name: DEFAULT_PREEMPTION,
    async postFilter(state, pod, nodeStatuses, nodes, handle) {
      const podChanges: PodChanges = {
        addPod: (s, p, added, n) => handle.runPreFilterExtensionAddPod(s, p, added, n),
        removePod: (s, p, removed, n) => handle.runPreFilterExtensionRemovePod(s, p, removed, n),
      };
      const pdbs = listersOf(state).podDisruptionBudgets();
      const outcome = await evaluatePreemption({ state, pod, nodeStatuses, nodes, runFilters: (s, p, n) => handle.runFilters(s, p, n), now: now(), podChanges, pdbs });
      return postFilterResultOf(outcome);
    },
  };
}
