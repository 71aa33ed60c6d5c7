/**
 * VolumeRestrictions with upstream's cases (volumerestrictions/volume_restrictions_test.go):
 * TestGCEDiskConflicts, TestAWSDiskConflicts, TestRBDDiskConflicts, TestISCSIDiskConflicts,
 * TestAccessModeConflicts, Test_isSchedulableAfterPodDeleted; same PreFilter and Filter codes
 * and reasons. Plus the PreFilterExtensions preemption relies on.
 */
import type { V1PersistentVolumeClaim, V1Pod, V1Volume } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { CycleState } from '../../../controllers/scheduler/framework/cycle-state.js';
import { clusterListers, LISTERS_KEY, listOf } from '../../../controllers/scheduler/framework/listers.js';
import { asStatus, Code, type Status } from '../../../controllers/scheduler/framework/status.js';
import {
  ERR_REASON_DISK_CONFLICT,
  ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT,
  podDeletionMayHelpRestrictions,
  VolumeRestrictions,
} from '../../../controllers/scheduler/plugins/volume-restrictions.js';
import { labelledNode } from './volume-fixtures.js';
import { nodeInfo } from './fixtures.js';

const node = labelledNode('node-1');
const podWith = (name: string, volumes: V1Volume[], ns = 'default'): V1Pod => ({ metadata: { name, namespace: ns }, spec: { nodeName: 'node-1', containers: [{ name: 'c' }], volumes } });
const claimVolume = (claimName: string): V1Volume => ({ name: claimName, persistentVolumeClaim: { claimName } });

async function run(pod: V1Pod, existing: V1Pod[], pvcs: V1PersistentVolumeClaim[] = []) {
  const state = new CycleState();
  state.write(LISTERS_KEY, clusterListers({ persistentVolumeClaims: listOf(pvcs) }));
  const info = nodeInfo(node, existing);
  const pre = asStatus((await VolumeRestrictions.preFilter(state, pod, [info])) as Status | undefined);
  const filter = pre.isSuccess() ? asStatus((await VolumeRestrictions.filter(state, pod, info)) as Status | undefined) : undefined;
  return { pre: [pre.code, ...pre.reasons], filter: filter ? [filter.code, ...filter.reasons] : undefined, state, nodeInfo: info };
}

const S = [Code.Success];
const SKIP = [Code.Skip];
const DISK = [Code.Unschedulable, ERR_REASON_DISK_CONFLICT];

const kinds: Array<{ kind: string; a: V1Volume; b: V1Volume }> = [
  { kind: 'GCE', a: { name: 'a', gcePersistentDisk: { pdName: 'foo' } }, b: { name: 'b', gcePersistentDisk: { pdName: 'bar' } } },
  { kind: 'AWS', a: { name: 'a', awsElasticBlockStore: { volumeID: 'foo' } }, b: { name: 'b', awsElasticBlockStore: { volumeID: 'bar' } } },
  { kind: 'RBD', a: { name: 'a', rbd: { monitors: ['a', 'b'], pool: 'foo', image: 'bar', fsType: 'ext4' } }, b: { name: 'b', rbd: { monitors: ['c', 'd'], pool: 'foo', image: 'bar', fsType: 'ext4' } } },
  {
    kind: 'ISCSI',
    a: { name: 'a', iscsi: { targetPortal: '127.0.0.1:3260', iqn: 'iqn.2016-12.server:storage.target01', fsType: 'ext4', lun: 0 } },
    b: { name: 'b', iscsi: { targetPortal: '127.0.0.1:3260', iqn: 'iqn.2017-12.server:storage.target01', fsType: 'ext4', lun: 0 } },
  },
];

describe.each(kinds)('VolumeRestrictions: Test$kindDiskConflicts', ({ a, b }) => {
  it.each([
    { name: 'nothing', pod: podWith('p', []), existing: [], pre: SKIP, filter: undefined },
    { name: 'one state', pod: podWith('p', []), existing: [podWith('e', [a])], pre: SKIP, filter: undefined },
    { name: 'same state', pod: podWith('p', [a]), existing: [podWith('e', [a])], pre: S, filter: DISK },
    { name: 'different state', pod: podWith('p', [b]), existing: [podWith('e', [a])], pre: S, filter: S },
    { name: "pod with a volume that doesn't have restrictions", pod: podWith('p', [{ name: 'volume with no restriction' }]), existing: [], pre: SKIP, filter: undefined },
  ])('$name', async ({ pod, existing, pre, filter }) => {
    const got = await run(pod, existing);
    expect(got.pre).toEqual(pre);
    expect(got.filter).toEqual(filter);
  });
});

describe('VolumeRestrictions: read-only sharing', () => {
  it.each([
    { name: 'GCE PD read-only on both sides may be shared', v: { name: 'a', gcePersistentDisk: { pdName: 'foo', readOnly: true } }, want: S },
    { name: 'AWS EBS conflicts even read-only', v: { name: 'a', awsElasticBlockStore: { volumeID: 'foo', readOnly: true } }, want: DISK },
    { name: 'iSCSI read-only on both sides may be shared', v: { name: 'a', iscsi: { targetPortal: 'x', iqn: 'q', lun: 0, readOnly: true } }, want: S },
    { name: 'RBD with one overlapping monitor, read-only on both sides', v: { name: 'a', rbd: { monitors: ['a', 'z'], pool: 'p', image: 'i', readOnly: true } }, want: S },
  ])('$name', async ({ v, want }) => {
    expect((await run(podWith('p', [v]), [podWith('e', [v])])).filter).toEqual(want);
  });
  it('RBD with one overlapping monitor, writable: conflict', async () => {
    const mine: V1Volume = { name: 'a', rbd: { monitors: ['a', 'z'], pool: 'p', image: 'i' } };
    const theirs: V1Volume = { name: 'b', rbd: { monitors: ['y', 'a'], pool: 'p', image: 'i' } };
    expect((await run(podWith('p', [mine]), [podWith('e', [theirs])])).filter).toEqual(DISK);
  });
});

