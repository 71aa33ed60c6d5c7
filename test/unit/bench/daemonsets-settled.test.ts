import type { V1DaemonSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { unsettledDaemonSets } from '../../../lab/bench/daemonsets-settled.js';

const ds = (name: string, generation: number, status: V1DaemonSet['status']): V1DaemonSet => ({ metadata: { name, namespace: 'kube-system', generation }, status });

describe('unsettledDaemonSets', () => {
  it('settled: observed its generation, a pod scheduled and ready on every node it wants', () => {
    expect(unsettledDaemonSets([ds('kube-proxy', 1, { observedGeneration: 1, desiredNumberScheduled: 503, currentNumberScheduled: 503, numberReady: 503, numberMisscheduled: 0 })])).toEqual([]);
  });
  it('not yet: pods still to be scheduled or started, or a generation not yet observed', () => {
    expect(
      unsettledDaemonSets([
        ds('kube-proxy', 1, { observedGeneration: 1, desiredNumberScheduled: 503, currentNumberScheduled: 503, numberReady: 120, numberMisscheduled: 0 }),
        ds('labnet', 1, { observedGeneration: 1, desiredNumberScheduled: 503, currentNumberScheduled: 3, numberReady: 3, numberMisscheduled: 0 }),
        ds('new', 2, { observedGeneration: 1, desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, numberMisscheduled: 0 }),
      ]),
    ).toEqual(['kube-system/kube-proxy 120/503', 'kube-system/labnet 3/503', 'kube-system/new 3/3']);
  });
});
