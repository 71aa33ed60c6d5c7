/**
 * The volume plugins' test objects, shaped like upstream's volumebinding/binder_test.go fixtures
 * (makeTestPVC, makeTestPV, the wait/immediate/provisioner classes, node1/node2 labelled nodeKey).
 */
import type { V1Node, V1PersistentVolume, V1PersistentVolumeClaim, V1Pod, V1StorageClass } from '@kubernetes/client-node';
import { CycleState } from '../../../controllers/scheduler/framework/cycle-state.js';
import { clusterListers, LISTERS_KEY, listOf, type ListerSources, type VolumeClient } from '../../../controllers/scheduler/framework/listers.js';

export const NODE_LABEL_KEY = 'nodeKey';
export const WAIT_CLASS = 'waitClass';
export const IMMEDIATE_CLASS = 'immediateClass';
export const WAIT_CLASS_WITH_PROVISIONER = 'waitClassWithProvisioner';
export const TOPO_MISMATCH_CLASS = 'topoMismatchClass';
export const NS = 'testns';

export const classes: V1StorageClass[] = [
  { metadata: { name: WAIT_CLASS }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' },
  { metadata: { name: IMMEDIATE_CLASS }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'Immediate' },
  { metadata: { name: WAIT_CLASS_WITH_PROVISIONER }, provisioner: 'test-provisioner', volumeBindingMode: 'WaitForFirstConsumer' },
  {
    metadata: { name: TOPO_MISMATCH_CLASS },
    provisioner: 'test-provisioner',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowedTopologies: [{ matchLabelExpressions: [{ key: NODE_LABEL_KEY, values: ['reference-value'] }] }],
  },
];

export type ClaimState = 'unbound' | 'prebound' | 'bound' | { selectedNode: string };

/** Upstream's makeTestPVC. */
export function pvc(name: string, size: string, state: ClaimState, pvName = '', className: string | undefined = WAIT_CLASS, resourceVersion = '1'): V1PersistentVolumeClaim {
  const annotations: Record<string, string> = {};
  if (typeof state === 'object') annotations['volume.kubernetes.io/selected-node'] = state.selectedNode;
  if (state === 'bound') annotations['pv.kubernetes.io/bind-completed'] = 'yes';
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: NS, uid: 'pvc-uid', resourceVersion, annotations },
    spec: {
      resources: { requests: { storage: size } },
      storageClassName: className,
      volumeMode: 'Filesystem',
      ...(state === 'bound' || state === 'prebound' ? { volumeName: pvName } : {}),
    },
  };
}

/** Upstream's makeTestPV: node affinity nodeKey In [node], Available, optionally bound to a claim. */
export function pv(name: string, node: string, capacity: string, version: string, boundTo: V1PersistentVolumeClaim | undefined, className: string): V1PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, resourceVersion: version, annotations: boundTo ? { 'pv.kubernetes.io/bound-by-controller': 'yes' } : {} },
    spec: {
      capacity: { storage: capacity },
      storageClassName: className,
      volumeMode: 'Filesystem',
      ...(node ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: NODE_LABEL_KEY, operator: 'In', values: [node] }] }] } } } : {}),
      ...(boundTo
        ? { claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', resourceVersion: boundTo.metadata!.resourceVersion, name: boundTo.metadata!.name, namespace: NS, uid: boundTo.metadata!.uid } }
        : {}),
    },
    status: { phase: 'Available' },
  };
}

export function labelledNode(name: string, labels: Record<string, string> = { [NODE_LABEL_KEY]: name }): V1Node {
  return { metadata: { name, labels }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } };
}

export const node1 = labelledNode('node1');
export const node2 = labelledNode('node2');

/** A pod in testns using the claims by name (and any extra volumes). */
export function podWithClaims(name: string, claims: readonly string[], extra: Partial<V1Pod['spec']> = {}, nodeName?: string): V1Pod {
  return {
    metadata: { name, namespace: NS, uid: `${name}-uid` },
    spec: {
      nodeName,
      containers: [{ name: 'c', image: 'i' }],
      volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })),
      ...extra,
    },
  };
}

/** Mutable object stores standing in for the informers, so tests can play the PV controller. */
export class VolumeWorld {
  pvcs: V1PersistentVolumeClaim[];
  pvs: V1PersistentVolume[];
  constructor(pvcs: V1PersistentVolumeClaim[] = [], pvs: V1PersistentVolume[] = [], readonly extra: ListerSources = {}) {
    this.pvcs = pvcs;
    this.pvs = pvs;
  }

  sources(client?: VolumeClient): ListerSources {
    return {
      persistentVolumeClaims: { list: (ns) => listOf(this.pvcs).list(ns), get: (ns, n) => listOf(this.pvcs).get(ns, n) },
      persistentVolumes: { list: () => this.pvs, get: (_ns, n) => this.pvs.find((p) => p.metadata?.name === n) },
      storageClasses: listOf(classes),
      volumeClient: client,
      ...this.extra,
    };
  }

  state(client?: VolumeClient): CycleState {
    const state = new CycleState();
    state.write(LISTERS_KEY, clusterListers(this.sources(client)));
    return state;
  }

  replacePV(next: V1PersistentVolume): void {
    this.pvs = this.pvs.map((p) => (p.metadata?.name === next.metadata?.name ? next : p));
  }

  replacePVC(next: V1PersistentVolumeClaim): void {
    this.pvcs = this.pvcs.map((p) => (p.metadata?.name === next.metadata?.name && p.metadata?.namespace === next.metadata?.namespace ? next : p));
  }
}

