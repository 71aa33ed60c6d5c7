import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { BadInputError } from '../../../lab/base/errors.js';
import { kwokConfigYaml, labStages, NODE_LEASE_DURATION_SECONDS } from '../../../lab/cluster/simulated-nodes/kwok-config.js';
import { kwokUnit, parseKwokShow } from '../../../lab/cluster/simulated-nodes/kwok-process.js';
import { batches, nextIndexes, nodeManifest, nodeManifests, nodesToRemove, zoneOf } from '../../../lab/cluster/simulated-nodes/manifests.js';
import { checkMemory, estimateMiB, MEASURED, requireMemory } from '../../../lab/cluster/simulated-nodes/memory.js';
import { isSimulatedNode, nodeRows, taintText, zoneCounts, type NodeObject } from '../../../lab/cluster/simulated-nodes/node-table.js';
import { parseAddOptions } from '../../../lab/cluster/simulated-nodes/options.js';

const spec = (extra: Parameters<typeof parseAddOptions>[0] = {}) => parseAddOptions({ simulated: '3', ...extra });

describe('nextIndexes', () => {
  it('starts at 1 in a cluster without simulated nodes', () => {
    expect(nextIndexes(['lab-control-plane', 'lab-worker', 'lab-worker2'], 3)).toEqual([1, 2, 3]);
  });

  it('continues after the highest in use (never reusing a name, even past a gap)', () => {
    expect(nextIndexes(['lab-worker', 'kwok-node-0001', 'kwok-node-0004'], 2)).toEqual([5, 6]);
  });

  it('zero nodes is an empty list', () => {
    expect(nextIndexes([], 0)).toEqual([]);
  });
});

describe('zoneOf', () => {
  it('round-robin by node number', () => {
    expect([1, 2, 3, 4, 5].map((i) => zoneOf(i, ['a', 'b']))).toEqual(['a', 'b', 'a', 'b', 'a']);
    expect([1, 2, 3, 4].map((i) => zoneOf(i, ['a', 'b', 'c']))).toEqual(['a', 'b', 'c', 'a']);
  });

  it('no zones, no zone', () => {
    expect(zoneOf(1, [])).toBeUndefined();
  });

  it('a second batch keeps the spread even', () => {
    const first = nodeManifests(spec({ simulated: '3', zones: 'a,b' }), [], 'v0.8.0');
    const second = nodeManifests(spec({ simulated: '3', zones: 'a,b' }), first.map((m) => m.metadata.name), 'v0.8.0');
    const zones = [...first, ...second].map((m) => m.metadata.labels['topology.kubernetes.io/zone']);
    expect(zones.filter((z) => z === 'a')).toHaveLength(3);
    expect(zones.filter((z) => z === 'b')).toHaveLength(3);
  });
});

