import type { V1DaemonSet, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { unsettledDaemonSets } from '../../../lab/bench/daemonsets-settled.js';

const ds = (name: string, generation: number, status: V1DaemonSet['status']): V1DaemonSet => ({ metadata: { name, namespace: 'kube-system', generation, uid: `uid-${name}` }, status });
const pendingOf = (owner: string, kind = 'DaemonSet'): V1Pod => ({ metadata: { name: `${owner}-x`, ownerReferences: [{ apiVersion: 'apps/v1', kind, name: owner, uid: `uid-${owner}`, controller: true }] } });
const full = { observedGeneration: 1, desiredNumberScheduled: 503, currentNumberScheduled: 503, numberReady: 464, numberMisscheduled: 0 };

describe('unsettledDaemonSets', () => {
  it('settled: generation observed, a pod placed on every node it wants, none pending (readiness is not waited for)', () => {
    expect(unsettledDaemonSets([ds('kube-proxy', 1, full)], [pendingOf('web', 'ReplicaSet')])).toEqual([]);
  });
  it('not yet: pods still to be placed or started, or a generation not yet observed', () => {
    expect(
      unsettledDaemonSets(
        [ds('kube-proxy', 1, full), ds('labnet', 1, { ...full, currentNumberScheduled: 3 }), ds('new', 2, full)],
        [pendingOf('kube-proxy'), pendingOf('kube-proxy')],
      ),
    ).toEqual(['kube-system/kube-proxy: 503/503 placed, 2 pending', 'kube-system/labnet: 3/503 placed, 0 pending', 'kube-system/new: 503/503 placed, 0 pending']);
  });
});
