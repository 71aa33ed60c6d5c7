/**
 * Small builders in the shape of upstream's pkg/scheduler/testing wrappers (st.MakePod(),
 * st.MakeNode()), so the cases ported from upstream's plugin tests read like the originals.
 * Pods live in namespace "default" unless given one (upstream's use "").
 */
import type { V1Affinity, V1LabelSelector, V1Node, V1Pod, V1PodAffinityTerm, V1Taint, V1TopologySpreadConstraint, V1WeightedPodAffinityTerm } from '@kubernetes/client-node';
import { CycleState } from '../../../controllers/scheduler/framework/cycle-state.js';
import type { NodeInfo } from '../../../controllers/scheduler/framework/node-info.js';
import { ALL_NODES_KEY } from '../../../controllers/scheduler/framework/normalize.js';
import { clusterListers, LISTERS_KEY, type ListerSources } from '../../../controllers/scheduler/framework/listers.js';
import { Code } from '../../../controllers/scheduler/framework/status.js';
import { nodeInfo } from './fixtures.js';

export const exists = (key: string): V1LabelSelector => ({ matchExpressions: [{ key, operator: 'Exists' }] });
export const labelsIn = (key: string, values: string[]): V1LabelSelector => ({ matchExpressions: [{ key, operator: 'In', values }] });
export const fooSelector = exists('foo');
export const barSelector = exists('bar');
export const HOSTNAME = 'kubernetes.io/hostname';
/** Status codes, short, for the want columns of the ported tables. */
export const S = Code.Success;
export const U = Code.Unschedulable;
export const UU = Code.UnschedulableAndUnresolvable;
export const E = Code.Error;
/** Upstream's test taint: node.kubernetes.io/unschedulable:NoSchedule. */
export const unschedulableTaint: V1Taint = { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' };

export interface PodOpts {
  ns?: string;
  node?: string;
  labels?: Record<string, string>;
  terminating?: boolean;
  spread?: V1TopologySpreadConstraint[];
  nodeSelector?: Record<string, string>;
  /** Required node affinity: one term with one matchExpression. */
  nodeAffinity?: { key: string; operator: 'In' | 'NotIn'; values: string[] };
  podAffinity?: { required?: V1PodAffinityTerm[]; preferred?: V1WeightedPodAffinityTerm[] };
  podAntiAffinity?: { required?: V1PodAffinityTerm[]; preferred?: V1WeightedPodAffinityTerm[] };
  /** An affinity as written; nodeAffinity, podAffinity and podAntiAffinity above replace its parts. */
  affinity?: V1Affinity;
  ownerRef?: { apiVersion: string; kind: string; name: string };
}

export function pod(name: string, o: PodOpts = {}): V1Pod {
  const affinity: V1Affinity = { ...o.affinity };
  if (o.nodeAffinity) {
    affinity.nodeAffinity = { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [o.nodeAffinity] }] } };
  }
  if (o.podAffinity) {
    affinity.podAffinity = { requiredDuringSchedulingIgnoredDuringExecution: o.podAffinity.required, preferredDuringSchedulingIgnoredDuringExecution: o.podAffinity.preferred };
  }
  if (o.podAntiAffinity) {
    affinity.podAntiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: o.podAntiAffinity.required, preferredDuringSchedulingIgnoredDuringExecution: o.podAntiAffinity.preferred };
  }
  return {
    metadata: {
      name,
      namespace: o.ns ?? 'default',
      uid: `uid-${name}`,
      labels: o.labels,
      deletionTimestamp: o.terminating ? new Date() : undefined,
      ownerReferences: o.ownerRef ? [{ ...o.ownerRef, uid: 'owner-uid', controller: true }] : undefined,
    },
    spec: {
      containers: [{ name: 'c', image: 'pause' }],
      nodeName: o.node,
      nodeSelector: o.nodeSelector,
      topologySpreadConstraints: o.spread,
      affinity: Object.keys(affinity).length ? affinity : undefined,
    },
  };
}

export function node(name: string, labels: Record<string, string> = {}, taints?: V1Taint[]): V1Node {
  return { metadata: { name, labels }, spec: { taints }, status: { allocatable: { pods: '110', cpu: '4', memory: '8Gi' } } };
}

/** st.SpreadConstraint(maxSkew, key, when, selector, minDomains, nodeAffinityPolicy, nodeTaintsPolicy, matchLabelKeys). */
export function spread(
  maxSkew: number,
  topologyKey: string,
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway',
  labelSelector: V1LabelSelector | undefined,
  extra: Partial<V1TopologySpreadConstraint> = {},
): V1TopologySpreadConstraint {
  return { maxSkew, topologyKey, whenUnsatisfiable, labelSelector, ...extra };
}

/** The NodeInfos of a snapshot: each node with the existing pods bound to it. */
export function snapshot(nodes: readonly V1Node[], existing: readonly V1Pod[] = []): NodeInfo[] {
  return nodes.map((n) => nodeInfo(n, existing.filter((p) => p.spec?.nodeName === n.metadata?.name)));
}

/** A cycle state as the runtime prepares it: all nodes of the snapshot and the listers. */
export function cycleState(all: readonly NodeInfo[], listers: ListerSources = {}): CycleState {
  const state = new CycleState();
  state.write(ALL_NODES_KEY, all);
  state.write(LISTERS_KEY, clusterListers(listers));
  return state;
}
