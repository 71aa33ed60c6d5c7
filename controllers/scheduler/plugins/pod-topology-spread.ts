/**
 * PodTopologySpread (PreFilter, Filter, PreScore, Score, NormalizeScore), after upstream's
 * pkg/scheduler/framework/plugins/podtopologyspread (common.go, filtering.go, scoring.go, plugin.go).
 *
 * A constraint says: pods matching `labelSelector` (plus the pod's own values of `matchLabelKeys`)
 * should be spread over the domains of `topologyKey` (zones, hostnames ...) so that no domain has
 * more than `maxSkew` more of them than the emptiest eligible domain.
 * - DoNotSchedule constraints are hard: Filter rejects a node where placing the pod would make
 *   matchNum + (1 if the pod matches itself) - globalMin exceed maxSkew. globalMin is 0 while fewer
 *   than minDomains domains are eligible. A node without the topology label is rejected as
 *   unresolvable.
 * - ScheduleAnyway constraints are soft: Score counts matching pods per domain (fewer is better).
 * - A pod with no constraints of its own gets the cluster defaults (system defaulting: hostname
 *   maxSkew 3 and zone maxSkew 5, both ScheduleAnyway), with the selector of the Services,
 *   ReplicationControllers, ReplicaSets and StatefulSets that select the pod; a pod nothing selects
 *   gets none.
 * - Which nodes count as domains: nodeAffinityPolicy Honor (default) only nodes matching the pod's
 *   nodeSelector/required node affinity; nodeTaintsPolicy Honor (default Ignore) only nodes whose
 *   NoSchedule/NoExecute taints the pod tolerates. Pods being deleted and pods of other namespaces
 *   never count.
 */
import type { V1LabelSelector, V1LabelSelectorRequirement, V1Node, V1Pod, V1TopologySpreadConstraint } from '@kubernetes/client-node';
import { selectorIsEmpty, selectorMatches } from '../../shared/labels.js';
import { StateKey, type CycleState, type StateData } from '../framework/cycle-state.js';
import type { FilterPlugin, NodeScore, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interfaces.js';
import { MAX_NODE_SCORE } from '../framework/interfaces.js';
import { listersOf, type ClusterListers } from '../framework/listers.js';
import type { NodeInfo } from '../framework/node-info.js';
import { ALL_NODES_KEY } from '../framework/normalize.js';
import { skip, success, unresolvable, unschedulable } from '../framework/status.js';
import { firstUntoleratedTaint } from './helpers.js';
import { podMatchesNodeSelectorAndAffinity } from './node-affinity.js';
import { defaultSelector } from './spread-default-selector.js';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

/** Upstream's systemDefaultConstraints (used with defaultingType System, the default). */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly V1TopologySpreadConstraint[] = [
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LABEL_TOPOLOGY_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

/** PodTopologySpreadArgs: the cluster-level default constraints. */
export interface PodTopologySpreadArgs {
  /** 'System' (default): upstream's SYSTEM_DEFAULT_CONSTRAINTS; 'List': `defaultConstraints`. */
  defaultingType?: 'System' | 'List';
  defaultConstraints?: V1TopologySpreadConstraint[];
}

type Action = 'DoNotSchedule' | 'ScheduleAnyway';

/** A constraint with its selector resolved. `selector` undefined selects nothing (a nil labelSelector). */
export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  selector: V1LabelSelector | undefined;
  minDomains: number;
  nodeAffinityPolicy: string;
  nodeTaintsPolicy: string;
}

/** The selector as label requirements (matchLabels become In with one value, so merged keys never collide). */
function asExpressions(selector: V1LabelSelector): V1LabelSelectorRequirement[] {
  return [
    ...Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, operator: 'In', values: [value] })),
    ...(selector.matchExpressions ?? []),
  ];
}

/** matchLabelKeys: the pod's own values of those keys are ANDed into the selector (a nil selector stays nil). */
function withMatchLabelKeys(selector: V1LabelSelector | undefined, keys: readonly string[] | undefined, podLabels: Record<string, string>): V1LabelSelector | undefined {
  if (!selector || !keys?.length) return selector;
  const own = keys.filter((k) => Object.hasOwn(podLabels, k)).map((key) => ({ key, operator: 'In', values: [podLabels[key]!] }));
  if (own.length === 0) return selector;
  return { matchExpressions: [...own, ...asExpressions(selector)] };
}

/** The constraints with the given whenUnsatisfiable, with upstream's defaults filled in. */
export function constraintsFor(constraints: readonly V1TopologySpreadConstraint[], podLabels: Record<string, string>, action: Action): SpreadConstraint[] {
  return constraints
    .filter((c) => c.whenUnsatisfiable === action)
    .map((c) => ({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector: withMatchLabelKeys(c.labelSelector ?? undefined, c.matchLabelKeys, podLabels),
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
      nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
    }));
}

