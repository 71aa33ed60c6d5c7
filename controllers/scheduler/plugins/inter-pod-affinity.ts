/**
 * InterPodAffinity (PreFilter, Filter, PreScore, Score, NormalizeScore), after upstream's
 * pkg/scheduler/framework/plugins/interpodaffinity (filtering.go, scoring.go, plugin.go) and the
 * AffinityTerm of pkg/scheduler/framework/types.go.
 *
 * A term selects pods (labelSelector) in some namespaces (the listed ones, those matching
 * namespaceSelector, or by default the pod's own) and names a topologyKey: "in the same domain
 * of this key as such pods" (affinity) or "not in the same domain" (anti-affinity).
 * Filter, for the required terms:
 *  - the pod's affinity: every term's domain on the node must hold a pod matching all the terms
 *    (unless no such pod exists anywhere and the pod matches its own terms: the first of a group);
 *  - the pod's anti-affinity: no term's domain on the node may hold a pod the term matches;
 *  - existing pods' anti-affinity: no existing pod whose required anti-affinity term matches the
 *    incoming pod may share that term's domain with the node.
 * Score, for the preferred terms (and existing pods' required affinity with hardPodAffinityWeight):
 * each matching pair adds (affinity) or subtracts (anti-affinity) the term's weight for every node
 * in the domain; scores are then scaled to 0..100 between the lowest and highest.
 */
