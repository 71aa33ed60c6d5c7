/**
 * NodeVolumeLimits with upstream's cases (nodevolumelimits/csi_test.go TestCSILimits: the CSI and
 * ephemeral ones; the lab has no in-tree-to-CSI migration, so the in-tree cases are left out) and
 * the CSINode-update queueing hint. Objects are built as upstream's fakes build them: for each
 * driver, claims and PVs `csi-<driver>-0..3`, claim `csi-4` unbound with class csi-sc, `csi-5`
 * without a class, `csi-6` bound to a missing PV; VolumeAttachments `csi-<driver>-<j>`.
 */
import type { V1CSINode, V1PersistentVolume, V1PersistentVolumeClaim, V1Pod, V1StorageClass, V1VolumeAttachment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { CycleState } from '../../../controllers/scheduler/framework/cycle-state.js';
import { clusterListers, LISTERS_KEY, listOf } from '../../../controllers/scheduler/framework/listers.js';
import { asStatus, Code, type Status } from '../../../controllers/scheduler/framework/status.js';
import { createNodeVolumeLimits, csiNodeUpdateMayHelp, ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED } from '../../../controllers/scheduler/plugins/node-volume-limits.js';
import { labelledNode } from './volume-fixtures.js';
import { nodeInfo } from './fixtures.js';

const EBS = 'ebs.csi.aws.com';
const GCE = 'pd.csi.storage.gke.io';
const NODE = 'node-for-max-pd-test-1';
const SC = 'csi-sc';

const podWithClaims = (name: string, ...claims: string[]): V1Pod => ({
  metadata: { name, namespace: 'default', uid: name },
  spec: { containers: [{ name: 'c' }], volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })) },
});
const runningPod = podWithClaims('running', `csi-${EBS}-3`);
const pendingVolumePod = podWithClaims('pending', 'csi-4');
const unboundPVCPod2 = podWithClaims('pending2', 'csi-4');
const missingPVPod = podWithClaims('missing-pv', 'csi-6');
const noSCPVCPod = podWithClaims('no-sc', 'csi-5');
const gceTwoVolPod = podWithClaims('gce-two', `csi-${GCE}-1`, `csi-${GCE}-2`);
const csiEBSOneVolPod = podWithClaims('ebs-one', `csi-${EBS}-0`);
const csiEBSTwoVolPod = podWithClaims('ebs-two', `csi-${EBS}-1`, `csi-${EBS}-2`);
const ephemeralVolumePod: V1Pod = { metadata: { name: 'abc', namespace: 'test', uid: '12345' }, spec: { containers: [{ name: 'c' }], volumes: [{ name: 'xyz', ephemeral: {} }] } };
const ephemeralTwoVolumePod: V1Pod = { metadata: { name: 'abc', namespace: 'test', uid: '12345II' }, spec: { containers: [{ name: 'c' }], volumes: [{ name: 'x', ephemeral: {} }, { name: 'y', ephemeral: {} }] } };
const ownedClaim = (pod: V1Pod, volume: string, owned = true): V1PersistentVolumeClaim => ({
  metadata: { namespace: pod.metadata!.namespace, name: `${pod.metadata!.name}-${volume}`, ownerReferences: owned ? [{ apiVersion: 'v1', kind: 'Pod', name: pod.metadata!.name!, uid: pod.metadata!.uid!, controller: true }] : [] },
  spec: { storageClassName: SC },
});
const ephemeralClaim = ownedClaim(ephemeralVolumePod, 'xyz');
const onlyConfigmapAndSecretVolPod: V1Pod = { metadata: { name: 'cm', namespace: 'default' }, spec: { containers: [{ name: 'c' }], volumes: [{ name: 'a', configMap: {} }, { name: 'b', secret: {} }] } };
const pvcPodWithConfigmapAndSecret: V1Pod = {
  metadata: { name: 'cm-pvc', namespace: 'default' },
  spec: { containers: [{ name: 'c' }], volumes: [{ name: 'a', configMap: {} }, { name: 'b', secret: {} }, { name: 'c', persistentVolumeClaim: { claimName: `csi-${EBS}-0` } }] },
};
const ephemeralPodWithConfigmapAndSecret: V1Pod = { metadata: { name: 'abc', namespace: 'test' }, spec: { containers: [{ name: 'c' }], volumes: [{ name: 'a', configMap: {} }, { name: 'b', secret: {} }, { name: 'xyz', ephemeral: {} }] } };

