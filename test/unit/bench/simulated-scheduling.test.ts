import { describe, expect, it } from 'vitest';
import { schedulingSample, simulatedNodePod } from '../../../lab/bench/simulated-scheduling.js';

describe('schedulingSample', () => {
  it('pods/s over first create → last binding; latencies per pod', () => {
    const created = new Map([['a', 0], ['b', 100], ['c', 200], ['d', 300]]);
    const bound = new Map([['a', 500], ['b', 700], ['c', 900], ['d', 2000]]);
    const s = schedulingSample(created, bound);
    expect(s.podsPerSecond).toBeCloseTo(4 / 2); // 4 pods over 2000 ms
    // latencies 500, 600, 700, 1700: p50 650, p99 close to the slowest
    expect(s.p50Ms).toBeCloseTo(650);
    expect(s.p99Ms).toBeCloseTo(700 + (1700 - 700) * 0.97);
  });

  it('a binding of a pod it did not see created counts for the rate but has no latency', () => {
    const s = schedulingSample(new Map([['a', 0]]), new Map([['a', 100], ['x', 1000]]));
    expect(s.p50Ms).toBe(100);
    expect(s.podsPerSecond).toBeCloseTo(2);
  });

  it('nothing bound: no values', () => {
    expect(schedulingSample(new Map([['a', 0]]), new Map())).toEqual({});
  });
});

describe('the pods', () => {
  it('a pod only a simulated node takes: selects type=kwok, tolerates their taint, for the given scheduler', () => {
    const pod = simulatedNodePod('ns', 'sim-001', 'lab-scheduler');
    expect(pod.spec?.schedulerName).toBe('lab-scheduler');
    expect(pod.spec?.nodeSelector).toEqual({ type: 'kwok' });
    expect(pod.spec?.tolerations).toEqual([{ key: 'kwok.x-k8s.io/node', operator: 'Equal', value: 'fake', effect: 'NoSchedule' }]);
    expect(pod.spec?.containers).toHaveLength(1);
  });
});
