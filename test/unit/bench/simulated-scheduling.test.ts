import { describe, expect, it } from 'vitest';
import { recordSample, schedulingSample, SIM_SCALES, simulatedNodePod, simulatedSchedulingRows } from '../../../lab/bench/simulated-scheduling.js';
import { MEASUREMENT_IDS } from '../../../lab/bench/measurements/index.js';

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

describe('the pods and rows', () => {
  it('a pod only a simulated node takes: selects type=kwok, tolerates their taint, for the given scheduler', () => {
    const pod = simulatedNodePod('ns', 'sim-001', 'lab-scheduler');
    expect(pod.spec?.schedulerName).toBe('lab-scheduler');
    expect(pod.spec?.nodeSelector).toEqual({ type: 'kwok' });
    expect(pod.spec?.tolerations).toEqual([{ key: 'kwok.x-k8s.io/node', operator: 'Equal', value: 'fake', effect: 'NoSchedule' }]);
    expect(pod.spec?.containers).toHaveLength(1);
  });

  it('three rows per scale, ids naming the node count, and --only knows sched-sim', () => {
    expect(MEASUREMENT_IDS).toContain('sched-sim');
    const ids = SIM_SCALES.flatMap((n) => Object.values(simulatedSchedulingRows(n)).map((r) => r.id));
    expect(ids).toEqual(['sched-sim-10', 'sched-sim-10-p50', 'sched-sim-10-p99', 'sched-sim-100', 'sched-sim-100-p50', 'sched-sim-100-p99']);
    const rows = simulatedSchedulingRows(100);
    expect(rows.rate).toMatchObject({ unit: 'pods/s', higherIsBetter: true });
    expect(rows.p99).toMatchObject({ unit: 'ms', higherIsBetter: false });
    recordSample(rows, 'lab', { podsPerSecond: 18, p50Ms: 400 });
    recordSample(rows, 'builtin', { podsPerSecond: 40, p50Ms: 100, p99Ms: 900 });
    expect([rows.rate.lab, rows.rate.builtin, rows.p50.lab, rows.p50.builtin, rows.p99.lab, rows.p99.builtin]).toEqual([18, 40, 400, 100, undefined, 900]);
  });
});
