/**
 * The volume objects' events and the volume plugins' queueing hints (upstream's EventsToRegister
 * of VolumeBinding, VolumeRestrictions and NodeVolumeLimits): which rejected pods an event retries.
 */
import type { KubernetesObject, V1CSINode, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { VolumeInformers } from '../../../controllers/scheduler/cluster-informers.js';
import { claimEventMayHelp, csiNodeEventMayHelp, wireVolumeEvents } from '../../../controllers/scheduler/volume-events.js';
import { podWithClaims } from './volume-fixtures.js';

class FakeInformer<T extends KubernetesObject> {
  add: Array<(o: T) => void> = [];
  update: Array<(a: T, b: T) => void> = [];
  del: Array<(o: T) => void> = [];
  onAdd(h: (o: T) => void) { this.add.push(h); }
  onUpdate(h: (a: T, b: T) => void) { this.update.push(h); }
  onDelete(h: (o: T) => void) { this.del.push(h); }
}

function wired() {
  const informers = { persistentVolumeClaims: new FakeInformer(), persistentVolumes: new FakeInformer(), storageClasses: new FakeInformer(), csiNodes: new FakeInformer(), volumeAttachments: new FakeInformer() };
  const moves: Array<{ event: string; plugins: readonly string[]; mayHelp?: (pod: V1Pod, plugin: string) => boolean }> = [];
  wireVolumeEvents(informers as unknown as VolumeInformers, { moveRejectedBy: (event, plugins, mayHelp) => (moves.push({ event, plugins, mayHelp }), 0) });
  return { informers, moves };
}

const claim = (name: string, ns = 'testns'): V1PersistentVolumeClaim => ({ metadata: { name, namespace: ns } });
const pod = podWithClaims('pod-a', ['data']);

describe('volume events', () => {
  it('a PVC add retries the pods of all three plugins that use it; an update only VolumeBinding’s', () => {
    const added = claimEventMayHelp(claim('data'), true);
    expect(['VolumeBinding', 'VolumeRestrictions', 'NodeVolumeLimits'].map((p) => added(pod, p))).toEqual([true, true, true]);
    const updated = claimEventMayHelp(claim('data'), false);
    expect(['VolumeBinding', 'VolumeRestrictions', 'NodeVolumeLimits'].map((p) => updated(pod, p))).toEqual([true, false, false]);
    expect(claimEventMayHelp(claim('other'), true)(pod, 'VolumeBinding')).toBe(false);
    expect(claimEventMayHelp(claim('data', 'elsewhere'), true)(pod, 'VolumeRestrictions')).toBe(false);
  });

  it('the handlers move the plugins’ rejected pods on each event', () => {
    const { informers, moves } = wired();
    informers.persistentVolumeClaims.add[0]!(claim('data'));
    informers.persistentVolumes.update[0]!({}, {});
    informers.storageClasses.update[0]!({ metadata: { name: 'sc' } }, { metadata: { name: 'sc', labels: { a: 'b' } } });
    informers.volumeAttachments.del[0]!({});
    expect(moves.map((m) => [m.event, m.plugins])).toEqual([
      ['PersistentVolumeClaimAdd', ['VolumeBinding', 'VolumeRestrictions', 'NodeVolumeLimits']],
      ['PersistentVolumeUpdate', ['VolumeBinding']],
      ['StorageClassUpdate', ['VolumeBinding']],
      ['VolumeAttachmentDelete', ['NodeVolumeLimits']],
    ]);
    expect(moves[0]!.mayHelp!(pod, 'VolumeBinding')).toBe(true);
    expect(moves[1]!.mayHelp).toBeUndefined(); // no hint: every pod VolumeBinding rejected is retried
    expect(moves[2]!.mayHelp!(pod, 'VolumeBinding')).toBe(false); // allowedTopologies unchanged
    expect(moves[3]!.mayHelp!(pod, 'NodeVolumeLimits')).toBe(true);
    expect(moves[3]!.mayHelp!(podWithClaims('no-claims', []), 'NodeVolumeLimits')).toBe(false);
  });

  it('CSINode: an add helps both plugins; an update helps VolumeBinding on a migrated-plugins change, NodeVolumeLimits on a higher limit', () => {
    const n = (annotation: string | undefined, count: number): V1CSINode => ({
      metadata: { name: 'n', annotations: annotation ? { 'storage.alpha.kubernetes.io/migrated-plugins': annotation } : {} },
      spec: { drivers: [{ name: 'd', nodeID: 'n', allocatable: { count } }] },
    });
    expect(csiNodeEventMayHelp(undefined, n(undefined, 1))(pod, 'VolumeBinding')).toBe(true);
    expect(csiNodeEventMayHelp(n(undefined, 1), n('kubernetes.io/gce-pd', 1))(pod, 'VolumeBinding')).toBe(true);
    expect(csiNodeEventMayHelp(n('kubernetes.io/gce-pd', 1), n('kubernetes.io/gce-pd', 2))(pod, 'VolumeBinding')).toBe(false);
    expect(csiNodeEventMayHelp(n('kubernetes.io/gce-pd', 1), n('kubernetes.io/gce-pd', 2))(pod, 'NodeVolumeLimits')).toBe(true);
    expect(csiNodeEventMayHelp(n(undefined, 2), n(undefined, 1))(pod, 'NodeVolumeLimits')).toBe(false);
  });
});