function fakes(drivers: string[], extraClaims: V1PersistentVolumeClaim[], vaCount: number) {
  const pvs: V1PersistentVolume[] = [];
  const pvcs: V1PersistentVolumeClaim[] = [...extraClaims];
  const vas: V1VolumeAttachment[] = [];
  for (const driver of drivers) {
    for (let j = 0; j < 4; j++) {
      const name = `csi-${driver}-${j}`;
      pvs.push({ metadata: { name }, spec: { csi: { driver, volumeHandle: name } } });
      pvcs.push({ metadata: { namespace: 'default', name }, spec: { volumeName: name } });
    }
    for (let j = 0; j < vaCount; j++) {
      vas.push({ metadata: { name: `va-${driver}-${j}` }, spec: { nodeName: NODE, attacher: driver, source: { persistentVolumeName: `csi-${driver}-${j}` } } });
    }
  }
  pvcs.push({ metadata: { namespace: 'default', name: 'csi-4' }, spec: { storageClassName: SC } });
  pvcs.push({ metadata: { namespace: 'default', name: 'csi-5' }, spec: {} });
  pvcs.push({ metadata: { namespace: 'default', name: 'csi-6' }, spec: { storageClassName: SC, volumeName: 'missing-in-action' } });
  const classes: V1StorageClass[] = [{ metadata: { name: SC }, provisioner: drivers[0]! }];
  return { pvs, pvcs, vas, classes };
}

function csiNode(drivers: string[], limit: number | undefined): V1CSINode {
  return { metadata: { name: NODE }, spec: { drivers: drivers.map((name) => ({ name, nodeID: NODE, ...(limit !== undefined ? { allocatable: { count: limit } } : {}) })) } };
}

interface Case {
  test: string;
  newPod: V1Pod;
  existingPods?: V1Pod[];
  maxVols?: number;
  drivers?: string[];
  limitSource: 'csinode' | 'csinode-with-no-limit' | 'no-csinode';
  extraClaims?: V1PersistentVolumeClaim[];
  vaCount?: number;
  wantPreFilter?: Code;
  want?: [Code, string];
}

const EXCEEDED: [Code, string] = [Code.Unschedulable, ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED];
// The informer-backed lister's NotFound is singular (upstream's fake lister in csi_test.go says "persistentvolumeclaims").
const MISSING_EPHEMERAL: [Code, string] = [Code.UnschedulableAndUnresolvable, 'looking up PVC test/abc-xyz: persistentvolumeclaim "abc-xyz" not found'];

const cases: Case[] = [
  { test: 'should count VolumeAttachments towards volume limit when no pods exist', newPod: csiEBSOneVolPod, maxVols: 2, vaCount: 2, limitSource: 'csinode', want: EXCEEDED },
  { test: 'should schedule pod when VolumeAttachments count does not exceed limit', newPod: csiEBSOneVolPod, maxVols: 2, vaCount: 1, limitSource: 'csinode' },
  { test: 'fits when node volume limit >= new pods CSI volume', newPod: csiEBSOneVolPod, existingPods: [runningPod, csiEBSTwoVolPod], maxVols: 4, limitSource: 'csinode' },
  { test: "doesn't when node volume limit <= pods CSI volume", newPod: csiEBSOneVolPod, existingPods: [runningPod, csiEBSTwoVolPod], maxVols: 2, limitSource: 'csinode', want: EXCEEDED },
  { test: 'should when driver does not support volume limits', newPod: csiEBSOneVolPod, existingPods: [runningPod, csiEBSTwoVolPod], maxVols: 2, limitSource: 'csinode-with-no-limit' },
  { test: 'count pending PVCs towards volume limit <= pods CSI volume', newPod: csiEBSOneVolPod, existingPods: [pendingVolumePod, csiEBSTwoVolPod], maxVols: 2, limitSource: 'csinode', want: EXCEEDED },
  { test: 'count multiple pending pvcs towards volume limit >= pods CSI volume', newPod: csiEBSOneVolPod, existingPods: [pendingVolumePod, unboundPVCPod2, csiEBSTwoVolPod], maxVols: 4, limitSource: 'csinode' },
  { test: 'should count PVCs with invalid PV name but valid SC', newPod: csiEBSOneVolPod, existingPods: [missingPVPod, csiEBSTwoVolPod], maxVols: 2, limitSource: 'csinode', want: EXCEEDED },
  { test: "don't count pvcs with missing SC towards volume limit", newPod: csiEBSOneVolPod, existingPods: [runningPod, noSCPVCPod], maxVols: 2, limitSource: 'csinode' },
  { test: 'count pvcs with the same type towards volume limit', newPod: csiEBSOneVolPod, existingPods: [gceTwoVolPod, csiEBSTwoVolPod], maxVols: 2, drivers: [EBS, GCE], limitSource: 'csinode', want: EXCEEDED },
  { test: "don't count pvcs with different type towards volume limit", newPod: gceTwoVolPod, existingPods: [csiEBSTwoVolPod, runningPod], maxVols: 2, drivers: [EBS, GCE], limitSource: 'csinode' },
  { test: 'nil csi node', newPod: csiEBSOneVolPod, existingPods: [runningPod, csiEBSTwoVolPod], limitSource: 'no-csinode' },
  { test: 'ephemeral volume missing', newPod: ephemeralVolumePod, limitSource: 'csinode-with-no-limit', want: MISSING_EPHEMERAL },
  { test: 'ephemeral volume not owned', newPod: ephemeralVolumePod, extraClaims: [ownedClaim(ephemeralVolumePod, 'xyz', false)], limitSource: 'csinode-with-no-limit', want: [Code.Error, 'PVC test/abc-xyz was not created for pod test/abc (pod is not owner)'] },
  { test: 'ephemeral volume unbound', newPod: ephemeralVolumePod, extraClaims: [ephemeralClaim], limitSource: 'csinode-with-no-limit' },
  { test: "ephemeral doesn't when node volume limit <= pods CSI volume", newPod: ephemeralVolumePod, extraClaims: [ephemeralClaim], existingPods: [runningPod, csiEBSTwoVolPod], maxVols: 2, limitSource: 'csinode', want: EXCEEDED },
  {
    test: "ephemeral doesn't when node volume limit <= pods ephemeral CSI volume",
    newPod: csiEBSOneVolPod,
    extraClaims: [ownedClaim(ephemeralTwoVolumePod, 'x'), ownedClaim(ephemeralTwoVolumePod, 'y')],
    existingPods: [runningPod, ephemeralTwoVolumePod],
    maxVols: 2,
    limitSource: 'csinode',
    want: EXCEEDED,
  },
  { test: "persistent doesn't when node volume limit <= pods ephemeral CSI volume + persistent volume", newPod: csiEBSOneVolPod, extraClaims: [ephemeralClaim], existingPods: [runningPod, ephemeralVolumePod, csiEBSTwoVolPod], maxVols: 3, limitSource: 'csinode', want: EXCEEDED },
  { test: 'persistent okay when node volume limit > pods ephemeral CSI volume + persistent volume', newPod: csiEBSOneVolPod, extraClaims: [ephemeralClaim], existingPods: [runningPod, ephemeralVolumePod, csiEBSTwoVolPod], maxVols: 5, limitSource: 'csinode' },
  { test: 'skip Filter when the pod only uses secrets and configmaps', newPod: onlyConfigmapAndSecretVolPod, maxVols: 2, limitSource: 'csinode', wantPreFilter: Code.Skip },
  { test: "don't skip Filter when the pod has pvcs", newPod: pvcPodWithConfigmapAndSecret, maxVols: 2, limitSource: 'csinode' },
  { test: "don't skip Filter when the pod has ephemeral volumes", newPod: ephemeralPodWithConfigmapAndSecret, limitSource: 'csinode-with-no-limit', want: MISSING_EPHEMERAL },
];