describe('nodeManifest', () => {
  it('names, labels and annotates the node so kwok manages it and the lab finds it', () => {
    const node = nodeManifest(7, spec({ zones: 'a,b', labels: 'disk=ssd' }), 'v0.8.0');
    expect(node.metadata.name).toBe('kwok-node-0007');
    expect(node.metadata.labels).toMatchObject({ type: 'kwok', 'kubernetes.io/hostname': 'kwok-node-0007', 'topology.kubernetes.io/zone': 'a', disk: 'ssd' });
    expect(node.metadata.annotations).toEqual({ 'kwok.x-k8s.io/node': 'fake' });
  });

  it('capacity and allocatable are the options', () => {
    const node = nodeManifest(1, spec({ cpu: '8', memory: '32Gi', pods: '50' }), 'v0.8.0');
    expect(node.status.capacity).toEqual({ cpu: '8', memory: '32Gi', pods: '50' });
    expect(node.status.allocatable).toEqual({ cpu: '8', memory: '32Gi', pods: '50' });
    expect(node.status.nodeInfo.kubeletVersion).toBe('kwok-v0.8.0');
  });

  it('no taint unless asked, so that any pod may land there', () => {
    expect(nodeManifest(1, spec(), 'v0.8.0').spec).toEqual({});
    expect(nodeManifest(1, spec({ taints: 'kwok.x-k8s.io/node=fake:NoSchedule' }), 'v0.8.0').spec.taints).toEqual([{ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' }]);
  });

  it('no zone label without --zones', () => {
    expect(nodeManifest(1, spec(), 'v0.8.0').metadata.labels).not.toHaveProperty(['topology.kubernetes.io/zone']);
  });

  it('nodeManifests makes count nodes after the existing ones', () => {
    expect(nodeManifests(spec({ simulated: '2' }), ['kwok-node-0009'], 'v0.8.0').map((m) => m.metadata.name)).toEqual(['kwok-node-0010', 'kwok-node-0011']);
  });
});

describe('nodesToRemove', () => {
  const names = ['lab-worker', 'kwok-node-0002', 'kwok-node-0010', 'kwok-node-0001', 'lab-control-plane'];
  it('the newest first, never a real node', () => {
    expect(nodesToRemove(names, 2)).toEqual(['kwok-node-0010', 'kwok-node-0002']);
    expect(nodesToRemove(names, 'all')).toEqual(['kwok-node-0010', 'kwok-node-0002', 'kwok-node-0001']);
    expect(nodesToRemove(['lab-worker'], 'all')).toEqual([]);
  });
});

describe('batches', () => {
  it('cuts a list into consecutive groups, the last one shorter', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batches([1, 2], 25)).toEqual([[1, 2]]);
    expect(batches([], 25)).toEqual([]);
    expect(batches(Array.from({ length: 100 }, (_, i) => i), 25).map((b) => b.length)).toEqual([25, 25, 25, 25]);
  });

  it('a size below 1 counts as 1 (never an endless loop)', () => {
    expect(batches(['a', 'b'], 0)).toEqual([['a'], ['b']]);
  });
});

describe('memory', () => {
  it('the estimate grows with N, and counts kwok\'s base only when kwok is not running', () => {
    expect(estimateMiB(100, true)).toBeCloseTo(100 * MEASURED.perNodeMiB);
    expect(estimateMiB(100, false)).toBeCloseTo(MEASURED.kwokBaseMiB + 100 * MEASURED.perNodeMiB);
    expect(estimateMiB(1000, true)).toBeGreaterThan(estimateMiB(100, true));
  });

  it('fits when the estimate is within available less the reserve', () => {
    const costs = { kwokBaseMiB: 40, perNodeMiB: 1, reserveMiB: 1000 };
    expect(checkMemory(100, 2000, true, costs)).toMatchObject({ ok: true, estimateMiB: 100, limitMiB: 1000, maxNodes: 1000 });
    expect(checkMemory(1000, 2000, true, costs).ok).toBe(true);
    expect(checkMemory(1001, 2000, true, costs).ok).toBe(false);
    expect(checkMemory(961, 2000, false, costs)).toMatchObject({ ok: false, maxNodes: 960 });
  });

  it('less memory than the reserve leaves room for none', () => {
    expect(checkMemory(1, 500, true)).toMatchObject({ ok: false, limitMiB: 0, maxNodes: 0 });
  });

  it('a refusal states the estimate, the limit and how many would fit', () => {
    const check = checkMemory(1_000_000, 8192, true);
    expect(() => requireMemory(check)).toThrow(BadInputError);
    try {
      requireMemory(check);
    } catch (error) {
      const e = error as BadInputError;
      expect(e.exitCode).toBe(2);
      expect(e.message).toContain(`1,000,000 simulated nodes need about ${Math.round(1_000_000 * MEASURED.perNodeMiB).toLocaleString('en-US')} MiB`);
      expect(e.message).toContain(`can give them ${(8192 - MEASURED.reserveMiB).toLocaleString('en-US')} MiB`);
      expect(e.fix).toContain(`add at most ${Math.floor((8192 - MEASURED.reserveMiB) / MEASURED.perNodeMiB).toLocaleString('en-US')}`);
    }
    expect(() => requireMemory(checkMemory(10, 8192, true))).not.toThrow();
  });
});

describe('kwok configuration', () => {
  const docs = parseAllDocuments(kwokConfigYaml()).map((d) => d.toJS() as { kind: string; metadata?: { name: string }; options?: Record<string, unknown>; spec?: any });

  it('manages only the nodes the lab annotates, with a Lease kwok renews', () => {
    const config = docs.find((d) => d.kind === 'KwokConfiguration')!;
    expect(config.options).toMatchObject({ manageAllNodes: false, manageNodesWithAnnotationSelector: 'kwok.x-k8s.io/node=fake', nodeLeaseDurationSeconds: NODE_LEASE_DURATION_SECONDS });
    // Renewed every duration/4: inside the node monitor grace period (50 s).
    expect(NODE_LEASE_DURATION_SECONDS / 4).toBeLessThan(50);
  });

  it('has a node stage and pod stages (kwok refuses to start without them)', () => {
    const stages = docs.filter((d) => d.kind === 'Stage');
    expect(stages.map((s) => `${s.spec.resourceRef.kind}/${s.metadata!.name}`)).toEqual(['Node/lab-node-ready', 'Pod/lab-pod-running', 'Pod/lab-pod-delete']);
    expect(stages.length).toBe(labStages().length);
  });

  it('a pod becomes Running only when bound, Pending and not being deleted; one being deleted is deleted', () => {
    const [, running, del] = labStages();
    expect(running!.spec.selector.matchExpressions).toEqual([
      { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
      { key: '.spec.nodeName', operator: 'Exists' },
      { key: '.status.phase', operator: 'In', values: ['Pending'] },
    ]);
    expect(del!.spec.steps).toEqual([{ delete: true }]);
  });

  it('the templates render YAML status with Ready conditions (checked with the Go template actions taken out)', () => {
    const [node, running] = labStages();
    const strip = (t: string) => t.replace(/^\s*\{\{[^}]*\}\}\s*$/gm, '').replace(/\{\{[^}]*\}\}/g, '"x"');
    const nodeStatus = parse(strip((node!.spec.steps[0] as any).patch.template));
    expect(nodeStatus.phase).toBe('Running');
    expect(nodeStatus.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
    expect(nodeStatus.conditions.filter((c: any) => c.status === 'False').map((c: any) => c.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable']);
    const podStatus = parse(strip((running!.spec.steps[0] as any).patch.template));
    expect(podStatus.phase).toBe('Running');
    expect(podStatus.conditions.map((c: any) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready']);
    expect(podStatus.containerStatuses[0].state.running).toBeDefined();
  });
});

describe('the kwok unit and its status', () => {
  it('systemd restarts it for ever and starts it at boot', () => {
    const unit = kwokUnit();
    expect(unit).toContain('Restart=always');
    expect(unit).toContain('StartLimitIntervalSec=0');
    expect(unit).toContain('WantedBy=multi-user.target');
    expect(unit).toContain('--kubeconfig=/etc/kubernetes/admin.conf --config=/etc/kwok/lab-kwok.yaml');
  });

  it('reads systemctl show and VmRSS', () => {
    expect(parseKwokShow('ActiveState=active\nMainPID=1234\nNRestarts=2\n', 'VmRSS:\t   51200 kB')).toEqual({ active: true, pid: 1234, rssMiB: 50, restarts: 2 });
    expect(parseKwokShow('ActiveState=inactive\nMainPID=0\nNRestarts=0\n', '')).toEqual({ active: false, restarts: 0 });
    expect(parseKwokShow('ActiveState=activating\nMainPID=0\n', '')).toEqual({ active: false });
  });
});

describe('nodeRows', () => {
  const node = (name: string, labels: Record<string, string>, ready = true, extra: Partial<NodeObject> = {}): NodeObject => ({
    metadata: { name, labels },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], allocatable: { cpu: '32', memory: '256Gi', pods: '110' } },
    ...extra,
  });
  const nodes = [
    node('kwok-node-0002', { type: 'kwok', 'topology.kubernetes.io/zone': 'b' }),
    node('lab-worker', {}),
    node('kwok-node-0001', { type: 'kwok', 'topology.kubernetes.io/zone': 'a' }, false, { spec: { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] } }),
    node('kwok-node-0003', { type: 'real' }),
  ];
  const pods = [
    { metadata: { name: 'p1' }, spec: { nodeName: 'kwok-node-0001' }, status: { phase: 'Running' } },
    { metadata: { name: 'p2' }, spec: { nodeName: 'kwok-node-0001' }, status: { phase: 'Succeeded' } },
    { metadata: { name: 'p3' }, spec: { nodeName: 'lab-worker' }, status: { phase: 'Pending' } },
    { metadata: { name: 'p4' }, spec: {}, status: { phase: 'Pending' } },
  ];

  it('real first, then simulated; a kwok-named node without the label is not the lab\'s', () => {
    const rows = nodeRows(nodes, pods);
    expect(rows.map((r) => `${r.name}:${r.kind}`)).toEqual(['kwok-node-0003:real', 'lab-worker:real', 'kwok-node-0001:simulated', 'kwok-node-0002:simulated']);
    expect(isSimulatedNode(nodes[3]!)).toBe(false);
  });

  it('counts pods that have not finished, reads zone, readiness and taints', () => {
    const byName = Object.fromEntries(nodeRows(nodes, pods).map((r) => [r.name, r]));
    expect(byName['kwok-node-0001']).toMatchObject({ pods: 1, ready: false, zone: 'a', taints: ['k=v:NoSchedule'], cpu: '32', maxPods: '110' });
    expect(byName['lab-worker']).toMatchObject({ pods: 1, ready: true });
    expect(byName['kwok-node-0002']!.pods).toBe(0);
    expect(zoneCounts(nodeRows(nodes, pods))).toEqual({ '(none)': 2, a: 1, b: 1 });
    expect(taintText({ key: 'a', effect: 'NoExecute' })).toBe('a:NoExecute');
  });
});