import type { V1LabelSelector, V1Node, V1Pod, V1PodAffinityTerm, V1WeightedPodAffinityTerm } from '@kubernetes/client-node';
import { selectorIsEmpty, selectorMatches } from '../../shared/labels.js';
import { StateKey, type CycleState, type StateData } from '../framework/cycle-state.js';
import { MAX_NODE_SCORE, type FilterPlugin, type NodeScore, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../framework/interfaces.js';
import { listersOf, type ClusterListers } from '../framework/listers.js';
import type { NodeInfo } from '../framework/node-info.js';
import { ALL_NODES_KEY } from '../framework/normalize.js';
import { skip, success, unresolvable, unschedulable } from '../framework/status.js';

export const INTER_POD_AFFINITY = 'InterPodAffinity';
export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";

export interface InterPodAffinityArgs {
  /** Weight of an existing pod's required affinity term matching the incoming pod, in Score (default 1; 0 ignores them). */
  hardPodAffinityWeight?: number;
  /** Skip scoring entirely when the incoming pod has no preferred terms of its own (default false). */
  ignorePreferredTermsOfExistingPods?: boolean;
}

/** A PodAffinityTerm resolved against its pod. Selectors: undefined selects nothing, {} everything. */
export interface AffinityTerm {
  namespaces: Set<string>;
  selector: V1LabelSelector | undefined;
  topologyKey: string;
  namespaceSelector: V1LabelSelector | undefined;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** Namespaces default to the pod's own only when neither namespaces nor namespaceSelector is given. */
export function affinityTerm(pod: V1Pod, term: V1PodAffinityTerm): AffinityTerm {
  const namespaces = (term.namespaces ?? []).length === 0 && !term.namespaceSelector ? [pod.metadata?.namespace ?? 'default'] : (term.namespaces ?? []);
  return { namespaces: new Set(namespaces), selector: term.labelSelector ?? undefined, topologyKey: term.topologyKey, namespaceSelector: term.namespaceSelector ?? undefined };
}

/** The term selects this pod: its namespace is one of the term's (or its labels match namespaceSelector) and its labels match. */
export function termMatches(term: AffinityTerm, pod: V1Pod, namespaceLabels: Record<string, string> | undefined): boolean {
  const inNamespace = term.namespaces.has(pod.metadata?.namespace ?? 'default') || (term.namespaceSelector !== undefined && selectorMatches(term.namespaceSelector, namespaceLabels));
  return inNamespace && selectorMatches(term.selector, pod.metadata?.labels);
}

/** True only if there are terms and the pod matches every one. */
function matchesAllTerms(terms: readonly AffinityTerm[], pod: V1Pod): boolean {
  return terms.length > 0 && terms.every((t) => termMatches(t, pod, undefined));
}

/** A pod's terms, resolved (upstream's PodInfo). */
export interface PodTerms {
  pod: V1Pod;
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
}

export function podTerms(pod: V1Pod): PodTerms {
  const affinity = pod.spec?.affinity;
  const weighted = (terms: V1WeightedPodAffinityTerm[] | undefined) => (terms ?? []).map((t) => ({ ...affinityTerm(pod, t.podAffinityTerm), weight: t.weight }));
  return {
    pod,
    requiredAffinity: (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t)),
    requiredAntiAffinity: (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t)),
    preferredAffinity: weighted(affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: weighted(affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  };
}

/**
 * The incoming pod's namespaceSelector becomes namespace names once per cycle (upstream's
 * mergeAffinityTermNamespacesIfNotEmpty): matching namespaces join `namespaces` and the selector
 * is dropped. The empty selector ({}, every namespace) is kept as it is.
 */
function mergeNamespaceSelector<T extends AffinityTerm>(term: T, listers: ClusterListers): T {
  if (term.namespaceSelector === undefined || selectorIsEmpty(term.namespaceSelector)) return term;
  const namespaces = new Set(term.namespaces);
  for (const ns of listers.namespaces()) if (selectorMatches(term.namespaceSelector, ns.metadata?.labels)) namespaces.add(ns.metadata?.name ?? '');
  return { ...term, namespaces, namespaceSelector: undefined };
}

function incomingTerms(pod: V1Pod, listers: ClusterListers): PodTerms {
  const terms = podTerms(pod);
  return {
    pod,
    requiredAffinity: terms.requiredAffinity.map((t) => mergeNamespaceSelector(t, listers)),
    requiredAntiAffinity: terms.requiredAntiAffinity.map((t) => mergeNamespaceSelector(t, listers)),
    preferredAffinity: terms.preferredAffinity.map((t) => mergeNamespaceSelector(t, listers)),
    preferredAntiAffinity: terms.preferredAntiAffinity.map((t) => mergeNamespaceSelector(t, listers)),
  };
}

/** Labels of the pod's namespace, undefined when the namespace is unknown (upstream: an empty set). */
function namespaceLabelsOf(pod: V1Pod, listers: ClusterListers): Record<string, string> | undefined {
  return listers.namespace(pod.metadata?.namespace ?? 'default')?.metadata?.labels;
}

/** Counts per topology pair (key, value); entries that drop to 0 are removed. */
export class TopologyCounts {
  readonly counts = new Map<string, number>();

  private static pair(key: string, value: string): string {
    return `${key}\u0000${value}`;
  }

  /** Add `delta` for the node's value of `topologyKey`; nothing if the node lacks that label. */
  add(node: V1Node, topologyKey: string, delta: number): void {
    const labels = node.metadata?.labels ?? {};
    if (!Object.hasOwn(labels, topologyKey)) return;
    const pair = TopologyCounts.pair(topologyKey, labels[topologyKey]!);
    const next = (this.counts.get(pair) ?? 0) + delta;
    if (next === 0) this.counts.delete(pair);
    else this.counts.set(pair, next);
  }

  get(key: string, value: string): number {
    return this.counts.get(TopologyCounts.pair(key, value)) ?? 0;
  }

  get size(): number {
    return this.counts.size;
  }

  clone(): TopologyCounts {
    const copy = new TopologyCounts();
    for (const [k, v] of this.counts) copy.counts.set(k, v);
    return copy;
  }
}

/** What PreFilter counted; PreFilterExtensions change a copy of it. */
export class AffinityPreFilterState implements StateData {
  constructor(
    /** Pairs where existing pods' required anti-affinity terms match the incoming pod. */
    readonly existingAntiAffinityCounts: TopologyCounts,
    /** Pairs holding pods that match all the incoming pod's required affinity terms. */
    readonly affinityCounts: TopologyCounts,
    /** Pairs holding pods that one of the incoming pod's required anti-affinity terms matches. */
    readonly antiAffinityCounts: TopologyCounts,
    readonly incoming: PodTerms,
    readonly namespaceLabels: Record<string, string> | undefined,
  ) {}

  /** One pod more (+1) or less (-1) on `node`. */
  updateWithPod(other: V1Pod, node: V1Node, delta: number): void {
    for (const t of podTerms(other).requiredAntiAffinity) {
      if (termMatches(t, this.incoming.pod, this.namespaceLabels)) this.existingAntiAffinityCounts.add(node, t.topologyKey, delta);
    }
    if (matchesAllTerms(this.incoming.requiredAffinity, other)) {
      for (const t of this.incoming.requiredAffinity) this.affinityCounts.add(node, t.topologyKey, delta);
    }
    for (const t of this.incoming.requiredAntiAffinity) {
      if (termMatches(t, other, undefined)) this.antiAffinityCounts.add(node, t.topologyKey, delta);
    }
  }

  clone(): AffinityPreFilterState {
    return new AffinityPreFilterState(
      this.existingAntiAffinityCounts.clone(),
      this.affinityCounts.clone(),
      this.antiAffinityCounts.clone(),
      this.incoming,
      this.namespaceLabels,
    );
  }
}

export const PRE_FILTER_STATE = new StateKey<AffinityPreFilterState>(`PreFilter${INTER_POD_AFFINITY}`);

/** topologyKey → topology value → summed weight. */
type TopologyScore = Map<string, Map<string, number>>;

export const PRE_SCORE_STATE = new StateKey<TopologyScore>(`PreScore${INTER_POD_AFFINITY}`);

function addScore(scores: TopologyScore, term: AffinityTerm, weight: number, pod: V1Pod, namespaceLabels: Record<string, string> | undefined, node: V1Node): void {
  if (!termMatches(term, pod, namespaceLabels)) return;
  const labels = node.metadata?.labels ?? {};
  if (!Object.hasOwn(labels, term.topologyKey)) return;
  const byValue = scores.get(term.topologyKey) ?? new Map<string, number>();
  scores.set(term.topologyKey, byValue);
  const value = labels[term.topologyKey]!;
  byValue.set(value, (byValue.get(value) ?? 0) + weight);
}

function satisfiesPodAffinity(s: AffinityPreFilterState, node: V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  let podsExist = true;
  for (const term of s.incoming.requiredAffinity) {
    if (!Object.hasOwn(labels, term.topologyKey)) return false; // every topology label must be there
    if (s.affinityCounts.get(term.topologyKey, labels[term.topologyKey]!) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: nothing matches anywhere yet, but it matches
  // its own terms, so it may go anywhere with the topology labels (or it would wait forever).
  return s.affinityCounts.size === 0 && matchesAllTerms(s.incoming.requiredAffinity, s.incoming.pod);
}

function satisfiesPodAntiAffinity(s: AffinityPreFilterState, node: V1Node): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  const labels = node.metadata?.labels ?? {};
  return !s.incoming.requiredAntiAffinity.some((t) => Object.hasOwn(labels, t.topologyKey) && s.antiAffinityCounts.get(t.topologyKey, labels[t.topologyKey]!) > 0);
}

function satisfiesExistingPodsAntiAffinity(s: AffinityPreFilterState, node: V1Node): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  return !Object.entries(node.metadata?.labels ?? {}).some(([k, v]) => s.existingAntiAffinityCounts.get(k, v) > 0);
}

/** Any pod (anti-)affinity term at all: only such existing pods can score for an incoming pod without preferred terms. */
export function createInterPodAffinity(args: InterPodAffinityArgs = {}): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const hardPodAffinityWeight = args.hardPodAffinityWeight ?? 1;
  if (!Number.isInteger(hardPodAffinityWeight) || hardPodAffinityWeight < 0 || hardPodAffinityWeight > 100) {
    throw new Error(`InterPodAffinity hardPodAffinityWeight must be a whole number in 0..100, got ${hardPodAffinityWeight}`);
  }

  function preFilterState(pod: V1Pod, nodes: readonly NodeInfo[], listers: ClusterListers): AffinityPreFilterState {
    const incoming = incomingTerms(pod, listers);
    const namespaceLabels = namespaceLabelsOf(pod, listers);
    const s = new AffinityPreFilterState(new TopologyCounts(), new TopologyCounts(), new TopologyCounts(), incoming, namespaceLabels);
    const incomingHasRequired = incoming.requiredAffinity.length > 0 || incoming.requiredAntiAffinity.length > 0;
    for (const nodeInfo of nodes) {
      for (const existing of nodeInfo.podsWithRequiredAntiAffinity) {
        for (const t of podTerms(existing).requiredAntiAffinity) {
          if (termMatches(t, pod, namespaceLabels)) s.existingAntiAffinityCounts.add(nodeInfo.node, t.topologyKey, 1);
        }
      }
      if (!incomingHasRequired) continue;
      for (const { pod: existing } of nodeInfo.pods) {
        if (matchesAllTerms(incoming.requiredAffinity, existing)) {
          for (const t of incoming.requiredAffinity) s.affinityCounts.add(nodeInfo.node, t.topologyKey, 1);
        }
        for (const t of incoming.requiredAntiAffinity) if (termMatches(t, existing, undefined)) s.antiAffinityCounts.add(nodeInfo.node, t.topologyKey, 1);
      }
    }
    return s;
  }

  /** An existing pod's contribution to the topology scores (upstream processExistingPod). */
  function scoreExistingPod(scores: TopologyScore, incoming: PodTerms, namespaceLabels: Record<string, string> | undefined, existing: V1Pod, node: V1Node): void {
    if (Object.keys(node.metadata?.labels ?? {}).length === 0) return;
    for (const t of incoming.preferredAffinity) addScore(scores, t, t.weight, existing, undefined, node);
    for (const t of incoming.preferredAntiAffinity) addScore(scores, t, -t.weight, existing, undefined, node);
    const theirs = podTerms(existing);
    if (hardPodAffinityWeight > 0) for (const t of theirs.requiredAffinity) addScore(scores, t, hardPodAffinityWeight, incoming.pod, namespaceLabels, node);
    for (const t of theirs.preferredAffinity) addScore(scores, t, t.weight, incoming.pod, namespaceLabels, node);
    for (const t of theirs.preferredAntiAffinity) addScore(scores, t, -t.weight, incoming.pod, namespaceLabels, node);
  }

  return {
    name: INTER_POD_AFFINITY,

    preFilter(state, pod, nodes) {
      const s = preFilterState(pod, nodes, listersOf(state));
      if (s.existingAntiAffinityCounts.size === 0 && s.incoming.requiredAffinity.length === 0 && s.incoming.requiredAntiAffinity.length === 0) {
        return { status: skip() };
      }
      state.write(PRE_FILTER_STATE, s);
      return {};
    },

    preFilterExtensions: {
      addPod(state, _podToSchedule, podToAdd, nodeInfo) {
        state.mustRead(PRE_FILTER_STATE).updateWithPod(podToAdd, nodeInfo.node, 1);
      },
      removePod(state, _podToSchedule, podToRemove, nodeInfo) {
        state.mustRead(PRE_FILTER_STATE).updateWithPod(podToRemove, nodeInfo.node, -1);
      },
    },

    filter(state, _pod, nodeInfo) {
      const s = state.mustRead(PRE_FILTER_STATE);
      if (!satisfiesPodAffinity(s, nodeInfo.node)) return unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH);
      if (!satisfiesPodAntiAffinity(s, nodeInfo.node)) return unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
      if (!satisfiesExistingPodsAntiAffinity(s, nodeInfo.node)) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
      return success();
    },

    preScore(state, pod, filteredNodes) {
      const listers = listersOf(state);
      const incoming = incomingTerms(pod, listers);
      const hasPreferred = incoming.preferredAffinity.length > 0 || incoming.preferredAntiAffinity.length > 0;
      if (args.ignorePreferredTermsOfExistingPods && !hasPreferred) return skip();
      const namespaceLabels = namespaceLabelsOf(pod, listers);
      const scores: TopologyScore = new Map();
      for (const nodeInfo of state.read(ALL_NODES_KEY) ?? filteredNodes) {
        // Without preferred terms of its own, only pods with affinity terms can count (upstream: HavePodsWithAffinityList).
        const existingPods = hasPreferred ? nodeInfo.pods.map((p) => p.pod) : nodeInfo.podsWithAffinity;
        for (const existing of existingPods) scoreExistingPod(scores, incoming, namespaceLabels, existing, nodeInfo.node);
      }
      if (scores.size === 0) return skip();
      state.write(PRE_SCORE_STATE, scores);
      return success();
    },

    score(state, _pod, nodeInfo) {
      const scores = state.mustRead(PRE_SCORE_STATE);
      const labels = nodeInfo.node.metadata?.labels ?? {};
      let score = 0;
      for (const [key, byValue] of scores) if (Object.hasOwn(labels, key)) score += byValue.get(labels[key]!) ?? 0;
      return score;
    },

    scoreExtensions: {
      normalizeScore(_state, _pod, scores) {
        normalizeAffinityScores(scores);
      },
    },
  };
}

