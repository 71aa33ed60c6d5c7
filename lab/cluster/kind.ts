import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { BadInputError, LabError } from '../base/errors.js';
import { syncKubeconfigFromKind } from './checkout-sync.js';
import { run } from './exec.js';
import { listNodeContainers } from './nodes.js';
import { adminKubeconfigPath, CLUSTER_NAME, kindPath } from './paths.js';

export async function clusterExists(name = CLUSTER_NAME): Promise<boolean> {
  return (await listNodeContainers(name)).length > 0;
}

/** Loads the lab's admin kubeconfig (first refreshed from kind, see checkout-sync.ts), or says how to get a cluster. */
export async function ensureClusterReachable(): Promise<KubeConfig> {
  await syncKubeconfigFromKind();
  if (!existsSync(adminKubeconfigPath())) {
    throw new LabError(`no lab cluster kubeconfig at ${adminKubeconfigPath()}`, 'bring the cluster up: `npx lab up`', 2);
  }
  const kc = new KubeConfig();
  kc.loadFromFile(adminKubeconfigPath());
  return kc;
}

export async function requireKind(): Promise<string> {
  const kind = kindPath();
  const result = await run(kind, ['version'], { reject: false });
  if (result.exitCode !== 0) throw new BadInputError('kind is not available', 'run `npx lab image build` (it builds kind v0.30.0 from Go modules) or install kind v0.30.0');
  return kind;
}
