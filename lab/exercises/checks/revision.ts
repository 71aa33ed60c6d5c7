/**
 * revision: a Deployment's rollout history. `revision` is the
 * deployment.kubernetes.io/revision annotation; `historyLength` counts the ReplicaSets it owns
 * (the history `kubectl rollout history` shows); `image` is the image of its first container now.
 */
import { z } from 'zod';
import { parseInt64 } from '../../../controllers/shared/int64.js';
import { controllerOwner, listNames, valueAt, type KubeObject, type Snapshot } from '../snapshot.js';
import { boundsSchema, describeBounds, withinBounds } from './bounds.js';
import { checkObject, type CheckResult } from './types.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

export const revisionSchema = checkObject('revision', {
  deployment: z.string().min(1),
  revision: boundsSchema.optional(),
  historyLength: boundsSchema.optional(),
  image: z.string().min(1).optional(),
}).refine((c) => c.revision !== undefined || c.historyLength !== undefined || c.image !== undefined, {
  message: 'give at least one of `revision`, `historyLength`, `image`',
});

export type RevisionCheck = z.infer<typeof revisionSchema>;

/** The revision as the controller reads it (int64, so bigint); undefined when unset or unparsable. */
function revisionOf(obj: KubeObject): bigint | undefined {
  const raw = obj.metadata.annotations?.[REVISION_ANNOTATION];
  return raw === undefined ? undefined : parseInt64(raw);
}

export function evaluateRevision(check: RevisionCheck, snapshot: Snapshot): CheckResult {
  const wants: string[] = [];
  if (check.revision) wants.push(`revision ${describeBounds(check.revision)}`);
  if (check.historyLength) wants.push(`${describeBounds(check.historyLength)} ReplicaSets in its history`);
  if (check.image) wants.push(`image ${check.image}`);
  const expected = `Deployment ${check.deployment}: ${wants.join(', ')}`;
  const deployment = snapshot.objects.Deployment.find((d) => d.metadata.name === check.deployment);
  if (!deployment) return { pass: false, expected, saw: `no Deployment ${check.deployment}` };

  const revision = revisionOf(deployment);
  const history = snapshot.objects.ReplicaSet.filter((rs) => {
    const ref = controllerOwner(rs);
    return ref?.kind === 'Deployment' && ref.name === check.deployment;
  });
  const image = valueAt(deployment, 'spec.template.spec.containers[0].image');
  let pass = true;
  if (check.revision) pass &&= revision !== undefined && withinBounds(revision, check.revision);
  if (check.historyLength) pass &&= withinBounds(history.length, check.historyLength);
  if (check.image) pass &&= image === check.image;
  const historyText = history.map((rs) => `${rs.metadata.name}@${revisionOf(rs) ?? '?'}`);
  return {
    pass,
    expected,
    saw: `revision ${revision ?? 'unset'}, ${history.length} ReplicaSet(s) in history (${listNames(historyText)}), image ${String(image ?? 'unset')}`,
  };
}
