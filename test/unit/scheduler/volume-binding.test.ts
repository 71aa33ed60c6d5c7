/**
 * VolumeBinding with upstream's cases: PreFilter/Filter from volumebinding/volume_binding_test.go
 * (TestVolumeBinding, the cases without capacity scoring), FindPodVolumes from binder_test.go
 * (TestFindPodVolumesWithoutProvisioning / WithProvisioning, on node1 as there), assume and
 * revert (TestAssumePodVolumes, TestRevertAssumedPodVolumes), checkBindings (TestCheckBindings),
 * PreBind's writes and wait (TestBindPodVolumes), and the queueing hints.
 */
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { CycleState } from '../../../controllers/scheduler/framework/cycle-state.js';
import type { PreBindPlugin } from '../../../controllers/scheduler/framework/interfaces.js';
import { buildProfile } from '../../../controllers/scheduler/framework/profile.js';
import { defaultProfile, parseSchedulerConfigText, profileFromConfig } from '../../../controllers/scheduler/config.js';
import { FrameworkRuntime } from '../../../controllers/scheduler/framework/runtime.js';
import { createDefaultBinder } from '../../../controllers/scheduler/plugins/default-binder.js';
import { PrioritySort } from '../../../controllers/scheduler/plugins/priority-sort.js';
import type { VolumeClient } from '../../../controllers/scheduler/framework/listers.js';
import { asStatus, Code, type Status } from '../../../controllers/scheduler/framework/status.js';
import {
  checkBindings,
  ERR_REASON_BIND_CONFLICT,
  ERR_REASON_NODE_CONFLICT,
  ERR_REASON_PV_NOT_EXIST,
  type PodVolumes,
} from '../../../controllers/scheduler/plugins/volume-binding-plan.js';
import { claimChangeMayHelp, createVolumeBinding, storageClassChangeMayHelp, volumeBindingStateOf, type VolumeBindingPlugin } from '../../../controllers/scheduler/plugins/volume-binding.js';
import {
  IMMEDIATE_CLASS,
  labelledNode,
  node1,
  node2,
  NODE_LABEL_KEY,
  podWithClaims,
  pv,
  pvc,
  TOPO_MISMATCH_CLASS,
  VolumeWorld,
  WAIT_CLASS,
  WAIT_CLASS_WITH_PROVISIONER,
} from './volume-fixtures.js';
import { E, S, UU } from './upstream-fixtures.js';
import { nodeInfo } from './fixtures.js';


// binder_test.go's fixtures
const unboundPVC = pvc('unbound-pvc', '1G', 'unbound');
const unboundPVC2 = pvc('unbound-pvc2', '5G', 'unbound');
const preboundPVC = pvc('prebound-pvc', '1G', 'prebound', 'pv-node1a');
const boundPVC = pvc('bound-pvc', '1G', 'bound', 'pv-bound');
const immediateUnboundPVC = pvc('immediate-unbound-pvc', '1G', 'unbound', '', IMMEDIATE_CLASS);
const immediateBoundPVC = pvc('immediate-bound-pvc', '1G', 'bound', 'pv-bound-immediate', IMMEDIATE_CLASS);
const provisionedPVC = pvc('provisioned-pvc', '1Gi', 'unbound', '', WAIT_CLASS_WITH_PROVISIONER);
const noProvisionerPVC = pvc('no-provisioner-pvc', '1Gi', 'unbound', '', WAIT_CLASS);
const topoMismatchPVC = pvc('topo-mismatch-pvc', '1Gi', 'unbound', '', TOPO_MISMATCH_CLASS);
const selectedNodePVC = pvc('provisioned-pvc', '1Gi', { selectedNode: 'node1' }, '', WAIT_CLASS_WITH_PROVISIONER);
const pvNode1a = pv('pv-node1a', 'node1', '5G', '1', undefined, WAIT_CLASS);
const pvNode1b = pv('pv-node1b', 'node1', '10G', '1', undefined, WAIT_CLASS);
const pvNode2 = pv('pv-node2', 'node2', '1G', '1', undefined, WAIT_CLASS);
const pvBound = pv('pv-bound', 'node1', '1G', '1', boundPVC, WAIT_CLASS);
const pvNode1aBound = pv('pv-node1a', 'node1', '5G', '1', unboundPVC, WAIT_CLASS);
const pvBoundImmediate = pv('pv-bound-immediate', 'node1', '1G', '1', immediateBoundPVC, IMMEDIATE_CLASS);
const pvBoundImmediateNode2 = pv('pv-bound-immediate', 'node2', '1G', '1', immediateBoundPVC, IMMEDIATE_CLASS);

const names = (claims: readonly V1PersistentVolumeClaim[]) => claims.map((c) => c.metadata!.name!);