function podLabels(pod: V1Pod): Record<string, string> {
  return pod.metadata?.labels ?? {};
}

/** A domain counts for this constraint on this node (nodeAffinityPolicy / nodeTaintsPolicy). */
function nodeIncluded(c: SpreadConstraint, pod: V1Pod, node: V1Node): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !podMatchesNodeSelectorAndAffinity(pod, node)) return false;
  if (c.nodeTaintsPolicy === 'Honor') {
    const taint = firstUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
    if (taint) return false;
  }
  return true;
}

/** Every constraint's topology key is a label of the node. */
function nodeHasAllTopologyKeys(node: V1Node, constraints: readonly SpreadConstraint[]): boolean {
  const labels = node.metadata?.labels ?? {};
  return constraints.every((c) => Object.hasOwn(labels, c.topologyKey));
}

/** Pods on the node in `namespace`, not being deleted, that the selector matches. An empty selector counts none (as upstream). */
function countMatching(nodeInfo: NodeInfo, selector: V1LabelSelector | undefined, namespace: string | undefined): number {
  if (!selector || selectorIsEmpty(selector)) return 0;
  let count = 0;
  for (const { pod } of nodeInfo.pods) {
    if (pod.metadata?.deletionTimestamp || pod.metadata?.namespace !== namespace) continue;
    if (selectorMatches(selector, pod.metadata?.labels)) count++;
  }
  return count;
}

/**
 * The two domains with the fewest matching pods (upstream's criticalPaths): [0] always holds the
 * minimum, [1] is at least as large but, after updates, not necessarily the second smallest. Two
 * suffice because a what-if run only ever changes one node's counts.
 */
export class CriticalPaths {
  readonly paths: [{ value: string; num: number }, { value: string; num: number }] = [
    { value: '', num: Number.MAX_SAFE_INTEGER },
    { value: '', num: Number.MAX_SAFE_INTEGER },
  ];

  update(value: string, num: number): void {
    const [first, second] = this.paths;
    const existing = value === first.value ? first : value === second.value ? second : undefined;
    if (existing) {
      existing.num = num;
      if (this.paths[0].num > this.paths[1].num) this.paths.reverse();
      return;
    }
    if (num < first.num) {
      this.paths[1] = { ...first };
      this.paths[0] = { value, num };
    } else if (num < second.num) {
      this.paths[1] = { value, num };
    }
  }

  clone(): CriticalPaths {
    const copy = new CriticalPaths();
    copy.paths[0] = { ...this.paths[0] };
    copy.paths[1] = { ...this.paths[1] };
    return copy;
  }
}

/** What PreFilter found for the hard constraints; PreFilterExtensions change a copy of it. */
export class SpreadPreFilterState implements StateData {
  constructor(
    readonly constraints: readonly SpreadConstraint[],
    readonly criticalPaths: CriticalPaths[],
    /** Per constraint: topology value → matching pods in that domain. */
    readonly tpValueToMatchNum: Map<string, number>[],
  ) {}

  /** The global minimum for constraint i: 0 while fewer than minDomains domains are eligible. */
  minMatchNum(i: number): number {
    if (this.tpValueToMatchNum[i]!.size < this.constraints[i]!.minDomains) return 0;
    return this.criticalPaths[i]!.paths[0].num;
  }

  clone(): SpreadPreFilterState {
    return new SpreadPreFilterState(
      this.constraints,
      this.criticalPaths.map((p) => p.clone()),
      this.tpValueToMatchNum.map((m) => new Map(m)),
    );
  }
}

export const PRE_FILTER_STATE = new StateKey<SpreadPreFilterState>(`PreFilter${POD_TOPOLOGY_SPREAD}`);

interface SoftState {
  constraints: SpreadConstraint[];
  ignoredNodes: Set<string>;
  /** Per constraint: topology value → matching pods (hostname constraints are counted per node in Score). */
  tpValueToPodCounts: Map<string, number>[];
  normalizingWeights: number[];
}

export const PRE_SCORE_STATE = new StateKey<SoftState>(`PreScore${POD_TOPOLOGY_SPREAD}`);

/** Upstream's topologyNormalizingWeight: small topologies are not watered down by big ones. */
export function topologyNormalizingWeight(size: number): number {
  return Math.log(size + 2);
}

/** Upstream's scoreForCount: maxSkew-1 is added so small differences between domains matter less. */
export function scoreForCount(count: number, maxSkew: number, weight: number): number {
  return count * weight + (maxSkew - 1);
}

