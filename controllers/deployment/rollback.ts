// The legacy rollback request (annotation deprecated.deployment.rollback.to, rollback.go).
// `kubectl rollout undo` on apps/v1 patches the template itself and never sets it; the
// controller still honours it for old clients.
import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { DEPRECATED_ROLLBACK_TO_ANNOTATION, POD_TEMPLATE_HASH_LABEL } from './constants.js';
import { parseInt64 } from '../shared/int64.js';
import { ANNOTATIONS_NOT_COPIED } from './revisions.js';

/** The requested revision (0 = previous), or undefined when absent or malformed. */
export function rollbackTo(d: V1Deployment): bigint | undefined {
  const raw = d.metadata?.annotations?.[DEPRECATED_ROLLBACK_TO_ANNOTATION];
  if (!raw) return undefined;
  return parseInt64(raw);
}

/** The Deployment with the rollback request removed. */
export function withoutRollbackRequest(d: V1Deployment): V1Deployment {
  const annotations = { ...(d.metadata?.annotations ?? {}) };
  delete annotations[DEPRECATED_ROLLBACK_TO_ANNOTATION];
  return { ...d, metadata: { ...d.metadata, annotations } };
}

/**
 * The Deployment with the ReplicaSet's template (minus the hash label) and the ReplicaSet's
 * copyable annotations, keeping the Deployment's own bookkeeping annotations.
 */
export function rolledBackTo(d: V1Deployment, rs: V1ReplicaSet): V1Deployment {
  const template: V1PodTemplateSpec = structuredClone(rs.spec?.template ?? {});
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  template.metadata = { ...template.metadata, labels };
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (ANNOTATIONS_NOT_COPIED.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata?.annotations ?? {})) if (!ANNOTATIONS_NOT_COPIED.has(k)) annotations[k] = v;
  return { ...d, metadata: { ...d.metadata, annotations }, spec: { ...d.spec!, template } };
}
