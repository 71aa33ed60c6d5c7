import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBuiltinControllers } from '../../lab/cluster/builtin-controllers.js';
import { workloadDeployment } from '../../lab/cluster/workload-image.js';
import { freshNamespace, kubectl, kubectlJson, lab, startLabRun, waitFor, type LabRunProcess } from './support.js';

/**
 * Issue 15 item 1's end-to-end test: `lab nodes add|remove|list --simulated` on the real cluster.
 * kwok runs in the control-plane node; pods that lab-scheduler binds to simulated nodes reach
 * Running without a kubelet; removing the nodes takes their pods and kwok with them; bad input
 * exits 2 and changes nothing.
 */
const ns = 'e2e-simulated-nodes';

interface List<T> { items: T[] }
interface NodeItem { metadata: { name: string; labels?: Record<string, string> }; status?: { conditions?: Array<{ type: string; status: string }> } }

const nodeNames = async () => (await kubectlJson<List<NodeItem>>(['get', 'nodes'])).items.map((n) => n.metadata.name).sort();
const simulatedNames = async () => (await nodeNames()).filter((n) => /^kwok-node-\d{4,}$/.test(n));
const podsOnSimulatedNodes = async () =>
  (await kubectlJson<List<V1Pod>>(['get', 'pods', '--all-namespaces'])).items.filter((p) => /^kwok-node-\d{4,}$/.test(p.spec?.nodeName ?? ''));
const kwokState = async () => {
  const listed = await lab(['nodes', 'list', '--output', 'json']);
  expect(listed.exitCode, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as { kwok: { installed: boolean; active: boolean } }).kwok;
};

function deployment(name: string, replicas: number): string {
  return JSON.stringify(workloadDeployment({ namespace: ns, name, replicas, schedulerName: 'lab-scheduler', nodeSelector: { type: 'kwok' }, container: { ready: true } }));
}

