import { syncKubeconfigFromKind } from './checkout-sync.js';
import { run } from './exec.js';
import { kubectl } from './kubectl.js';
import { listNodeContainers, type NodeContainer } from './nodes.js';
import { CLUSTER_NAME } from './paths.js';

export interface NodeHealth {
  name: string;
  role: string;
  container: 'running' | 'stopped';
  ready: boolean | 'unknown';
  kubeletVersion?: string;
}

export interface ClusterHealth {
  exists: boolean;
  healthy: boolean;
  problems: string[];
  nodes: NodeHealth[];
  apiServer: boolean;
  containers: NodeContainer[];
}

interface NodeList {
  items: Array<{
    metadata: { name: string };
    status?: { conditions?: Array<{ type: string; status: string }>; nodeInfo?: { kubeletVersion?: string } };
  }>;
}

/**
 * Looks at the node containers and asks the API server about the nodes; never throws for a sick
 * cluster. First it takes the kubeconfig from kind (`syncKubeconfig`, on by default): another
 * checkout may have recreated the cluster, and this checkout's copy would then name a dead port.
 */
export async function clusterHealth(name = CLUSTER_NAME, opts: { syncKubeconfig?: boolean } = {}): Promise<ClusterHealth> {
  const containers = await listNodeContainers(name);
  if (containers.length === 0) return { exists: false, healthy: false, problems: [], nodes: [], apiServer: false, containers };
  const controlPlaneRunning = containers.some((c) => c.role === 'control-plane' && c.running);
  if (controlPlaneRunning && opts.syncKubeconfig !== false) await syncKubeconfigFromKind(name);
  const problems: string[] = [];
  for (const c of containers) if (!c.running) problems.push(`node container ${c.name} is not running`);
  let nodeList: NodeList | undefined;
  const readyz = await kubectl(['get', '--raw', '/readyz'], { reject: false, timeoutMs: 15_000 });
  const apiServer = readyz.exitCode === 0;
  if (!apiServer) problems.push(`the API server does not answer: ${(readyz.stderr || readyz.stdout).trim().split('\n').pop() ?? ''}`);
  else {
    const result = await kubectl(['get', 'nodes', '-o', 'json'], { reject: false, timeoutMs: 15_000 });
    if (result.exitCode === 0) nodeList = JSON.parse(result.stdout) as NodeList;
  }
  const nodes: NodeHealth[] = containers.map((c) => {
    const node = nodeList?.items.find((n) => n.metadata.name === c.name);
    const readyCondition = node?.status?.conditions?.find((cond) => cond.type === 'Ready');
    const ready = nodeList ? readyCondition?.status === 'True' : ('unknown' as const);
    if (nodeList && !node) problems.push(`node ${c.name} is not registered with the API server`);
    else if (ready === false) problems.push(`node ${c.name} is not Ready`);
    return {
      name: c.name,
      role: c.role,
      container: c.running ? 'running' : 'stopped',
      ready,
      ...(node?.status?.nodeInfo?.kubeletVersion ? { kubeletVersion: node.status.nodeInfo.kubeletVersion } : {}),
    };
  });
  return { exists: true, healthy: problems.length === 0, problems, nodes, apiServer, containers };
}

/** Docker's view of memory use of each node container, in MiB. */
export async function nodeMemoryMiB(names: string[]): Promise<Record<string, number>> {
  if (names.length === 0) return {};
  const { stdout } = await run('docker', ['stats', '--no-stream', '--format', '{{.Name}}\t{{.MemUsage}}', ...names]);
  const out: Record<string, number> = {};
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [name = '', usage = ''] = line.split('\t');
    const match = /([\d.]+)\s*([KMG]i?B)/.exec(usage);
    if (!match) continue;
    const value = Number(match[1]);
    const unit = match[2]!;
    out[name] = unit.startsWith('G') ? value * 1024 : unit.startsWith('K') ? value / 1024 : value;
  }
  return out;
}