describe('NodeVolumeLimits (upstream TestCSILimits)', () => {
  it.each(cases)('$test', async (c) => {
    const drivers = c.drivers ?? [EBS];
    const { pvs, pvcs, vas, classes } = fakes(drivers, c.extraClaims ?? [], c.vaCount ?? 0);
    const csiNodes = c.limitSource === 'no-csinode' ? [] : [csiNode(drivers, c.limitSource === 'csinode' ? c.maxVols : undefined)];
    const state = new CycleState();
    state.write(
      LISTERS_KEY,
      clusterListers({ persistentVolumes: listOf(pvs), persistentVolumeClaims: listOf(pvcs), storageClasses: listOf(classes), csiNodes: listOf(csiNodes), volumeAttachments: listOf(vas) }),
    );
    const plugin = createNodeVolumeLimits({ volumeIdPrefix: 'test-prefix' });
    const pre = asStatus((await plugin.preFilter(state, c.newPod, [])) as Status | undefined);
    expect(pre.code).toBe(c.wantPreFilter ?? Code.Success);
    if (!pre.isSuccess()) return;
    const status = asStatus((await plugin.filter(state, c.newPod, nodeInfo(labelledNode(NODE), c.existingPods ?? []))) as Status | undefined);
    expect(status.isSuccess() ? [Code.Success] : [status.code, status.reasons.join('; ')]).toEqual(c.want ?? [Code.Success]);
  });
});

describe('NodeVolumeLimits: isSchedulableAfterCSINodeUpdated (upstream)', () => {
  const node = (limits: Record<string, number | undefined>): V1CSINode => ({
    metadata: { name: 'n' },
    spec: { drivers: Object.entries(limits).map(([name, count]) => ({ name, nodeID: 'n', ...(count !== undefined ? { allocatable: { count } } : {}) })) },
  });
  it.each([
    { name: 'limit increased', old: node({ [EBS]: 1 }), now: node({ [EBS]: 2 }), want: true },
    { name: 'limit unchanged', old: node({ [EBS]: 2 }), now: node({ [EBS]: 2 }), want: false },
    { name: 'limit decreased', old: node({ [EBS]: 2 }), now: node({ [EBS]: 1 }), want: false },
    { name: 'new driver with a limit', old: node({}), now: node({ [EBS]: 1 }), want: true },
    { name: 'limit removed', old: node({ [EBS]: 1 }), now: node({ [EBS]: undefined }), want: false },
  ])('$name', ({ old, now, want }) => {
    expect(csiNodeUpdateMayHelp(old, now)).toBe(want);
  });
});
