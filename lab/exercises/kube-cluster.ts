/** ClusterPort through the lab's kubectl (JSON output) and the cluster layer. */
import { readBuiltinControllers } from '../cluster/builtin-controllers.js';
import { kubectlJson as kubectlJsonOf } from '../cluster/kubectl.js';
import { createNamespace, deleteNamespace } from '../cluster/namespaces.js';
import type { ClusterPort } from './ports.js';
import { emptyObjects, SNAPSHOT_KINDS, type KubeObject, type SnapshotKind } from './snapshot.js';

const kubectlJson = (args: string[]) => kubectlJsonOf<{ items?: KubeObject[] }>(args);

export class KubectlCluster implements ClusterPort {
  async ensureNamespace(namespace: string, exerciseId: string): Promise<void> {
    await createNamespace(namespace, { 'k8s-flow-lab/exercise': exerciseId });
  }

  async deleteNamespace(namespace: string): Promise<void> {
    await deleteNamespace(namespace);
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
