/**
 * ownerChain: every pod of a Deployment is controlled by a ReplicaSet that the Deployment
 * controls (matching by uid, as the garbage collector does), and there are at least `minPods`.
 */
import { z } from 'zod';
import { controllerOwner, isTerminating, type KubeObject, type Snapshot } from '../snapshot.js';
import { checkObject, type CheckResult } from './types.js';

export const ownerChainSchema = checkObject('ownerChain', {
  deployment: z.string().min(1),
  minPods: z.number().int().positive().default(1),
});

export type OwnerChainCheck = z.infer<typeof ownerChainSchema>;

function ownedBy(obj: KubeObject, owner: KubeObject, kind: string): boolean {
  const ref = controllerOwner(obj);
  return ref !== undefined && ref.kind === kind && ref.name === owner.metadata.name && (ref.uid === undefined || ref.uid === owner.metadata.uid);
}

export function evaluateOwnerChain(check: OwnerChainCheck, snapshot: Snapshot): CheckResult {
  const expected = `at least ${check.minPods} pod(s), each Pod → ReplicaSet → Deployment ${check.deployment} by controller ownerReferences`;
  const deployment = snapshot.objects.Deployment.find((d) => d.metadata.name === check.deployment);
  if (!deployment) return { pass: false, expected, saw: `no Deployment ${check.deployment}` };

  const replicaSets = snapshot.objects.ReplicaSet.filter((rs) => ownedBy(rs, deployment, 'Deployment'));
  const chains: string[] = [];
  const broken: string[] = [];
  // Pods that belong here: controlled by one of its ReplicaSets, or carrying a ReplicaSet owner
  // whose name says it came from this Deployment (the pattern the chain must then satisfy).
  for (const pod of snapshot.objects.Pod.filter((p) => !isTerminating(p))) {
    const ref = controllerOwner(pod);
    const rs = replicaSets.find((r) => ownedBy(pod, r, 'ReplicaSet'));
    if (rs) {
      chains.push(`${pod.metadata.name} → ${rs.metadata.name} → ${check.deployment}`);
    } else if (ref?.kind === 'ReplicaSet' && ref.name.startsWith(`${check.deployment}-`)) {
      const named = snapshot.objects.ReplicaSet.find((r) => r.metadata.name === ref.name);
      broken.push(
        named
          ? `${pod.metadata.name} → ${ref.name}, which is not controlled by Deployment ${check.deployment}`
          : `${pod.metadata.name} → ${ref.name}, which does not exist (uid ${ref.uid ?? '?'})`,
      );
    } else if (!ref && pod.metadata.name.startsWith(`${check.deployment}-`)) {
      broken.push(`${pod.metadata.name} has no controller ownerReference (an orphan)`);
    }
  }
  const saw = [
    `${chains.length} complete chain(s)${chains.length ? `: ${chains.slice(0, 3).join('; ')}${chains.length > 3 ? '; ...' : ''}` : ''}`,
    ...(broken.length ? [`broken: ${broken.join('; ')}`] : []),
  ].join('; ');
  return { pass: broken.length === 0 && chains.length >= check.minPods, expected, saw };
}