export function createPodTopologySpread(args: PodTopologySpreadArgs = {}): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const systemDefaulted = (args.defaultingType ?? 'System') === 'System';
  const defaults = systemDefaulted ? SYSTEM_DEFAULT_CONSTRAINTS : (args.defaultConstraints ?? []);

  /** The pod's own constraints with this action, or else the defaults with the selector of what selects the pod. */
  function constraintsOf(pod: V1Pod, action: Action, listers: ClusterListers): SpreadConstraint[] {
    const own = pod.spec?.topologySpreadConstraints ?? [];
    if (own.length > 0) return constraintsFor(own, podLabels(pod), action);
    const constraints = constraintsFor(defaults, podLabels(pod), action);
    if (constraints.length === 0) return [];
    const selector = defaultSelector(pod, listers);
    if (!selector) return [];
    return constraints.map((c) => ({ ...c, selector }));
  }

  function hardState(pod: V1Pod, nodes: readonly NodeInfo[], listers: ClusterListers): SpreadPreFilterState {
    const constraints = constraintsOf(pod, 'DoNotSchedule', listers);
    const counts = constraints.map(() => new Map<string, number>());
    for (const nodeInfo of nodes) {
      const node = nodeInfo.node;
      if (!nodeHasAllTopologyKeys(node, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!nodeIncluded(c, pod, node)) return;
        const value = node.metadata!.labels![c.topologyKey]!;
        counts[i]!.set(value, (counts[i]!.get(value) ?? 0) + countMatching(nodeInfo, c.selector, pod.metadata?.namespace));
      });
    }
    const paths = counts.map((m) => {
      const p = new CriticalPaths();
      for (const [value, num] of m) p.update(value, num);
      return p;
    });
    return new SpreadPreFilterState(constraints, paths, counts);
  }

  /** AddPod/RemovePod: one pod more or less on `nodeInfo` changes its domain's count (same namespace only). */
  function updateWithPod(state: CycleState, changed: V1Pod, preemptor: V1Pod, nodeInfo: NodeInfo, delta: number): void {
    const s = state.mustRead(PRE_FILTER_STATE);
    const node = nodeInfo.node;
    if (changed.metadata?.namespace !== preemptor.metadata?.namespace) return;
    if (!nodeHasAllTopologyKeys(node, s.constraints)) return;
    s.constraints.forEach((c, i) => {
      if (!selectorMatches(c.selector, changed.metadata?.labels)) return;
      if (!nodeIncluded(c, preemptor, node)) return;
      const value = node.metadata!.labels![c.topologyKey]!;
      const num = (s.tpValueToMatchNum[i]!.get(value) ?? 0) + delta;
      s.tpValueToMatchNum[i]!.set(value, num);
      s.criticalPaths[i]!.update(value, num);
    });
  }

  return {
    name: POD_TOPOLOGY_SPREAD,

    preFilter(state, pod, nodes) {
      const s = hardState(pod, nodes, listersOf(state));
      if (s.constraints.length === 0) return { status: skip() };
      state.write(PRE_FILTER_STATE, s);
      return {};
    },

    preFilterExtensions: {
      addPod(state, podToSchedule, podToAdd, nodeInfo) {
        updateWithPod(state, podToAdd, podToSchedule, nodeInfo, 1);
      },
      removePod(state, podToSchedule, podToRemove, nodeInfo) {
        updateWithPod(state, podToRemove, podToSchedule, nodeInfo, -1);
      },
    },

    filter(state, pod, nodeInfo) {
      const s = state.mustRead(PRE_FILTER_STATE);
      const labels = nodeInfo.node.metadata?.labels ?? {};
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i]!;
        if (!Object.hasOwn(labels, c.topologyKey)) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
        const selfMatch = selectorMatches(c.selector, pod.metadata?.labels) ? 1 : 0;
        const matchNum = s.tpValueToMatchNum[i]!.get(labels[c.topologyKey]!) ?? 0;
        if (matchNum + selfMatch - s.minMatchNum(i) > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
      }
      return success();
    },

    preScore(state, pod, filteredNodes) {
      const allNodes = state.read(ALL_NODES_KEY) ?? filteredNodes;
      if (allNodes.length === 0) return skip();
      const constraints = constraintsOf(pod, 'ScheduleAnyway', listersOf(state));
      if (constraints.length === 0) return skip();
      // Only the pod's own constraints (or non-system defaults) require every topology label: with
      // system defaults a node without a zone label still takes part in hostname spreading.
      const requireAll = (pod.spec?.topologySpreadConstraints ?? []).length > 0 || !systemDefaulted;
      const soft: SoftState = { constraints, ignoredNodes: new Set(), tpValueToPodCounts: constraints.map(() => new Map()), normalizingWeights: [] };
      const domains = constraints.map(() => 0);
      for (const { node } of filteredNodes) {
        if (requireAll && !nodeHasAllTopologyKeys(node, constraints)) {
          soft.ignoredNodes.add(node.metadata?.name ?? '');
          continue;
        }
        constraints.forEach((c, i) => {
          if (c.topologyKey === LABEL_HOSTNAME) return;
          const value = node.metadata?.labels?.[c.topologyKey] ?? '';
          if (!soft.tpValueToPodCounts[i]!.has(value)) {
            soft.tpValueToPodCounts[i]!.set(value, 0);
            domains[i]!++;
          }
        });
      }
      soft.normalizingWeights = constraints.map((c, i) =>
        topologyNormalizingWeight(c.topologyKey === LABEL_HOSTNAME ? filteredNodes.length - soft.ignoredNodes.size : domains[i]!),
      );
      for (const nodeInfo of allNodes) {
        const node = nodeInfo.node;
        if (requireAll && !nodeHasAllTopologyKeys(node, constraints)) continue;
        constraints.forEach((c, i) => {
          if (!nodeIncluded(c, pod, node)) return;
          const value = node.metadata?.labels?.[c.topologyKey] ?? '';
          const current = soft.tpValueToPodCounts[i]!.get(value);
          // Domains without a candidate node do not matter; hostname counts are taken in Score.
          if (current === undefined) return;
          soft.tpValueToPodCounts[i]!.set(value, current + countMatching(nodeInfo, c.selector, pod.metadata?.namespace));
        });
      }
      state.write(PRE_SCORE_STATE, soft);
      return success();
    },

    score(state, pod, nodeInfo) {
      const s = state.mustRead(PRE_SCORE_STATE);
      if (s.ignoredNodes.has(nodeInfo.name)) return 0;
      const labels = nodeInfo.node.metadata?.labels ?? {};
      let score = 0;
      s.constraints.forEach((c, i) => {
        if (!Object.hasOwn(labels, c.topologyKey)) return;
        const count = c.topologyKey === LABEL_HOSTNAME
          ? countMatching(nodeInfo, c.selector, pod.metadata?.namespace)
          : (s.tpValueToPodCounts[i]!.get(labels[c.topologyKey]!) ?? 0);
        score += scoreForCount(count, c.maxSkew, s.normalizingWeights[i]!);
      });
      return Math.round(score);
    },

    scoreExtensions: {
      normalizeScore(state, _pod, scores) {
        normalizeSpreadScores(state.mustRead(PRE_SCORE_STATE).ignoredNodes, scores);
      },
    },
  };
}

