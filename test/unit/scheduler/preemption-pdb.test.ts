/**
 * DefaultPreemption and PodDisruptionBudgets, with upstream's cases
 * (plugins/defaultpreemption/default_preemption_test.go, TestDryRunPreemption "preemption with
 * violation of ... pdb" and "looks past numCandidates until a non-PDB violating node is found"):
 * victims a PDB protects are reprieved first, the ones that still must go count as violations,
 * and the node with fewer violations wins.
 */
import type { V1Node, V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../../controllers/scheduler/config.js';
import { CycleState } from '../../../controllers/scheduler/framework/cycle-state.js';
import { clusterListers, listOf } from '../../../controllers/scheduler/framework/listers.js';
import { NodeInfo } from '../../../controllers/scheduler/framework/node-info.js';
import { FrameworkRuntime } from '../../../controllers/scheduler/framework/runtime.js';
import { filterPodsWithPDBViolation, selectVictimsOnNode } from '../../../controllers/scheduler/plugins/default-preemption.js';

const res = { medium: { cpu: '200m', memory: '200' }, large: { cpu: '300m', memory: '300' }, veryLarge: { cpu: '500m', memory: '500' } };
const node = (name: string): V1Node => ({ metadata: { name }, spec: {}, status: { allocatable: { ...res.veryLarge, pods: '110' } } });
const pod = (name: string, o: { node?: string; priority: number; req: Record<string, string>; app?: string }): V1Pod => ({
  metadata: { name, namespace: 'default', uid: name, labels: o.app ? { app: o.app } : undefined },
  spec: { nodeName: o.node, priority: o.priority, containers: [{ name: 'c', image: 'pause', resources: { requests: o.req } }] },
});
const pdb = (allowed: number, disrupted: string[] = []): V1PodDisruptionBudget => ({
  metadata: { name: 'pdb', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'foo' } } },
  status: { disruptionsAllowed: allowed, disruptedPods: Object.fromEntries(disrupted.map((n) => [n, new Date(0)])), currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
});
const MID = 100;
const HIGH = 1000;
/** A mid-priority pod labelled app=<app> (null: no labels). */
const mid = (name: string, nodeName = 'node1', app: string | null = 'foo', req = res.medium) => pod(name, { node: nodeName, priority: MID, req, app: app ?? undefined });
const runtime = new FrameworkRuntime(defaultProfile({ binder: { bind: async () => {} } }, 'lab-scheduler'));
const runFilters = (s: CycleState, p: V1Pod, n: NodeInfo) => runtime.runFilterWithNominatedPods(s, p, n);

describe('selectVictimsOnNode with PodDisruptionBudgets (upstream TestDryRunPreemption)', () => {
  it.each([
    { name: 'preemption with violation of same pdb', pods: ['p1.1', 'p1.2'], pdb: pdb(1), violations: 1 },
    { name: "the pdb with pod whose eviction was processed, the victim doesn't belong to DisruptedPods", pods: ['p1.1', 'p1.2'], pdb: pdb(1, ['p2']), violations: 1 },
    { name: 'the pdb with pod whose eviction was processed, the victim belongs to DisruptedPods', pods: ['p1.1', 'p1.2'], pdb: pdb(1, ['p1.2']), violations: 0 },
    { name: "the victim which belongs to DisruptedPods is treated as 'nonViolating'", pods: ['p1.1', 'p1.2', 'p1.3'], pdb: pdb(1, ['p1.3']), violations: 1 },
  ])('$name', async ({ pods, pdb: budget, violations }) => {
    const incoming = pod('p', { priority: HIGH, req: res.veryLarge });
    const info = new NodeInfo(node('node1'), pods.map((n) => ({ pod: mid(n), assumed: false })));
    const state = new CycleState();
    await runtime.runPreFilter(state, incoming, [info]);
    const got = await selectVictimsOnNode(state, incoming, info, runFilters, 0, undefined, [budget]);
    expect(got.status.isSuccess()).toBe(true);
    // Compared by name, as upstream's test does (all are equally important).
    expect(got.victims.map((v) => v.metadata!.name).sort()).toEqual(pods);
    expect(got.numPDBViolations).toBe(violations);
  });

  it('a protected pod that can be reprieved is kept in place of an unprotected one of the same priority', async () => {
    // 2 × 200m on a 500m node, the pod wants 300m: one must go. Without a PDB the first is kept;
    // with a PDB that has no disruptions left for app=foo, the protected one is tried first and kept.
    const incoming = pod('p', { priority: HIGH, req: res.large });
    const info = new NodeInfo(node('node1'), [{ pod: mid('plain', 'node1', null), assumed: false }, { pod: mid('guarded'), assumed: false }]);
    const state = new CycleState();
    await runtime.runPreFilter(state, incoming, [info]);
    const without = await selectVictimsOnNode(state.clone(), incoming, info, runFilters, 0);
    expect(without.victims.map((v) => v.metadata!.name)).toEqual(['guarded']);
    const withPdb = await selectVictimsOnNode(state.clone(), incoming, info, runFilters, 0, undefined, [pdb(0)]);
    expect(withPdb.victims.map((v) => v.metadata!.name)).toEqual(['plain']);
    expect(withPdb.numPDBViolations).toBe(0);
  });
});

describe('filterPodsWithPDBViolation', () => {
  it('spends disruptionsAllowed in order; other namespaces, unlabelled pods and empty selectors never match', () => {
    const other = { ...mid('other-ns'), metadata: { ...mid('other-ns').metadata, namespace: 'x' } };
    const empty: V1PodDisruptionBudget = { ...pdb(0), spec: { selector: {} } };
    const { violating, nonViolating } = filterPodsWithPDBViolation([mid('a'), mid('b'), mid('c', 'node1', null), other], [pdb(1), empty]);
    expect(violating.map((p) => p.metadata!.name)).toEqual(['b']);
    expect(nonViolating.map((p) => p.metadata!.name)).toEqual(['a', 'c', 'other-ns']);
  });
});

describe('the preemption picks the node with fewer PDB violations (upstream: looks past candidates until a non-PDB violating node)', () => {
  it('node1 and node2 hold protected pods, node3 an unprotected one: node3 is nominated', async () => {
    const nodes = ['node1', 'node2', 'node3'].map(node);
    const existing = [mid('p1', 'node1', 'foo', res.large), mid('p2', 'node2', 'foo', res.large), mid('p3', 'node3', null, res.large)];
    const infos = nodes.map((n) => new NodeInfo(n, existing.filter((p) => p.spec!.nodeName === n.metadata!.name).map((p) => ({ pod: p, assumed: false }))));
    const withPdbs = new FrameworkRuntime(defaultProfile({ binder: { bind: async () => {} } }, 'lab-scheduler'), {
      listers: clusterListers({ podDisruptionBudgets: listOf([pdb(0)]) }),
    });
    const result = await withPdbs.scheduleOne(pod('p', { priority: HIGH, req: res.large }), infos);
    expect(result.postFilter?.nominatedNodeName).toBe('node3');
    expect(result.postFilter?.victims?.map((v) => v.metadata!.name)).toEqual(['p3']);
  });
});
