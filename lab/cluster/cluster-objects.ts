/**
 * Cluster-scoped things a lab command changes for a while and must put back (undo-journal.ts):
 * ClusterRoleBindings it made and nodes it cordoned. Through the lab's kubectl, as namespaces.ts,
 * and best effort: each returns the problem instead of throwing, since it runs in clean-ups.
 */
import { kubectl } from './kubectl.js';

/** Deletes the ClusterRoleBinding (missing is fine): the problem, or undefined. */
export async function deleteClusterRoleBinding(name: string): Promise<string | undefined> {
  const { stderr, exitCode } = await kubectl(['delete', 'clusterrolebinding', name, '--ignore-not-found'], { reject: false, timeoutMs: 60_000 });
  return exitCode === 0 ? undefined : `could not delete ClusterRoleBinding ${name}: ${stderr.trim()}`;
}

/** Pure: whether kubectl's stderr says the object is not there. */
export function saysNotFound(stderr: string): boolean {
  return /\bNotFound\b|\bnot found\b/.test(stderr);
}

/** Makes the node schedulable again; a node that is gone needs nothing. The problem, or undefined. */
export async function uncordonNode(name: string): Promise<string | undefined> {
  const { stderr, exitCode } = await kubectl(['uncordon', name], { reject: false, timeoutMs: 60_000 });
  return exitCode === 0 || saysNotFound(stderr) ? undefined : `could not uncordon node ${name}: ${stderr.trim()}`;
}