/**
 * Fewer matching pods is better: score = 100 * (max + min - s) / max (integer division), 100 for
 * all when every count is 0, and 0 for nodes ignored for lacking a topology label.
 */
export function normalizeSpreadScores(ignored: ReadonlySet<string>, scores: NodeScore[]): void {
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  for (const s of scores) {
    if (ignored.has(s.name)) continue;
    min = Math.min(min, s.score);
    max = Math.max(max, s.score);
  }
  for (const s of scores) {
    if (ignored.has(s.name)) s.score = 0;
    else if (max === 0) s.score = MAX_NODE_SCORE;
    else s.score = Math.trunc((MAX_NODE_SCORE * (max + min - s.score)) / max);
  }
}

/**
 * Upstream's queueing hint for a pod PodTopologySpread rejected (plugin.go
 * isSchedulableAfterPodChange): might this bound pod's arrival (`oldPod` undefined), departure
 * (`newPod` undefined) or relabelling change its verdict? Only pods of the same namespace count;
 * a change matters if it makes the pod match (or stop matching) one of the hard constraints'
 * selectors, or gives the pod itself new tolerations under nodeTaintsPolicy Honor. A pod without
 * constraints of its own (cluster defaults) is always retried.
 */
export function spreadMayHelp(target: V1Pod, oldPod: V1Pod | undefined, newPod: V1Pod | undefined): boolean {
  const involved = (p: V1Pod) => p.metadata?.uid === target.metadata?.uid || (!!p.spec?.nodeName && p.metadata?.namespace === target.metadata?.namespace);
  if ((newPod && !involved(newPod)) || (oldPod && !involved(oldPod))) return false;
  const own = target.spec?.topologySpreadConstraints ?? [];
  if (own.length === 0) return true;
  const constraints = constraintsFor(own, podLabels(target), 'DoNotSchedule');
  const matches = (p: V1Pod | undefined) => constraints.map((c) => selectorMatches(c.selector, p?.metadata?.labels));
  if (oldPod && newPod) {
    const tolerationsChanged = JSON.stringify(oldPod.spec?.tolerations ?? []) !== JSON.stringify(newPod.spec?.tolerations ?? []);
    if (newPod.metadata?.uid === target.metadata?.uid && tolerationsChanged && constraints.some((c) => c.nodeTaintsPolicy === 'Honor')) return true;
    const before = matches(oldPod);
    return matches(newPod).some((m, i) => m !== before[i]);
  }
  return matches(newPod ?? oldPod).some(Boolean);
}

export const PodTopologySpread = createPodTopologySpread();