/** PreFilter then (if it did not stop the pod) Filter on each node: upstream's TestVolumeBinding loop. */
async function run(plugin: VolumeBindingPlugin, state: CycleState, pod: V1Pod, nodes = [node1]) {
  const pre = asStatus((await plugin.preFilter(state, pod, [])) as Status | undefined);
  if (!pre.isSuccess()) return { pre, filter: [] as Status[] };
  const filter = await Promise.all(nodes.map(async (n) => asStatus((await plugin.filter(state, pod, nodeInfo(n))) as Status | undefined)));
  return { pre, filter };
}

/** A pod `p` using `claims`, through PreFilter, Filter and Reserve on node1. */
async function reserved(world: VolumeWorld, claims: string[], client?: VolumeClient, deps: Parameters<typeof createVolumeBinding>[1] = {}, args = {}) {
  const plugin = createVolumeBinding(args, deps);
  const pod = podWithClaims('p', claims);
  const state = world.state(client);
  await run(plugin, state, pod);
  await plugin.reserve(state, pod, 'node1');
  return { plugin, pod, state };
}

describe('VolumeBinding PreFilter/Filter (upstream TestVolumeBinding)', () => {
  const nodeFooBarbar = labelledNode('node-a', { foo: 'barbar' });
  const pvAFooBar: V1PersistentVolume = {
    ...pv('pv-a', '', '1G', '1', undefined, WAIT_CLASS),
    spec: { ...pv('pv-a', '', '1G', '1', undefined, WAIT_CLASS).spec, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar'] }] }] } } },
  };
  const cases: Array<{ name: string; pod: V1Pod; pvcs: V1PersistentVolumeClaim[]; pvs?: V1PersistentVolume[]; node?: typeof node1; pre: [Code, string?]; filter?: [Code, ...string[]] }> = [
    { name: 'pod has not pvcs', pod: podWithClaims('pod-a', []), pvcs: [], pre: [Code.Skip] },
    { name: 'all bound', pod: podWithClaims('pod-a', ['pvc-a']), pvcs: [pvc('pvc-a', '1G', 'bound', 'pv-a')], pvs: [pv('pv-a', '', '1G', '1', undefined, WAIT_CLASS)], pre: [S], filter: [S] },
    { name: 'PVC does not exist', pod: podWithClaims('pod-a', ['pvc-a']), pvcs: [], pre: [UU, 'persistentvolumeclaim "pvc-a" not found'] },
    { name: 'Part of PVCs do not exist', pod: podWithClaims('pod-a', ['pvc-a', 'pvc-b']), pvcs: [pvc('pvc-a', '1G', 'bound', 'pv-a')], pre: [UU, 'persistentvolumeclaim "pvc-b" not found'] },
    { name: 'immediate claims not bound', pod: podWithClaims('pod-a', ['pvc-a']), pvcs: [pvc('pvc-a', '1G', 'unbound', '', IMMEDIATE_CLASS)], pre: [UU, 'pod has unbound immediate PersistentVolumeClaims'] },
    { name: 'unbound claims no matches', pod: podWithClaims('pod-a', ['pvc-a']), pvcs: [pvc('pvc-a', '1G', 'unbound')], pre: [S], filter: [UU, ERR_REASON_BIND_CONFLICT] },
    {
      name: 'bound and unbound unsatisfied',
      pod: podWithClaims('pod-a', ['pvc-a', 'pvc-b']),
      pvcs: [pvc('pvc-a', '1G', 'bound', 'pv-a'), pvc('pvc-b', '1G', 'unbound')],
      pvs: [pvAFooBar],
      node: nodeFooBarbar,
      pre: [S],
      filter: [UU, ERR_REASON_NODE_CONFLICT, ERR_REASON_BIND_CONFLICT],
    },
    { name: 'pv not found', pod: podWithClaims('pod-a', ['pvc-a']), pvcs: [pvc('pvc-a', '1G', 'bound', 'pv-a')], pre: [S], filter: [UU, ERR_REASON_PV_NOT_EXIST] },
    {
      name: 'pv not found claim lost',
      pod: podWithClaims('pod-a', ['pvc-a']),
      pvcs: [{ ...pvc('pvc-a', '1G', 'bound', 'pv-a'), status: { phase: 'Lost' } }],
      pre: [UU, 'persistentvolumeclaim "pvc-a" bound to non-existent persistentvolume "pv-a"'],
    },
  ];
  it.each(cases)('$name', async (c) => {
    const plugin = createVolumeBinding();
    const { pre, filter } = await run(plugin, new VolumeWorld(c.pvcs, c.pvs ?? []).state(), c.pod, [c.node ?? node1]);
    expect([pre.code, ...pre.reasons]).toEqual(c.pre);
    if (c.filter) expect([filter[0]!.code, ...filter[0]!.reasons]).toEqual(c.filter);
    else expect(filter).toEqual([]);
  });

  it('PreScore skips: capacity scoring is behind a feature gate that is off (upstream wantPreScoreStatus Skip)', async () => {
    const plugin = createVolumeBinding();
    expect(asStatus((await plugin.preScore(new VolumeWorld().state(), podWithClaims('p', []), [])) as Status).code).toBe(Code.Skip);
  });
});

describe('VolumeBinding FindPodVolumes on node1 (upstream binder_test.go)', () => {
  interface Case {
    name: string;
    podPVCs: V1PersistentVolumeClaim[];
    pvs?: V1PersistentVolume[];
    bindings?: Array<[string, string]>;
    provisions?: string[];
    reasons?: string[];
    shouldFail?: boolean;
  }
  const cases: Case[] = [
    // TestFindPodVolumesWithoutProvisioning
    { name: 'bound-pvc', podPVCs: [boundPVC], pvs: [pvBound] },
    { name: 'bound-pvc,pv-not-exists', podPVCs: [boundPVC], reasons: [ERR_REASON_PV_NOT_EXIST] },
    { name: 'prebound-pvc', podPVCs: [preboundPVC], pvs: [pvNode1aBound], shouldFail: true },
    { name: 'unbound-pvc,pv-same-node', podPVCs: [unboundPVC], pvs: [pvNode2, pvNode1a, pvNode1b], bindings: [['unbound-pvc', 'pv-node1a']] },
    { name: 'unbound-pvc,pv-different-node', podPVCs: [unboundPVC], pvs: [pvNode2], reasons: [ERR_REASON_BIND_CONFLICT] },
    { name: 'two-unbound-pvcs', podPVCs: [unboundPVC, unboundPVC2], pvs: [pvNode1a, pvNode1b], bindings: [['unbound-pvc', 'pv-node1a'], ['unbound-pvc2', 'pv-node1b']] },
    { name: 'two-unbound-pvcs,order-by-size', podPVCs: [unboundPVC2, unboundPVC], pvs: [pvNode1a, pvNode1b], bindings: [['unbound-pvc', 'pv-node1a'], ['unbound-pvc2', 'pv-node1b']] },
    { name: 'two-unbound-pvcs,partial-match', podPVCs: [unboundPVC, unboundPVC2], pvs: [pvNode1a], bindings: [['unbound-pvc', 'pv-node1a']], reasons: [ERR_REASON_BIND_CONFLICT] },
    { name: 'one-bound,one-unbound', podPVCs: [unboundPVC, boundPVC], pvs: [pvBound, pvNode1a], bindings: [['unbound-pvc', 'pv-node1a']] },
    { name: 'one-bound,one-unbound,no-match', podPVCs: [unboundPVC, boundPVC], pvs: [pvBound, pvNode2], reasons: [ERR_REASON_BIND_CONFLICT] },
    { name: 'one-prebound,one-unbound', podPVCs: [unboundPVC, preboundPVC], pvs: [pvNode1a, pvNode1b], shouldFail: true },
    { name: 'immediate-bound-pvc', podPVCs: [immediateBoundPVC], pvs: [pvBoundImmediate] },
    { name: 'immediate-bound-pvc-wrong-node', podPVCs: [immediateBoundPVC], pvs: [pvBoundImmediateNode2], reasons: [ERR_REASON_NODE_CONFLICT] },
    { name: 'immediate-unbound-pvc', podPVCs: [immediateUnboundPVC], shouldFail: true },
    { name: 'immediate-unbound-pvc,delayed-mode-bound', podPVCs: [immediateUnboundPVC, boundPVC], pvs: [pvBound], shouldFail: true },
    { name: 'immediate-unbound-pvc,delayed-mode-unbound', podPVCs: [immediateUnboundPVC, unboundPVC], shouldFail: true },
    // TestFindPodVolumesWithProvisioning (CSIStorageCapacity is not modelled: every driver has room)
    { name: 'one-provisioned', podPVCs: [provisionedPVC], provisions: ['provisioned-pvc'] },
    { name: 'two-unbound-pvcs,one-matched,one-provisioned', podPVCs: [unboundPVC, provisionedPVC], pvs: [pvNode1a], bindings: [['unbound-pvc', 'pv-node1a']], provisions: ['provisioned-pvc'] },
    { name: 'one-bound,one-provisioned', podPVCs: [boundPVC, provisionedPVC], pvs: [pvBound], provisions: ['provisioned-pvc'] },
    { name: 'one-binding,one-selected-node', podPVCs: [boundPVC, selectedNodePVC], pvs: [pvBound], provisions: ['provisioned-pvc'] },
    { name: 'one-immediate-bound,one-provisioned', podPVCs: [immediateBoundPVC, provisionedPVC], pvs: [pvBoundImmediate], provisions: ['provisioned-pvc'] },
    { name: 'invalid-provisioner', podPVCs: [noProvisionerPVC], reasons: [ERR_REASON_BIND_CONFLICT] },
    { name: 'volume-topology-unsatisfied', podPVCs: [topoMismatchPVC], reasons: [ERR_REASON_BIND_CONFLICT] },
  ];
  it.each(cases)('$name', async (c) => {
    const plugin = createVolumeBinding();
    const state = new VolumeWorld(c.podPVCs, c.pvs ?? []).state();
    const pod = podWithClaims('test-pod', names(c.podPVCs));
    const { pre, filter } = await run(plugin, state, pod);
    if (c.shouldFail) {
      expect(pre.isSuccess() && filter[0]!.isSuccess()).toBe(false);
      return;
    }
    expect(pre.code).toBe(S);
    expect(filter[0]!.reasons).toEqual(c.reasons ?? []);
    expect(filter[0]!.code).toBe(c.reasons ? UU : S);
    if (c.reasons) return;
    // Reserve exposes what Filter chose for node1, in its assumed form.
    await plugin.reserve(state, pod, 'node1');
    const assumed = plugin.cache.assumed();
    expect(assumed.pvs.sort()).toEqual((c.bindings ?? []).map(([, p]) => p).sort());
    expect(assumed.pvcs).toEqual((c.provisions ?? []).map((n) => `testns/${n}`));
  });

  it('a claim already being provisioned for another node rules this node out (the selected-node fast path)', async () => {
    const plugin = createVolumeBinding();
    const claim = pvc('provisioned-pvc', '1Gi', { selectedNode: 'node2' }, '', WAIT_CLASS_WITH_PROVISIONER);
    const { filter } = await run(plugin, new VolumeWorld([claim]).state(), podWithClaims('p', ['provisioned-pvc']), [node1, node2]);
    expect(filter.map((s) => [s.code, ...s.reasons])).toEqual([[UU, ERR_REASON_BIND_CONFLICT], [S]]);
  });

  it('picks the smallest PV that fits, respects access modes and the claim selector', async () => {
    const rwx = pvc('c', '1G', 'unbound');
    rwx.spec!.accessModes = ['ReadWriteMany'];
    const big = { ...pv('big', 'node1', '10G', '1', undefined, WAIT_CLASS), spec: { ...pvNode1b.spec, accessModes: ['ReadWriteMany'] } };
    const small = { ...pv('small', 'node1', '2G', '1', undefined, WAIT_CLASS), spec: { ...pvNode1a.spec, capacity: { storage: '2G' }, accessModes: ['ReadWriteMany'] } };
    const rwoOnly = { ...pv('rwo', 'node1', '1G', '1', undefined, WAIT_CLASS), spec: { ...pvNode2.spec, nodeAffinity: pvNode1a.spec!.nodeAffinity, accessModes: ['ReadWriteOnce'] } };
    const plugin = createVolumeBinding();
    const state = new VolumeWorld([rwx], [big, small, rwoOnly]).state();
    const pod = podWithClaims('p', ['c']);
    await run(plugin, state, pod);
    await plugin.reserve(state, pod, 'node1');
    expect(plugin.cache.assumed().pvs).toEqual(['small']);

    const selective = pvc('s', '1G', 'unbound');
    selective.spec!.selector = { matchLabels: { tier: 'gold' } };
    const gold = { ...pvNode1b, metadata: { ...pvNode1b.metadata, labels: { tier: 'gold' } } };
    const plugin2 = createVolumeBinding();
    const state2 = new VolumeWorld([selective], [pvNode1a, gold]).state();
    const pod2 = podWithClaims('p2', ['s']);
    await run(plugin2, state2, pod2);
    await plugin2.reserve(state2, pod2, 'node1');
    expect(plugin2.cache.assumed().pvs).toEqual(['pv-node1b']);
  });
});

describe('VolumeBinding Reserve/Unreserve: the assume cache (upstream TestAssumePodVolumes, TestRevertAssumedPodVolumes)', () => {
  it('a PV assumed for one pod is not offered to the next; Unreserve gives it back', async () => {
    const a = pvc('claim-a', '1G', 'unbound');
    const b = { ...pvc('claim-b', '1G', 'unbound'), metadata: { ...pvc('claim-b', '1G', 'unbound').metadata, uid: 'uid-b' } };
    const world = new VolumeWorld([a, b], [pvNode1a]);
    const plugin = createVolumeBinding();
    const podA = podWithClaims('pod-a', ['claim-a']);
    const stateA = world.state();
    expect((await run(plugin, stateA, podA)).filter[0]!.code).toBe(S);
    await plugin.reserve(stateA, podA, 'node1');

    const podB = podWithClaims('pod-b', ['claim-b']);
    const stateB = world.state();
    expect((await run(plugin, stateB, podB)).filter[0]!.reasons).toEqual([ERR_REASON_BIND_CONFLICT]);

    await plugin.unreserve(stateA, podA, 'node1');
    const stateB2 = world.state();
    expect((await run(plugin, stateB2, podB)).filter[0]!.code).toBe(S);
  });

  it('assumes the claimRef (with the claim uid) and bound-by-controller on the PV, and selected-node on a provisioned claim', async () => {
    const writes: Array<V1PersistentVolume | V1PersistentVolumeClaim> = [];
    const client: VolumeClient = {
      updatePersistentVolume: async (p) => (writes.push(p), p),
      updatePersistentVolumeClaim: async (c) => (writes.push(c), c),
    };
    const world = new VolumeWorld([unboundPVC, provisionedPVC], [pvNode1a]);
    const { plugin, pod, state } = await reserved(world, ['unbound-pvc', 'provisioned-pvc'], client, {}, { bindTimeoutSeconds: 0 });
    await plugin.preBind(state, pod, 'node1');
    const [pvWritten, pvcWritten] = writes as [V1PersistentVolume, V1PersistentVolumeClaim];
    expect(pvWritten.spec?.claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'testns', name: 'unbound-pvc', uid: 'pvc-uid' });
    expect(pvWritten.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller']).toBe('yes');
    expect(pvcWritten.metadata?.annotations?.['volume.kubernetes.io/selected-node']).toBe('node1');
    // The informers' objects are untouched: only copies were assumed and written.
    expect(pvNode1a.spec?.claimRef).toBeUndefined();
    expect(provisionedPVC.metadata?.annotations?.['volume.kubernetes.io/selected-node']).toBeUndefined();
  });

  it('all bound: Reserve marks the pod allBound and PreBind writes nothing', async () => {
    const { plugin, pod, state } = await reserved(new VolumeWorld([boundPVC], [pvBound]), ['bound-pvc']);
    expect(volumeBindingStateOf(state)).toEqual({ allBound: true, nodes: ['node1'] });
    expect(asStatus((await plugin.preBind(state, pod, 'node1')) as Status).code).toBe(S);
  });

  it('an assumed PV gives way once the informer delivers a newer version', async () => {
    const world = new VolumeWorld([unboundPVC], [pvNode1a]);
    const { plugin } = await reserved(world, ['unbound-pvc']);
    expect(plugin.cache.assumed().pvs).toEqual(['pv-node1a']);
    // The informer's copy moves on (say the PV controller released it again): the assumption is dropped.
    world.replacePV({ ...pvNode1a, metadata: { ...pvNode1a.metadata, resourceVersion: '7' } });
    const view = world.state();
    const again = await run(createVolumeBinding(), view, podWithClaims('q', ['unbound-pvc']));
    expect(again.filter[0]!.code).toBe(S);
    await run(plugin, view, podWithClaims('q', ['unbound-pvc']));
    expect(plugin.cache.assumed().pvs).toEqual([]);
  });
});

describe('VolumeBinding PreBind (upstream TestBindPodVolumes)', () => {
  /** A fake clock and sleep; `onSleep` lets a test play the PV controller between polls. */
  function clock(onSleep: (n: number) => void = () => {}) {
    let t = 0;
    let sleeps = 0;
    return { now: () => t, sleep: async (ms: number) => { t += ms; onSleep(++sleeps); } };
  }

  function bound(claim: V1PersistentVolumeClaim, pvName: string, rv = '5'): V1PersistentVolumeClaim {
    return { ...claim, metadata: { ...claim.metadata, resourceVersion: rv, annotations: { ...claim.metadata?.annotations, 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { ...claim.spec, volumeName: pvName } };
  }

  /** An API that bumps resourceVersions and stores what was written into the world (as the informer would see it). */
  function apiFor(world: VolumeWorld, fail?: string): VolumeClient & { calls: string[] } {
    let rv = 10;
    const calls: string[] = [];
    const write = <T extends V1PersistentVolume | V1PersistentVolumeClaim>(kind: string, obj: T, save: (o: T) => void): T => {
      calls.push(`${kind}/${obj.metadata?.name}`);
      if (fail === kind) throw new Error('conflict');
      const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
      save(stored);
      return stored;
    };
    return {
      calls,
      updatePersistentVolume: async (p) => write('pv', p, (o) => world.replacePV(o)),
      updatePersistentVolumeClaim: async (c) => write('pvc', c, (o) => world.replacePVC(o)),
    };
  }

  it('static binding: writes the claimRef, waits until the PV controller has bound the claim', async () => {
    const world = new VolumeWorld([unboundPVC], [pvNode1a]);
    const api = apiFor(world);
    const c = clock((n) => {
      if (n === 2) world.replacePVC(bound(unboundPVC, 'pv-node1a', '20'));
    });
    const { plugin, pod, state } = await reserved(world, ['unbound-pvc'], api, c);
    const status = asStatus((await plugin.preBind(state, pod, 'node1')) as Status);
    expect(status.code).toBe(S);
    expect(api.calls).toEqual(['pv/pv-node1a']);
    expect(c.now()).toBe(2000); // polled every second until bound
  });

  it('dynamic provisioning: annotates the claim with the node, waits for the provisioner and PV controller', async () => {
    const world = new VolumeWorld([provisionedPVC], []);
    const api = apiFor(world);
    const c = clock((n) => {
      if (n !== 1) return;
      world.pvs = [pv('pvc-new', 'node1', '1Gi', '3', provisionedPVC, WAIT_CLASS_WITH_PROVISIONER)];
      const current = world.pvcs[0]!;
      world.replacePVC(bound(current, 'pvc-new', '30'));
    });
    const { plugin, pod, state } = await reserved(world, ['provisioned-pvc'], api, c);
    expect(asStatus((await plugin.preBind(state, pod, 'node1')) as Status).code).toBe(S);
    expect(api.calls).toEqual(['pvc/provisioned-pvc']);
    expect(world.pvcs[0]!.metadata?.annotations?.['volume.kubernetes.io/selected-node']).toBe('node1');
  });

  it('times out after bindTimeoutSeconds with an Error status', async () => {
    const world = new VolumeWorld([unboundPVC], [pvNode1a]);
    const c = clock();
    const { plugin, pod, state } = await reserved(world, ['unbound-pvc'], apiFor(world), c, { bindTimeoutSeconds: 3 });
    const status = asStatus((await plugin.preBind(state, pod, 'node1')) as Status);
    expect(status.code).toBe(E);
    expect(status.message()).toBe('binding volumes: timed out after 3 s waiting for the PersistentVolumeClaims to be bound');
    expect(c.now()).toBe(3000);
  });

  it('stops waiting when the scheduler stops (upstream: the cancelled context ends the poll)', async () => {
    const world = new VolumeWorld([unboundPVC], [pvNode1a]);
    const stopping = new AbortController();
    const c = clock((n) => {
      if (n === 3) stopping.abort();
    });
    const { plugin, pod, state } = await reserved(world, ['unbound-pvc'], { ...apiFor(world), stopping: stopping.signal }, c);
    const status = asStatus((await plugin.preBind(state, pod, 'node1')) as Status);
    expect([status.code, status.message()]).toEqual([E, 'binding volumes: the scheduler is stopping']);
    expect(c.now()).toBe(3000);
  });

  it('the PV controller dropping the claimRef fails the binding (upstream: ClaimRef got reset)', async () => {
    const world = new VolumeWorld([unboundPVC], [pvNode1a]);
    const c = clock((n) => {
      if (n === 1) world.replacePV({ ...pvNode1a, metadata: { ...pvNode1a.metadata, resourceVersion: '50' } });
    });
    const { plugin, pod, state } = await reserved(world, ['unbound-pvc'], apiFor(world), c);
    expect(asStatus((await plugin.preBind(state, pod, 'node1')) as Status).message()).toBe('binding volumes: ClaimRef got reset for pv "pv-node1a"');
  });

  it('a provisioner giving up (selected-node removed) fails the binding', async () => {
    const world = new VolumeWorld([provisionedPVC], []);
    const c = clock((n) => {
      if (n === 1) world.replacePVC({ ...provisionedPVC, metadata: { ...provisionedPVC.metadata, resourceVersion: '99', annotations: {} } });
    });
    const { plugin, pod, state } = await reserved(world, ['provisioned-pvc'], apiFor(world), c);
    expect(asStatus((await plugin.preBind(state, pod, 'node1')) as Status).message()).toBe('binding volumes: selectedNode annotation reset for PVC "provisioned-pvc"');
  });

  it('an API error fails PreBind and takes the unwritten assumptions back', async () => {
    const world = new VolumeWorld([unboundPVC], [pvNode1a]);
    const { plugin, pod, state } = await reserved(world, ['unbound-pvc'], apiFor(world, 'pv'), clock());
    expect(plugin.cache.assumed().pvs).toEqual(['pv-node1a']);
    const status = asStatus((await plugin.preBind(state, pod, 'node1')) as Status);
    expect([status.code, status.message()]).toEqual([E, 'binding volumes: conflict']);
    expect(plugin.cache.assumed().pvs).toEqual([]);
  });

  it('without an API client it fails clearly instead of waiting', async () => {
    const { plugin, pod, state } = await reserved(new VolumeWorld([unboundPVC], [pvNode1a]), ['unbound-pvc'], undefined, clock());
    expect(asStatus((await plugin.preBind(state, pod, 'node1')) as Status).message()).toMatch(/no API client/);
  });

  it('declares its own PreBind time limit: bindTimeoutSeconds plus a poll margin, kept by the configured profile', () => {
    expect(createVolumeBinding().preBindTimeoutMs).toBe(602_000);
    expect(createVolumeBinding({ bindTimeoutSeconds: 30 }).preBindTimeoutMs).toBe(32_000);
    // profileFromConfig shows each plugin through a view of its enabled points: the limit must survive it.
    const profile = profileFromConfig(parseSchedulerConfigText('pluginConfig: [{ name: VolumeBinding, args: { bindTimeoutSeconds: 30 } }]'), { binder: { bind: async () => {} } });
    expect(profile.plugins.preBind.map((p) => [p.name, p.preBindTimeoutMs])).toEqual([['VolumeBinding', 32_000]]);
    expect(defaultProfile({ binder: { bind: async () => {} } }).plugins.preBind[0]!.preBindTimeoutMs).toBe(602_000);
  });
});

describe('checkBindings (upstream TestCheckBindings)', () => {
  const boundUnbound = (claim: V1PersistentVolumeClaim, pvName: string): V1PersistentVolumeClaim => ({
    ...claim,
    metadata: { ...claim.metadata, annotations: { ...claim.metadata?.annotations, 'pv.kubernetes.io/bind-completed': 'yes' } },
    spec: { ...claim.spec, volumeName: pvName },
  });
  const informed = (pvcs: V1PersistentVolumeClaim[], pvs: V1PersistentVolume[]) => ({
    pvc: (ns: string, n: string) => pvcs.find((c) => c.metadata?.name === n && c.metadata?.namespace === ns),
    pv: (n: string) => pvs.find((p) => p.metadata?.name === n),
  });
  const volumes = (staticBindings: PodVolumes['staticBindings'], dynamicProvisions: V1PersistentVolumeClaim[] = []): PodVolumes => ({ staticBindings, dynamicProvisions });
  const cases: Array<{ name: string; pv: PodVolumes; pvcs: V1PersistentVolumeClaim[]; pvs: V1PersistentVolume[]; want: ReturnType<typeof checkBindings> }> = [
    { name: 'nothing-to-bind', pv: volumes([]), pvcs: [], pvs: [], want: 'bound' },
    { name: 'binding-pv-not-exists', pv: volumes([{ pv: pvNode1aBound, pvc: unboundPVC }]), pvcs: [unboundPVC], pvs: [], want: { failed: 'failed to check binding: persistentvolume "pv-node1a" not found' } },
    { name: 'binding-claimref-nil', pv: volumes([{ pv: pvNode1aBound, pvc: unboundPVC }]), pvcs: [unboundPVC], pvs: [pvNode1a], want: { failed: 'ClaimRef got reset for pv "pv-node1a"' } },
    { name: 'binding-claimref-uid-empty', pv: volumes([{ pv: pvNode1aBound, pvc: unboundPVC }]), pvcs: [unboundPVC], pvs: [{ ...pvNode1aBound, spec: { ...pvNode1aBound.spec, claimRef: { ...pvNode1aBound.spec!.claimRef, uid: '' } } }], want: { failed: 'ClaimRef got reset for pv "pv-node1a"' } },
    { name: 'binding-one-bound,one-unbound', pv: volumes([{ pv: pvNode1aBound, pvc: unboundPVC }]), pvcs: [unboundPVC], pvs: [pvNode1aBound], want: 'waiting' },
    { name: 'binding-pvc-not-exists', pv: volumes([{ pv: pvNode1aBound, pvc: unboundPVC }]), pvcs: [], pvs: [pvNode1aBound], want: { failed: 'failed to check binding: persistentvolumeclaim "testns/unbound-pvc" not found' } },
    { name: 'binding-pv-older-than-written', pv: volumes([{ pv: { ...pvNode1aBound, metadata: { ...pvNode1aBound.metadata, resourceVersion: '2' } }, pvc: unboundPVC }]), pvcs: [boundUnbound(unboundPVC, 'pv-node1a')], pvs: [pvNode1aBound], want: 'waiting' },
    { name: 'binding-node-affinity-changed', pv: volumes([{ pv: pvNode1aBound, pvc: unboundPVC }]), pvcs: [boundUnbound(unboundPVC, 'pv-node1a')], pvs: [{ ...pvNode1aBound, spec: { ...pvNode1aBound.spec, nodeAffinity: pvNode2.spec!.nodeAffinity } }], want: { failed: 'pv "pv-node1a" node affinity doesn\'t match node "node1"' } },
    { name: 'binding-bound', pv: volumes([{ pv: pvNode1aBound, pvc: unboundPVC }]), pvcs: [boundUnbound(unboundPVC, 'pv-node1a')], pvs: [pvNode1aBound], want: 'bound' },
    { name: 'provisioning-pvc-not-exists', pv: volumes([], [selectedNodePVC]), pvcs: [], pvs: [], want: { failed: 'failed to check provisioning pvc: persistentvolumeclaim "testns/provisioned-pvc" not found' } },
    { name: 'provisioning-pvc-selected-node-dropped', pv: volumes([], [selectedNodePVC]), pvcs: [provisionedPVC], pvs: [], want: { failed: 'selectedNode annotation reset for PVC "provisioned-pvc"' } },
    { name: 'provisioning-pvc-selected-node-wrong-node', pv: volumes([], [selectedNodePVC]), pvcs: [pvc('provisioned-pvc', '1Gi', { selectedNode: 'wrong' }, '', WAIT_CLASS_WITH_PROVISIONER)], pvs: [], want: { failed: 'provisioning failed for PVC "provisioned-pvc"' } },
    { name: 'provisioning-pvc-not-bound', pv: volumes([], [selectedNodePVC]), pvcs: [selectedNodePVC], pvs: [], want: 'waiting' },
    { name: 'provisioning-pvc-bound-pv-not-yet-seen', pv: volumes([], [selectedNodePVC]), pvcs: [boundUnbound(selectedNodePVC, 'pv-new')], pvs: [], want: 'waiting' },
    { name: 'provisioning-pvc-bound', pv: volumes([], [selectedNodePVC]), pvcs: [boundUnbound(selectedNodePVC, 'pv-bound')], pvs: [pvBound], want: 'bound' },
    { name: 'provisioning-pvc-bound-pv-wrong-node', pv: volumes([], [selectedNodePVC]), pvcs: [boundUnbound(selectedNodePVC, 'pv-node2')], pvs: [pvNode2], want: { failed: 'pv "pv-node2" node affinity doesn\'t match node "node1"' } },
  ];
  it.each(cases)('$name', ({ pv: podVolumes, pvcs, pvs, want }) => {
    expect(checkBindings(podVolumes, node1, informed(pvcs, pvs))).toEqual(want);
  });
});

describe('VolumeBinding queueing hints (upstream TestIsSchedulableAfterPersistentVolumeClaimChange, ...StorageClassChange)', () => {
  const pod = podWithClaims('pod-a', ['pvc-a'], { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'pvc-a' } }, { name: 'eph', ephemeral: { volumeClaimTemplate: { spec: {} } } }] });
  it.each([
    { name: 'pod has no pvc or ephemeral volumes', pod: podWithClaims('pod-a', []), claim: { metadata: { namespace: 'testns', name: 'pvc-a' } }, want: false },
    { name: 'pvc with the same name as the one used by the pod in a different namespace is modified', pod, claim: { metadata: { namespace: 'other', name: 'pvc-a' } }, want: false },
    { name: 'pod has no pvc that is being modified', pod, claim: { metadata: { namespace: 'testns', name: 'pvc-b' } }, want: false },
    { name: 'pod has the pvc that is being modified', pod, claim: { metadata: { namespace: 'testns', name: 'pvc-a' } }, want: true },
    { name: 'pod has the generic ephemeral volume that is being modified', pod, claim: { metadata: { namespace: 'testns', name: 'pod-a-eph' } }, want: true },
  ])('$name', ({ pod: p, claim, want }) => {
    expect(claimChangeMayHelp(p, claim)).toBe(want);
  });

  const topo = [{ matchLabelExpressions: [{ key: NODE_LABEL_KEY, values: ['node1'] }] }];
  it.each([
    { name: 'When a new StorageClass is created, it returns Queue', old: undefined, now: { allowedTopologies: topo }, want: true },
    { name: 'When the AllowedTopologies are changed, it returns Queue', old: { allowedTopologies: topo }, now: { allowedTopologies: [{ matchLabelExpressions: [{ key: NODE_LABEL_KEY, values: ['node2'] }] }] }, want: true },
    { name: 'When there are no changes to the StorageClass, it returns QueueSkip', old: { allowedTopologies: topo }, now: { allowedTopologies: topo }, want: false },
  ])('$name', ({ old, now, want }) => {
    expect(storageClassChangeMayHelp(old, now)).toBe(want);
  });
});

describe('the runtime honours a PreBind plugin’s own time limit (VolumeBinding waits longer than the per-call limit)', () => {
  const slow = (preBindTimeoutMs?: number): PreBindPlugin => ({
    name: 'SlowPreBind',
    ...(preBindTimeoutMs !== undefined ? { preBindTimeoutMs } : {}),
    preBind: () => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 60)),
  });
  const runtimeWith = (plugin: PreBindPlugin) =>
    new FrameworkRuntime(buildProfile({ schedulerName: 'lab', plugins: [PrioritySort, plugin, createDefaultBinder({ bind: async () => {} })], pluginTimeoutMs: 20 }));

  it('without one, the profile limit applies', async () => {
    const status = await runtimeWith(slow()).runPreBind(new CycleState(), podWithClaims('p', []), 'node1');
    expect([status.code, status.message()]).toEqual([E, expect.stringMatching(/did not return within 20 ms/)]);
  });

  it('with one, PreBind may take that long', async () => {
    expect((await runtimeWith(slow(500)).runPreBind(new CycleState(), podWithClaims('p', []), 'node1')).code).toBe(S);
  });
});
