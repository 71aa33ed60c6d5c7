/**
 * The selector PodTopologySpread's default constraints use, after upstream's
 * pkg/scheduler/framework/plugins/helper/spread.go (DefaultSelector, GetPodServices): the
 * selectors of the pod's Services (those in its namespace whose non-nil selector matches its
 * labels), plus the selector of its controller if that is a ReplicationController, ReplicaSet or
 * StatefulSet the listers know. Undefined when nothing selects the pod: then no defaults apply.
 */
import type { V1LabelSelector, V1LabelSelectorRequirement, V1Pod } from '@kubernetes/client-node';
import { controllerRefOf } from '../../shared/owner-refs.js';
import { selectorMatches } from '../../shared/labels.js';
import type { ClusterListers } from '../framework/listers.js';

function equalityRequirements(labels: Record<string, string>): V1LabelSelectorRequirement[] {
  return Object.entries(labels).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
}

/** A LabelSelector's requirements; none for a nil selector (upstream: Requirements() not ok). */
function requirementsOf(selector: V1LabelSelector | undefined | null): V1LabelSelectorRequirement[] {
  if (!selector) return [];
  return [...equalityRequirements(selector.matchLabels ?? {}), ...(selector.matchExpressions ?? [])];
}

export function defaultSelector(pod: V1Pod, listers: ClusterListers): V1LabelSelector | undefined {
  const namespace = pod.metadata?.namespace ?? 'default';
  const labels = pod.metadata?.labels ?? {};
  // Services matching the pod cannot disagree on a key, so their selectors merge into one label set.
  const merged: Record<string, string> = {};
  for (const service of listers.services(namespace)) {
    const selector = service.spec?.selector;
    if (!selector) continue; // a nil selector matches nothing
    if (selectorMatches({ matchLabels: selector }, labels)) Object.assign(merged, selector);
  }
  const requirements = equalityRequirements(merged);
  const owner = controllerRefOf(pod);
  if (owner) {
    if (owner.apiVersion === 'v1' && owner.kind === 'ReplicationController') {
      const rc = listers.replicationController(namespace, owner.name);
      if (rc) {
        // Merged into the label set, as upstream (the RC's value wins on a shared key).
        Object.assign(merged, rc.spec?.selector ?? {});
        requirements.splice(0, requirements.length, ...equalityRequirements(merged));
      }
    } else if (owner.apiVersion === 'apps/v1' && owner.kind === 'ReplicaSet') {
      const rs = listers.replicaSet(namespace, owner.name);
      if (rs) requirements.push(...requirementsOf(rs.spec?.selector));
    } else if (owner.apiVersion === 'apps/v1' && owner.kind === 'StatefulSet') {
      const ss = listers.statefulSet(namespace, owner.name);
      if (ss) requirements.push(...requirementsOf(ss.spec?.selector));
    }
  }
  return requirements.length === 0 ? undefined : { matchExpressions: requirements };
}
