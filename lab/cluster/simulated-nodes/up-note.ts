/**
 * What `lab up` says about simulated nodes when it reuses a cluster. (It needs to do nothing about
 * them when it creates one: kwok lives in the control-plane node and the nodes in that cluster's
 * etcd, so `lab up --recreate` and `lab down` remove both with the cluster.)
 */
import { kubectlJson } from '../kubectl.js';
import { kwokStatus } from './kwok-process.js';
import { isSimulatedNode, type NodeObject } from './node-table.js';
import { SIMULATED_LABEL } from './options.js';

export async function simulatedNodesNote(): Promise<string | undefined> {
  const nodes = (await kubectlJson<{ items: NodeObject[] }>(['get', 'nodes', '-l', `${SIMULATED_LABEL.key}=${SIMULATED_LABEL.value}`])).items.filter(isSimulatedNode);
  if (nodes.length === 0) return undefined;
  const kwok = await kwokStatus();
  return kwok.active
    ? `${nodes.length} simulated node(s), kwok running in ${kwok.node} (npx lab nodes list)`
    : `${nodes.length} simulated node(s) but kwok is not running in ${kwok.node}: they go NotReady; remove them with \`npx lab nodes remove --simulated all\``;
}
