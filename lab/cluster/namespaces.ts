/**
 * Namespaces of the lab's cluster, one way for everyone who makes or removes them (compare, the
 * exercises, the e2e tests): through the lab's kubectl, so what runs is what a learner would type.
 */
import { LabError } from '../base/errors.js';
import { kubectl } from './kubectl.js';

/** Creates the namespace with these labels, or gives an existing one the labels (kubectl apply). */
export async function createNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(Object.keys(labels).length ? { labels } : {}) } });
  const { stderr, exitCode } = await kubectl(['apply', '-f', '-'], { input: manifest, reject: false });
  if (exitCode !== 0) throw new LabError(`could not create namespace ${name}: ${stderr.trim()}`, 'is the cluster up? npx lab status');
}

export interface DeleteNamespaceOptions {
  /** Wait until it is gone (its objects deleted), so it can be made afresh; default true. */
  wait?: boolean;
  timeoutSeconds?: number;
  /** A clean-up that must not fail its caller: a failure is returned, not thrown. */
  bestEffort?: boolean;
}

/** Deletes the namespace (missing is fine); a failure says how to find what holds it. */
export async function deleteNamespace(name: string, opts: DeleteNamespaceOptions = {}): Promise<string | undefined> {
  const { wait = true, timeoutSeconds = 180, bestEffort = false } = opts;
  const { stderr, exitCode } = await kubectl(['delete', 'namespace', name, '--ignore-not-found', `--wait=${wait}`, `--timeout=${timeoutSeconds}s`], {
    reject: false,
    timeoutMs: (timeoutSeconds + 30) * 1000,
  });
  if (exitCode === 0) return undefined;
  const problem = `could not delete namespace ${name}: ${stderr.trim()}`;
  if (bestEffort) return problem;
  throw new LabError(problem, `npx lab kubectl -- get namespace ${name} -o yaml  (look for finalizers)`);
}

/** Deletes the namespace and waits until it is gone, then creates it afresh with these labels. */
export async function recreateNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  await deleteNamespace(name);
  await createNamespace(name, labels);
}