/** Scale between the lowest and highest raw score: lowest 0, highest 100 (all 0 when they are equal). */
export function normalizeAffinityScores(scores: NodeScore[]): void {
  if (scores.length === 0) return;
  const min = Math.min(...scores.map((s) => s.score));
  const max = Math.max(...scores.map((s) => s.score));
  const diff = max - min;
  for (const s of scores) s.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((s.score - min) / diff)) : 0;
}

/**
 * Upstream's queueing hint for a pod InterPodAffinity rejected (plugin.go
 * isSchedulableAfterPodChange): a bound pod added that matches all its required affinity terms,
 * or a bound pod relabelled to match them, or relabelled so that it no longer matches all its
 * required anti-affinity terms, may change the verdict; unbound pods never do. (A bound pod's
 * deletion retries every parked pod anyway.)
 */
export function affinityMayHelp(target: V1Pod, oldPod: V1Pod | undefined, newPod: V1Pod | undefined): boolean {
  if ((newPod && !newPod.spec?.nodeName) || (oldPod && !oldPod.spec?.nodeName)) return false;
  const terms = podTerms(target);
  if (oldPod && newPod) {
    if (!matchesAllTerms(terms.requiredAffinity, oldPod) && matchesAllTerms(terms.requiredAffinity, newPod)) return true;
    return matchesAllTerms(terms.requiredAntiAffinity, oldPod) && !matchesAllTerms(terms.requiredAntiAffinity, newPod);
  }
  if (newPod) return matchesAllTerms(terms.requiredAffinity, newPod);
  return matchesAllTerms(terms.requiredAntiAffinity, oldPod!);
}

export const InterPodAffinity = createInterPodAffinity();
