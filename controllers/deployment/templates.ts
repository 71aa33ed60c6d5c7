// Pod templates and the ReplicaSets built from them (sync.go getNewReplicaSet,
// deployment_util.go EqualIgnoreHash/FindNewReplicaSet/FindOldReplicaSets).
import type { V1Deployment, V1LabelSelector, V1OwnerReference, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { newControllerRef } from '../shared/owner-refs.js';
import { DEPLOYMENT_GVK, MAX_REVISION_HISTORY_LENGTH_IN_CHARS, POD_TEMPLATE_HASH_LABEL } from './constants.js';
import { canonicalJson } from './hash.js';
import { byCreationTimestamp, sameReplicaSet, specReplicas } from './replicasets.js';
import { withNewReplicaSetAnnotations } from './revisions.js';

/**
 * Like apimachinery's Semantic.DeepEqual, a missing field, null, an empty list and an empty map
 * are the same thing; everything else is compared structurally.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(dropEmpty(a)) === canonicalJson(dropEmpty(b));
}

function dropEmpty(value: unknown): unknown {
  if (value instanceof Date) return value;
  if (Array.isArray(value)) {
    const items = value.map(dropEmpty);
    return items.length === 0 ? undefined : items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const cleaned = dropEmpty(v);
      if (cleaned !== undefined) out[k] = cleaned;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value === null ? undefined : value;
}

function withoutHashLabel(template: V1PodTemplateSpec | undefined): V1PodTemplateSpec {
  const labels = { ...(template?.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...template, metadata: { ...template?.metadata, labels } };
}

/** Two templates are the same version when they differ at most in the pod-template-hash label. */
export function equalIgnoreHash(t1: V1PodTemplateSpec | undefined, t2: V1PodTemplateSpec | undefined): boolean {
  return semanticEqual(withoutHashLabel(t1), withoutHashLabel(t2));
}

/** The oldest ReplicaSet whose template matches the Deployment's (there should be only one). */
export function findNewReplicaSet(d: V1Deployment, rsList: readonly V1ReplicaSet[]): V1ReplicaSet | undefined {
  return [...rsList].sort(byCreationTimestamp).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/**
 * Every ReplicaSet but the new one (`all`), and those of them that still have replicas
 * (`required`), oldest first.
 */
export function findOldReplicaSets(d: V1Deployment, rsList: readonly V1ReplicaSet[]): { required: V1ReplicaSet[]; all: V1ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, rsList);
  const all = [...rsList].sort(byCreationTimestamp).filter((rs) => !newRS || !sameReplicaSet(rs, newRS));
  return { required: all.filter((rs) => specReplicas(rs) !== 0), all };
}

const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

/** `<deployment>-<hash>`, truncating the Deployment name so the result stays a valid name. */
export function generateReplicaSetName(deploymentName: string, hash: string): string {
  const maxNameLength = DNS1123_SUBDOMAIN_MAX_LENGTH - 1 - hash.length;
  const base = deploymentName.length > maxNameLength && maxNameLength > 0 ? deploymentName.slice(0, maxNameLength) : deploymentName;
  return `${base}-${hash}`;
}

export function controllerRefTo(d: V1Deployment): V1OwnerReference {
  return newControllerRef(d, DEPLOYMENT_GVK);
}

function selectorWithHash(selector: V1LabelSelector | undefined, hash: string): V1LabelSelector {
  return { ...selector, matchLabels: { ...(selector?.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
}

/**
 * The ReplicaSet a Deployment creates for its current template: hash label on labels, selector
 * and pod template, controlled by the Deployment, annotated with `revision` and the
 * Deployment's size.
 */
export function newReplicaSetFor(d: V1Deployment, hash: string, revision: string, replicas: number): V1ReplicaSet {
  const template = structuredClone(d.spec!.template);
  const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  template.metadata = { ...template.metadata, labels };
  const rs: V1ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: generateReplicaSetName(d.metadata!.name!, hash),
      namespace: d.metadata?.namespace,
      ownerReferences: [controllerRefTo(d)],
      labels: { ...labels },
    },
    spec: {
      replicas,
      minReadySeconds: d.spec?.minReadySeconds,
      selector: selectorWithHash(d.spec?.selector, hash),
      template,
    },
  };
  return withNewReplicaSetAnnotations(d, rs, revision, false, MAX_REVISION_HISTORY_LENGTH_IN_CHARS).rs;
}
