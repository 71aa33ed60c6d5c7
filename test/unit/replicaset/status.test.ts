import { describe, expect, it } from 'vitest';
import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { computeStatus, isPodAvailable, statusChanged } from '../../../controllers/replicaset/status.js';

const now = new Date('2025-01-01T00:01:00Z');
const secondsAgo = (s: number) => new Date(now.getTime() - s * 1000);

const readyPod = (name: string, readySince: Date | string | undefined, labels = { app: 'web', tier: 'fe' }): V1Pod => ({
  metadata: { name, labels },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: readySince as Date }] },
});
const notReadyPod = (name: string, labels = { app: 'web', tier: 'fe' }): V1Pod => ({
  metadata: { name, labels },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] },
});

const rs = (extra: { minReadySeconds?: number; replicas?: number; status?: V1ReplicaSet['status']; generation?: number } = {}): V1ReplicaSet => ({
  metadata: { name: 'web', namespace: 'ns', generation: extra.generation ?? 2 },
  spec: {
    replicas: extra.replicas ?? 3,
    minReadySeconds: extra.minReadySeconds,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web', tier: 'fe' } } },
  },
  status: extra.status ?? { replicas: 0 },
});

describe('isPodAvailable', () => {
  it.each([
    ['ready, minReadySeconds 0', readyPod('a', now), 0, true],
    ['not ready', notReadyPod('a'), 0, false],
    ['ready exactly minReadySeconds ago is not yet available', readyPod('a', secondsAgo(10)), 10, false],
    ['ready one ms longer is available', readyPod('a', new Date(now.getTime() - 10_001)), 10, true],
    ['ready for less', readyPod('a', secondsAgo(5)), 10, false],
    ['unknown transition time with minReadySeconds', readyPod('a', undefined), 10, false],
    ['ISO string timestamps are accepted', readyPod('a', secondsAgo(30).toISOString()), 10, true],
  ] as Array<[string, V1Pod, number, boolean]>)('%s', (_n, pod, minReadySeconds, want) => {
    expect(isPodAvailable(pod, minReadySeconds, now)).toBe(want);
  });
});

describe('computeStatus', () => {
  it('counts replicas, fully labeled, ready and available pods and records the generation', () => {
    const pods = [readyPod('a', secondsAgo(30)), readyPod('b', secondsAgo(5)), notReadyPod('c'), readyPod('d', secondsAgo(60), { app: 'web' } as never)];
    expect(computeStatus(rs({ minReadySeconds: 10 }), pods, undefined, now)).toEqual({
      replicas: 4,
      fullyLabeledReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 2,
      observedGeneration: 2,
    });
  });

  it('sets ReplicaFailure FailedCreate when creates failed', () => {
    const status = computeStatus(rs({ replicas: 3 }), [readyPod('a', now)], new Error('pods "web-" is forbidden: exceeded quota'), now);
    expect(status.conditions).toEqual([
      { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-" is forbidden: exceeded quota', lastTransitionTime: now },
    ]);
  });

  it('sets FailedDelete when deletes failed', () => {
    const status = computeStatus(rs({ replicas: 0 }), [readyPod('a', now)], new Error('boom'), now);
    expect(status.conditions?.[0]?.reason).toBe('FailedDelete');
  });

  it('keeps an existing failure condition unchanged while errors continue', () => {
    const existing = { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'first', lastTransitionTime: secondsAgo(50) };
    const status = computeStatus(rs({ status: { replicas: 0, conditions: [existing] } }), [], new Error('second'), now);
    expect(status.conditions).toEqual([existing]);
  });

  it('removes the failure condition after a successful sync', () => {
    const existing = { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'x' };
    const status = computeStatus(rs({ status: { replicas: 0, conditions: [existing] } }), [], undefined, now);
    expect(status.conditions).toBeUndefined();
  });
});

describe('statusChanged', () => {
  const pods = [readyPod('a', secondsAgo(30))];
  it('is false when counts, conditions and observedGeneration all match', () => {
    const r = rs({ generation: 2, status: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 } });
    expect(statusChanged(r, computeStatus(r, pods, undefined, now))).toBe(false);
  });
  it('is true for an unobserved generation', () => {
    const r = rs({ generation: 3, status: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 } });
    expect(statusChanged(r, computeStatus(r, pods, undefined, now))).toBe(true);
  });
  it('is true when a count changes', () => {
    const r = rs({ generation: 2, status: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 0, availableReplicas: 0, observedGeneration: 2 } });
    expect(statusChanged(r, computeStatus(r, pods, undefined, now))).toBe(true);
  });
  it('is true when a condition appears', () => {
    const r = rs({ generation: 2, status: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 } });
    expect(statusChanged(r, computeStatus(r, pods, new Error('x'), now))).toBe(true);
  });
});