describe('simulated nodes (kwok)', () => {
  let run: LabRunProcess | undefined;

  beforeAll(async () => {
    // Left behind by an earlier run that crashed: the command under test cleans them up.
    const cleaned = await lab(['nodes', 'remove', '--simulated', 'all']);
    expect(cleaned.exitCode, cleaned.stderr).toBe(0);
    await freshNamespace(ns);
    // Whoever runs Deployments now makes the pods (the built-in controllers, or another lab that
    // leads them); only with neither does this test run the lab's controllers too.
    const builtin = await readBuiltinControllers();
    const leases = await kubectlJson<List<{ metadata: { name: string }; spec: { holderIdentity?: string; renewTime?: string } }>>(['-n', 'k8s-flow-lab', 'get', 'leases']).catch(() => ({ items: [] }));
    const led = (name: string) => leases.items.some((l) => l.metadata.name === name && l.spec.holderIdentity && Date.now() - Date.parse(l.spec.renewTime ?? '') < 15_000);
    run = (builtin.deploymentController && builtin.replicasetController) || (led('deployment-controller') && led('replicaset-controller'))
      ? await startLabRun(['--only', 'scheduler'], ['scheduler'])
      : await startLabRun([], ['deployment-controller', 'replicaset-controller', 'scheduler']);
  });

  afterAll(async () => {
    if (run) await run.stop('SIGTERM');
    await kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false'], { reject: false });
    await lab(['nodes', 'remove', '--simulated', 'all']);
  });

  it('bad input exits 2, says what is wrong, and leaves the cluster as it was', async () => {
    const before = await nodeNames();
    const cases: Array<[string[], RegExp]> = [
      [['nodes', 'add', '--simulated', '0'], /--simulated must be a positive whole number/],
      [['nodes', 'add', '--simulated', 'ten'], /--simulated must be a positive whole number/],
      [['nodes', 'add', '--simulated', '3', '--taints', 'a=b:Sometimes'], /effect "Sometimes" is not one of/],
      [['nodes', 'add', '--simulated', '3', '--labels', 'type=real'], /"type" is set by the lab/],
      [['nodes', 'add', '--simulated', '3', '--zones', 'a,a'], /"a" is given twice/],
      [['nodes', 'add', '--simulated', '3', '--memory', 'lots'], /--memory must be/],
      [['nodes', 'add', '--simulated', '100000000'], /100,000,000 simulated nodes need about [\d,]+ MiB; this machine can give them [\d,]+ MiB/],
      [['nodes', 'remove', '--simulated', '5'], /only 0 simulated node\(s\); cannot remove 5/],
      [['nodes', 'remove', '--simulated', 'some'], /--simulated must be a positive whole number/],
    ];
    for (const [args, message] of cases) {
      const result = await lab(args);
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr, args.join(' ')).toMatch(/fix: /);
    }
    expect(await nodeNames()).toEqual(before);
    expect(await kwokState()).toMatchObject({ installed: false, active: false });
  });

  it('a cluster that is not up is bad input too (exit 2, how to bring it up)', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'lab-no-cluster-'));
    const result = await lab(['nodes', 'list'], { env: { LAB_STATE_DIR: elsewhere, LAB_CLUSTER_NAME: 'no-such-cluster' } });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('the lab cluster is not up');
    expect(result.stderr).toContain('npx lab up');
  });

  it('adds 3 simulated nodes spread over 2 zones; kwok makes them Ready and renews their Leases', async () => {
    const added = await lab(['nodes', 'add', '--simulated', '3', '--zones', 'zone-a,zone-b', '--output', 'json']);
    expect(added.exitCode, added.stderr).toBe(0);
    const result = JSON.parse(added.stdout) as { added: string[]; zones: Record<string, number>; kwok: { active: boolean; rssMiB?: number }; timings: { totalMs: number } };
    expect(result.added).toEqual(['kwok-node-0001', 'kwok-node-0002', 'kwok-node-0003']);
    expect(result.zones).toEqual({ 'zone-a': 2, 'zone-b': 1 });
    expect(result.kwok.active).toBe(true);
    process.stderr.write(`[e2e] 3 simulated nodes added in ${result.timings.totalMs} ms; kwok RSS ${result.kwok.rssMiB} MiB\n`);
    const nodes = (await kubectlJson<List<NodeItem>>(['get', 'nodes', '-l', 'type=kwok'])).items;
    expect(nodes.map((n) => [n.metadata.name, n.metadata.labels?.['topology.kubernetes.io/zone']])).toEqual([
      ['kwok-node-0001', 'zone-a'], ['kwok-node-0002', 'zone-b'], ['kwok-node-0003', 'zone-a'],
    ]);
    expect(nodes.every((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))).toBe(true);
    // kwok holds each node's Lease (as the kubelet would), owned by the node so that it goes with it.
    const leases = (await kubectlJson<List<{ metadata: { name: string; ownerReferences?: Array<{ kind: string; name: string }> }; spec: { holderIdentity?: string } }>>(['-n', 'kube-node-lease', 'get', 'leases'])).items.filter((l) => l.metadata.name.startsWith('kwok-node-'));
    expect(leases.map((l) => l.metadata.name).sort()).toEqual(result.added);
    for (const lease of leases) {
      expect(lease.spec.holderIdentity).toMatch(/^lab-control-plane_/);
      expect(lease.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Node', name: lease.metadata.name })]);
    }
    // No taint unless asked: any pod may land there.
    const taints = await kubectl(['get', 'nodes', '-l', 'type=kwok', '-o', 'jsonpath={.items[*].spec.taints}']);
    expect(taints.stdout.trim()).toBe('');
  });

  it('a Deployment of 6 pods selecting type=kwok: lab-scheduler binds them to the simulated nodes and they reach Running without a kubelet', async () => {
    await kubectl(['apply', '-f', '-'], { input: deployment('sim', 6) });
    const pods = await waitFor('6 pods Running and Ready on simulated nodes', async () => {
      const list = await kubectlJson<List<V1Pod>>(['-n', ns, 'get', 'pods', '-l', 'app=sim']);
      const running = list.items.filter((p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      return running.length === 6 ? running : undefined;
    }, 180_000, 1000);
    const simulated = new Set(await simulatedNames());
    expect(pods.every((p) => simulated.has(p.spec!.nodeName!))).toBe(true);
    expect(new Set(pods.map((p) => p.spec!.nodeName)).size).toBeGreaterThan(1); // spread, not all on one
    expect(pods.every((p) => p.status?.podIP && p.status.containerStatuses?.[0]?.state?.running)).toBe(true);
    // Bound by lab-scheduler (the Scheduled events say who), and no kubelet ever saw them: no Pulled/Started events.
    const events = await kubectlJson<List<{ reason: string; source?: { component?: string }; reportingComponent?: string; involvedObject: { kind: string } }>>(['-n', ns, 'get', 'events']);
    const podEvents = events.items.filter((e) => e.involvedObject.kind === 'Pod');
    const scheduledBy = new Set(podEvents.filter((e) => e.reason === 'Scheduled').map((e) => e.reportingComponent || e.source?.component));
    expect([...scheduledBy]).toEqual(['lab-scheduler']);
    expect(podEvents.filter((e) => ['Pulled', 'Created', 'Started'].includes(e.reason))).toEqual([]);
    const deploymentStatus = await kubectlJson<{ status: { readyReplicas?: number } }>(['-n', ns, 'get', 'deployment', 'sim']);
    expect(deploymentStatus.status.readyReplicas).toBe(6);
  });

  it('lab nodes list shows the real and the simulated nodes, with zones and pods', async () => {
    const listed = await lab(['nodes', 'list']);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/lab-control-plane\s+real\s+yes/);
    expect(listed.stdout).toMatch(/kwok-node-0001\s+simulated\s+yes\s+zone-a/);
    expect(listed.stdout).toMatch(/3 simulated \(zone-a ×2, zone-b ×1\)/);
    expect(listed.stdout).toMatch(/kwok: running in lab-control-plane/);
    // Our 6, and the pod of each DaemonSet that tolerates every taint (kube-proxy, labnet) on each node.
    const json = JSON.parse((await lab(['nodes', 'list', '--output', 'json'])).stdout) as { nodes: Array<{ kind: string; pods: number }> };
    const bound = await podsOnSimulatedNodes();
    expect(bound.filter((p) => p.metadata?.namespace === ns)).toHaveLength(6);
    expect(json.nodes.filter((n) => n.kind === 'simulated').reduce((sum, n) => sum + n.pods, 0)).toBe(bound.length);
  });

  it('removes them with their pods; with none left kwok goes too', async () => {
    const boundBefore = (await podsOnSimulatedNodes()).length;
    const removed = await lab(['nodes', 'remove', '--simulated', 'all', '--output', 'json']);
    expect(removed.exitCode, removed.stderr).toBe(0);
    const result = JSON.parse(removed.stdout) as { removed: string[]; podsDeleted: number; simulatedLeft: number; kwokRemoved: boolean };
    expect(result.removed.sort()).toEqual(['kwok-node-0001', 'kwok-node-0002', 'kwok-node-0003']);
    expect(result.podsDeleted).toBeGreaterThanOrEqual(boundBefore); // DaemonSet pods may have come since
    expect(await podsOnSimulatedNodes()).toEqual([]);
    expect(result).toMatchObject({ simulatedLeft: 0, kwokRemoved: true });
    expect(await simulatedNames()).toEqual([]);
    expect(await kwokState()).toMatchObject({ installed: false, active: false });
    await waitFor('their Leases garbage-collected', async () => {
      const leases = await kubectlJson<List<{ metadata: { name: string } }>>(['-n', 'kube-node-lease', 'get', 'leases']);
      return leases.items.every((l) => !l.metadata.name.startsWith('kwok-node-'));
    }, 60_000);
    // Their replacements have nowhere to go: pending, not on a node that is gone.
    const pods = await kubectlJson<List<V1Pod>>(['-n', ns, 'get', 'pods', '-l', 'app=sim']);
    expect(pods.items.every((p) => !p.spec?.nodeName || !/^kwok-node-/.test(p.spec.nodeName))).toBe(true);
  });
});