describe('VolumeRestrictions: TestAccessModeConflicts', () => {
  const rwop = (name: string): V1PersistentVolumeClaim => ({ metadata: { namespace: 'default', name }, spec: { accessModes: ['ReadWriteOncePod'] } });
  const rwx: V1PersistentVolumeClaim = { metadata: { namespace: 'default', name: 'claim-with-rwx' }, spec: { accessModes: ['ReadWriteMany'] } };
  const podWithOnePVC = podWith('pod-with-one-pvc', [claimVolume('claim-with-rwop-1')]);
  const podWithTwoPVCs = podWith('pod-with-two-pvcs', [claimVolume('claim-with-rwop-1'), claimVolume('claim-with-rwop-2')]);
  const podWithOneConflict = podWith('pod-with-one-conflict', [claimVolume('claim-with-rwop-1')]);
  const podWithTwoConflicts = podWith('pod-with-two-conflicts', [claimVolume('claim-with-rwop-1'), claimVolume('claim-with-rwop-2')]);
  const podWithRWX = podWith('pod-with-rwx', [claimVolume('claim-with-rwx')]);
  const RWOP = [Code.Unschedulable, ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT];
  it.each([
    { name: 'nothing', pod: podWith('p', []), existing: [], pvcs: [], pre: SKIP, filter: undefined },
    { name: 'failed to get PVC', pod: podWithOnePVC, existing: [], pvcs: [], pre: [Code.UnschedulableAndUnresolvable, 'persistentvolumeclaim "claim-with-rwop-1" not found'], filter: undefined },
    { name: 'no access mode conflict', pod: podWithOnePVC, existing: [podWithRWX], pvcs: [rwop('claim-with-rwop-1'), rwx], pre: SKIP, filter: undefined },
    { name: 'access mode conflict, unschedulable', pod: podWithOneConflict, existing: [podWithOnePVC, podWithRWX], pvcs: [rwop('claim-with-rwop-1'), rwx], pre: S, filter: RWOP },
    { name: 'two conflicts, unschedulable', pod: podWithTwoConflicts, existing: [podWithTwoPVCs, podWithRWX], pvcs: [rwop('claim-with-rwop-1'), rwop('claim-with-rwop-2'), rwx], pre: S, filter: RWOP },
  ])('$name', async ({ pod, existing, pvcs, pre, filter }) => {
    const got = await run(pod, existing, pvcs);
    expect(got.pre).toEqual(pre);
    expect(got.filter).toEqual(filter);
  });

  it('a claim of the same name in another namespace is no conflict', async () => {
    const other = podWith('elsewhere', [claimVolume('claim-with-rwop-1')], 'other');
    expect((await run(podWithOneConflict, [other], [rwop('claim-with-rwop-1')])).pre).toEqual(SKIP);
  });

  it('PreFilterExtensions: removing the pod that holds the claim (a preemption victim) lifts the conflict; adding it back restores it', async () => {
    const got = await run(podWithOneConflict, [podWithOnePVC], [rwop('claim-with-rwop-1')]);
    const copy = got.state.clone();
    await VolumeRestrictions.preFilterExtensions!.removePod(copy, podWithOneConflict, podWithOnePVC, got.nodeInfo);
    expect(asStatus((await VolumeRestrictions.filter(copy, podWithOneConflict, got.nodeInfo)) as Status).code).toBe(Code.Success);
    // The original state is untouched (StateData copied).
    expect(asStatus((await VolumeRestrictions.filter(got.state, podWithOneConflict, got.nodeInfo)) as Status).code).toBe(Code.Unschedulable);
    await VolumeRestrictions.preFilterExtensions!.addPod(copy, podWithOneConflict, podWithOnePVC, got.nodeInfo);
    expect(asStatus((await VolumeRestrictions.filter(copy, podWithOneConflict, got.nodeInfo)) as Status).code).toBe(Code.Unschedulable);
  });
});

describe('VolumeRestrictions: Test_isSchedulableAfterPodDeleted', () => {
  const gce: V1Volume = { name: 'a', gcePersistentDisk: { pdName: 'foo' } };
  it.each([
    { name: 'queue when the deleted pod had the same in-tree disk', pod: podWith('p', [gce]), deleted: podWith('d', [gce]), want: true },
    { name: 'skip when the deleted pod is in another namespace', pod: podWith('p', [gce]), deleted: podWith('d', [gce], 'other'), want: false },
    { name: 'queue when the deleted pod used the same claim', pod: podWith('p', [claimVolume('c')]), deleted: podWith('d', [claimVolume('c')]), want: true },
    { name: 'skip when the deleted pod used another claim', pod: podWith('p', [claimVolume('c')]), deleted: podWith('d', [claimVolume('other')]), want: false },
    { name: 'skip when the deleted pod had no volumes', pod: podWith('p', [claimVolume('c')]), deleted: podWith('d', []), want: false },
  ])('$name', ({ pod, deleted, want }) => {
    expect(podDeletionMayHelpRestrictions(pod, deleted)).toBe(want);
  });
});
