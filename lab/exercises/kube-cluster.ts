/** ClusterPort through the lab's kubectl (JSON output) and the cluster layer. */
import { LabError } from '../base/errors.js';
import { readBuiltinControllers } from '../cluster/builtin-controllers.js';
import { kubectl } from '../cluster/kubectl.js';
import type { ClusterPort } from './ports.js';
import { emptyObjects, SNAPSHOT_KINDS, type KubeObject, type SnapshotKind } from './snapshot.js';

async function kubectlJson(args: string[]): Promise<{ items?: KubeObject[] }> {
  const { stdout, stderr, exitCode } = await kubectl([...args, '-o', 'json'], { reject: false });
  if (exitCode !== 0) throw new LabError(`kubectl ${args.join(' ')} failed: ${stderr.trim()}`, 'is the cluster up? npx lab status');
  return JSON.parse(stdout) as { items?: KubeObject[] };
}

export class KubectlCluster implements ClusterPort {
  async ensureNamespace(namespace: string, exerciseId: string): Promise<void> {
    const manifest = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { 'k8s-flow-lab/exercise': exerciseId } },
    });
    const { stderr, exitCode } = await kubectl(['apply', '-f', '-'], { input: manifest, reject: false });
    if (exitCode !== 0) throw new LabError(`could not create namespace ${namespace}: ${stderr.trim()}`, 'is the cluster up? npx lab status');
  }

  async deleteNamespace(namespace: string): Promise<void> {
    const { stderr, exitCode } = await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=true', '--timeout=180s'], { reject: false });
    if (exitCode !== 0) throw new LabError(`could not delete namespace ${namespace}: ${stderr.trim()}`, `kubectl get namespace ${namespace} -o yaml  (look for finalizers)`);
  }

  async objects(namespace: string): Promise<Record<SnapshotKind, KubeObject[]>> {
    const objects = emptyObjects();
    const [namespaced, nodes] = await Promise.all([
      kubectlJson(['get', 'deployments.apps,replicasets.apps,pods,events', '-n', namespace]),
      kubectlJson(['get', 'nodes']),
    ]);
    for (const item of [...(namespaced.items ?? []), ...(nodes.items ?? [])]) {
      const kind = item.kind as SnapshotKind | undefined;
      if (kind && (SNAPSHOT_KINDS as readonly string[]).includes(kind)) objects[kind].push(item);
    }
    return objects;
  }

  async builtinControllersEnabled(): Promise<boolean | undefined> {
    try {
      const state = await readBuiltinControllers();
      return state.deploymentController && state.replicasetController;
    } catch {
      return undefined;
    }
  }
}
