/**
 * VolumeBinding's assume cache (upstream volumebinding/assume_cache.go): between Reserve and the
 * informer seeing the API write, the PVs a pod was matched with and the PVCs it asked to have
 * provisioned are read in their assumed form, so the next pod does not pick the same PV. An
 * assumed object gives way as soon as the informer delivers a newer version (a different
 * resourceVersion than the one it was assumed over), and Unreserve restores it at once.
 */
import type { KubernetesObject, V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { ClusterListers } from '../framework/listers.js';

interface Assumed<T> {
  readonly object: T;
  /** The resourceVersion of the informer's copy it was assumed over. */
  readonly overVersion: string | undefined;
}

class Overlay<T extends KubernetesObject> {
  private readonly assumed = new Map<string, Assumed<T>>();

  /** The assumed copy while the informer still holds the version it was assumed over, else the informer's. */
  view(key: string, informed: T | undefined): T | undefined {
    const entry = this.assumed.get(key);
    if (!entry) return informed;
    if (informed && informed.metadata?.resourceVersion !== entry.overVersion) {
      this.assumed.delete(key);
      return informed;
    }
    return entry.object;
  }

  assume(key: string, object: T, informed: T | undefined): void {
    this.assumed.set(key, { object, overVersion: informed?.metadata?.resourceVersion });
  }

  restore(key: string): void {
    this.assumed.delete(key);
  }

  keys(): string[] {
    return [...this.assumed.keys()];
  }
}

export function claimKey(pvc: V1PersistentVolumeClaim): string {
  return `${pvc.metadata?.namespace ?? ''}/${pvc.metadata?.name ?? ''}`;
}

export class VolumeAssumeCache {
  private readonly pvs = new Overlay<V1PersistentVolume>();
  private readonly pvcs = new Overlay<V1PersistentVolumeClaim>();

  pv(listers: ClusterListers, name: string): V1PersistentVolume | undefined {
    return this.pvs.view(name, listers.persistentVolume(name));
  }

  /** Every PV, assumed ones in their assumed form (upstream's pvCache.ListPVs). */
  allPVs(listers: ClusterListers): V1PersistentVolume[] {
    return listers.persistentVolumes().map((pv) => this.pvs.view(pv.metadata?.name ?? '', pv) ?? pv);
  }

  pvc(listers: ClusterListers, namespace: string, name: string): V1PersistentVolumeClaim | undefined {
    return this.pvcs.view(`${namespace}/${name}`, listers.persistentVolumeClaim(namespace, name));
  }

  assumePV(listers: ClusterListers, pv: V1PersistentVolume): void {
    const name = pv.metadata?.name ?? '';
    this.pvs.assume(name, pv, listers.persistentVolume(name));
  }

  assumePVC(listers: ClusterListers, pvc: V1PersistentVolumeClaim): void {
    const { namespace = '', name = '' } = pvc.metadata ?? {};
    this.pvcs.assume(claimKey(pvc), pvc, listers.persistentVolumeClaim(namespace, name));
  }

  restorePV(name: string): void {
    this.pvs.restore(name);
  }

  restorePVC(key: string): void {
    this.pvcs.restore(key);
  }

  /** Names of assumed PVs and keys of assumed PVCs (tests, logs). */
  assumed(): { pvs: string[]; pvcs: string[] } {
    return { pvs: this.pvs.keys(), pvcs: this.pvcs.keys() };
  }
}
