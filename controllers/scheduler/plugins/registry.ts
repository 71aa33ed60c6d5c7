/** The in-tree plugins by name, and the default set and weights (as kube-scheduler's defaults). */
import type { Plugin } from '../framework/interfaces.js';
import { createBalancedAllocation } from './balanced-allocation.js';
import { createDefaultBinder, type Binder } from './default-binder.js';
import { createDefaultPreemption } from './default-preemption.js';
import { ImageLocality } from './image-locality.js';
import { createInterPodAffinity, type InterPodAffinityArgs } from './inter-pod-affinity.js';
import { NodeAffinity } from './node-affinity.js';
import { NodeName } from './node-name.js';
import { NodePorts } from './node-ports.js';
import { createNodeResourcesFit, type NodeResourcesFitArgs } from './node-resources-fit.js';
import { NodeUnschedulable } from './node-unschedulable.js';
import { createPodTopologySpread, type PodTopologySpreadArgs } from './pod-topology-spread.js';
import { PrioritySort } from './priority-sort.js';
import { SchedulingGates } from './scheduling-gates.js';
import { TaintToleration } from './taint-toleration.js';
import { createNodeVolumeLimits } from './node-volume-limits.js';
import { createVolumeBinding, type VolumeBindingArgs } from './volume-binding.js';
import { VolumeRestrictions } from './volume-restrictions.js';

export interface PluginContext {
  binder: Binder;
  nodeResourcesFit?: NodeResourcesFitArgs;
  podTopologySpread?: PodTopologySpreadArgs;
  interPodAffinity?: InterPodAffinityArgs;
  volumeBinding?: VolumeBindingArgs;
}

export const IN_TREE_PLUGINS: Record<string, (ctx: PluginContext) => Plugin> = {
  SchedulingGates: () => SchedulingGates,
  PrioritySort: () => PrioritySort,
  NodeUnschedulable: () => NodeUnschedulable,
  NodeName: () => NodeName,
  TaintToleration: () => TaintToleration,
  NodeAffinity: () => NodeAffinity,
  NodePorts: () => NodePorts,
  NodeResourcesFit: (ctx) => createNodeResourcesFit(ctx.nodeResourcesFit),
  VolumeRestrictions: () => VolumeRestrictions,
  NodeVolumeLimits: () => createNodeVolumeLimits(),
  VolumeBinding: (ctx) => createVolumeBinding(ctx.volumeBinding),
  PodTopologySpread: (ctx) => createPodTopologySpread(ctx.podTopologySpread),
  InterPodAffinity: (ctx) => createInterPodAffinity(ctx.interPodAffinity),
  DefaultPreemption: () => createDefaultPreemption(),
  NodeResourcesBalancedAllocation: (ctx) => createBalancedAllocation({ resources: ctx.nodeResourcesFit?.scoringStrategy?.resources }),
  ImageLocality: () => ImageLocality,
  DefaultBinder: (ctx) => createDefaultBinder(ctx.binder),
};

/**
 * Default plugin order: upstream v1.34's default MultiPoint list
 * (pkg/scheduler/apis/config/v1/default_plugins.go) without VolumeZone (zonal cloud disks; a kind
 * cluster has none) and DynamicResources (a feature gate). Filters run cheap and
 * unresolvable first; DefaultPreemption (the only PostFilter) comes after the filters.
 */
export const DEFAULT_PLUGIN_NAMES = [
  'SchedulingGates',
  'PrioritySort',
  'NodeUnschedulable',
  'NodeName',
  'TaintToleration',
  'NodeAffinity',
  'NodePorts',
  'NodeResourcesFit',
  'VolumeRestrictions',
  'NodeVolumeLimits',
  'VolumeBinding',
  'PodTopologySpread',
  'InterPodAffinity',
  'DefaultPreemption',
  'NodeResourcesBalancedAllocation',
  'ImageLocality',
  'DefaultBinder',
] as const;

export const DEFAULT_SCORE_WEIGHTS: Readonly<Record<string, number>> = {
  TaintToleration: 3,
  NodeAffinity: 2,
  NodeResourcesFit: 1,
  // Upstream's MultiPoint gives it no weight, so 1; its PreScore skips unless StorageCapacityScoring is on.
  VolumeBinding: 1,
  PodTopologySpread: 2,
  InterPodAffinity: 2,
  NodeResourcesBalancedAllocation: 1,
  ImageLocality: 1,
};
