// Revision bookkeeping (deployment_util.go, sync.go cleanupDeployment): which revision a
// ReplicaSet represents, which annotations flow from the Deployment to its ReplicaSets, and
// which old ReplicaSets fall outside revisionHistoryLimit.
import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import { compareBigInt, parseInt64 } from '../shared/int64.js';
import {
  DEPRECATED_ROLLBACK_TO_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  LAST_APPLIED_CONFIG_ANNOTATION,
  MAX_INT32,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
} from './constants.js';
import { byCreationTimestamp, specReplicas } from './replicasets.js';
import { replicasAnnotationsFor, withReplicasAnnotations } from './scale.js';

type Annotations = Record<string, string>;

/** Annotations that belong to the Deployment (or to one ReplicaSet) and are never copied across. */
export const ANNOTATIONS_NOT_COPIED: ReadonlySet<string> = new Set([
  LAST_APPLIED_CONFIG_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  DEPRECATED_ROLLBACK_TO_ANNOTATION,
]);

/**
 * The revision annotation (int64 upstream, so bigint here: a number loses digits past 2^53):
 * 0 when absent, undefined when strconv.ParseInt would fail (syntax or out of int64 range).
 */
export function revisionOf(obj: { metadata?: { annotations?: Annotations } }): bigint | undefined {
  const raw = obj.metadata?.annotations?.[REVISION_ANNOTATION];
  if (raw === undefined) return 0n;
  return parseInt64(raw);
}

/** Highest revision among the ReplicaSets (unparsable ones are skipped). */
export function maxRevision(rsList: readonly (V1ReplicaSet | undefined)[]): bigint {
  let max = 0n;
  for (const rs of rsList) {
    const v = rs ? revisionOf(rs) : undefined;
    if (v !== undefined && v > max) max = v;
  }
  return max;
}

/** Second highest revision: the one `kubectl rollout undo` without --to-revision goes back to. */
export function lastRevision(rsList: readonly (V1ReplicaSet | undefined)[]): bigint {
  let max = 0n;
  let secondMax = 0n;
  for (const rs of rsList) {
    const v = rs ? revisionOf(rs) : undefined;
    if (v === undefined) continue;
    if (v >= max) {
      secondMax = max;
      max = v;
    } else if (v > secondMax) {
      secondMax = v;
    }
  }
  return secondMax;
}

/** Copies the Deployment's own annotations onto the ReplicaSet's (never removes any). */
export function copyDeploymentAnnotations(deploymentAnnotations: Annotations | undefined, rsAnnotations: Annotations | undefined): { annotations: Annotations; changed: boolean } {
  const annotations = { ...(rsAnnotations ?? {}) };
  let changed = false;
  for (const [key, value] of Object.entries(deploymentAnnotations ?? {})) {
    if (ANNOTATIONS_NOT_COPIED.has(key) || annotations[key] === value) continue;
    annotations[key] = value;
    changed = true;
  }
  return { annotations, changed };
}

/**
 * SetNewReplicaSetAnnotations: copy the Deployment's annotations, raise the revision to
 * `newRevision` (remembering the previous one in revision-history, capped at `maxHistoryChars`),
 * and, for a ReplicaSet about to be created, stamp the desired/max-replicas annotations.
 */
export function withNewReplicaSetAnnotations(
  d: V1Deployment,
  rs: V1ReplicaSet,
  newRevision: string,
  exists: boolean,
  maxHistoryChars: number,
): { rs: V1ReplicaSet; changed: boolean } {
  const copied = copyDeploymentAnnotations(d.metadata?.annotations, rs.metadata?.annotations);
  const annotations = copied.annotations;
  let changed = copied.changed;
  const result = (): V1ReplicaSet => ({ ...rs, metadata: { ...rs.metadata, annotations } });

  const hadRevision = REVISION_ANNOTATION in annotations;
  const oldRevision = annotations[REVISION_ANNOTATION] ?? '';
  let oldRevisionInt = parseInt64(oldRevision);
  if (oldRevisionInt === undefined) {
    if (oldRevision !== '') return { rs: result(), changed: false };
    oldRevisionInt = 0n;
  }
  const newRevisionInt = parseInt64(newRevision);
  if (newRevisionInt === undefined) return { rs: result(), changed: false };

  if (oldRevisionInt < newRevisionInt) {
    annotations[REVISION_ANNOTATION] = newRevision;
    changed = true;
    if (hadRevision) appendRevisionHistory(annotations, oldRevision, maxHistoryChars);
  }

  let out = result();
  if (!exists) {
    const { desired, max } = replicasAnnotationsFor(d);
    const stamped = withReplicasAnnotations(out, desired, max);
    out = stamped.rs;
    changed ||= stamped.changed;
  }
  return { rs: out, changed };
}

/** Appends `oldRevision` to revision-history, dropping the oldest entries past the length cap. */
function appendRevisionHistory(annotations: Annotations, oldRevision: string, maxChars: number): void {
  const history = annotations[REVISION_HISTORY_ANNOTATION] ?? '';
  const entries = history.split(',');
  if (entries[0]!.length === 0) {
    annotations[REVISION_HISTORY_ANNOTATION] = oldRevision;
    return;
  }
  let totalLen = history.length + oldRevision.length + 1;
  let start = 0;
  while (totalLen > maxChars && start < entries.length) {
    totalLen -= entries[start]!.length + 1;
    start++;
  }
  // Upstream leaves the annotation untouched when even the newest entry does not fit.
  if (totalLen <= maxChars) annotations[REVISION_HISTORY_ANNOTATION] = [...entries.slice(start), oldRevision].join(',');
}

/** The Deployment's annotations with its revision set, and whether that changed anything. */
export function withDeploymentRevision(d: V1Deployment, revision: string): { annotations: Annotations; changed: boolean } {
  const annotations = { ...(d.metadata?.annotations ?? {}) };
  const changed = annotations[REVISION_ANNOTATION] !== revision;
  annotations[REVISION_ANNOTATION] = revision;
  return { annotations, changed };
}

/** Orders by revision, falling back to creation time for equal or unparsable revisions. */
export function byRevision(a: V1ReplicaSet, b: V1ReplicaSet): number {
  const ra = revisionOf(a);
  const rb = revisionOf(b);
  if (ra === undefined || rb === undefined || ra === rb) return byCreationTimestamp(a, b);
  return compareBigInt(ra, rb);
}

export function hasRevisionHistoryLimit(d: V1Deployment): boolean {
  const limit = d.spec?.revisionHistoryLimit;
  return limit !== undefined && limit !== null && limit !== MAX_INT32;
}

/**
 * cleanupDeployment: the old ReplicaSets beyond revisionHistoryLimit that may be deleted,
 * lowest revision first. Only fully scaled-down ones whose status the ReplicaSet controller has
 * caught up with are deleted; the others still count against the limit.
 */
export function replicaSetsToCleanUp(d: V1Deployment, oldRSs: readonly V1ReplicaSet[]): V1ReplicaSet[] {
  if (!hasRevisionHistoryLimit(d)) return [];
  const alive = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const excess = alive.length - d.spec!.revisionHistoryLimit!;
  if (excess <= 0) return [];
  return [...alive]
    .sort(byRevision)
    .slice(0, excess)
    .filter(
      (rs) =>
        (rs.status?.replicas ?? 0) === 0 &&
        specReplicas(rs) === 0 &&
        // Generations are JSON numbers, exact here (see shared/int64.ts).
        (rs.metadata?.generation ?? 0) <= (rs.status?.observedGeneration ?? 0),
    );
}
