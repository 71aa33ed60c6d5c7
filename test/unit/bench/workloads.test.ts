import { describe, expect, it } from 'vitest';
import { benchPod, benchReplicaSet, bindRate, inParallel, numberedNames, parseRuns, perSecond, UNSCHEDULED } from '../../../lab/bench/workloads.js';

describe('bench workloads', () => {
  it('a bench pod opts into the given scheduler with tiny requests', () => {
    const pod = benchPod('ns', 'p-1', 'lab-scheduler');
    expect(pod.spec!.schedulerName).toBe('lab-scheduler');
    expect(pod.spec!.containers[0]!.resources!.requests).toEqual({ cpu: '1m', memory: '1Mi' });
    expect(pod.metadata).toMatchObject({ name: 'p-1', namespace: 'ns' });
  });

  it('the ReplicaSet\'s pods are served by no scheduler and match its selector', () => {
    const rs = benchReplicaSet('ns', 'burst', 300);
    expect(rs.spec!.replicas).toBe(300);
    expect(rs.spec!.template!.spec!.schedulerName).toBe(UNSCHEDULED);
    expect(rs.spec!.selector.matchLabels).toEqual(rs.spec!.template!.metadata!.labels);
  });

  it.each([
    ['p', 3, ['p-1', 'p-2', 'p-3']],
    ['pod', 10, ['pod-01', 'pod-02', 'pod-03', 'pod-04', 'pod-05', 'pod-06', 'pod-07', 'pod-08', 'pod-09', 'pod-10']],
  ])('numberedNames(%s, %d) sort as numbers do', (prefix, n, names) => {
    expect(numberedNames(prefix, n)).toEqual(names);
    expect([...names].sort()).toEqual(names);
  });

  it.each([
    [[0, 100], [500, 1000, 2000], 1.5],
    [[1000], [1000], undefined],
    [[], [5], undefined],
    [[0], [], undefined],
  ])('bindRate(created %j, bound %j) = %s pods/s', (created, bound, rate) => expect(bindRate(created, bound)).toBe(rate));

  it.each([
    [300, 2000, 150],
    [5, 0, undefined],
  ])('perSecond(%d, %d ms) = %s', (count, span, rate) => expect(perSecond(count, span)).toBe(rate));

  it('inParallel never runs more than the limit at once and does every item', async () => {
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    await inParallel([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      done.push(n);
      active--;
    });
    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it.each(['0', '51', '2.5', 'x'])('rejects --runs %s', (v) => expect(() => parseRuns(v)).toThrow(RangeError));
  it('accepts --runs 5', () => expect(parseRuns('5')).toBe(5));
});

describe('vmRssMiB', () => {
  it('sums VmRSS lines of several processes, in MiB', async () => {
    const { vmRssMiB } = await import('../../../lab/bench/cluster.js');
    expect(vmRssMiB('VmRSS:\t  102400 kB\nVmRSS:\t   51200 kB\n')).toBe(150);
    expect(vmRssMiB('VmHWM: 5 kB')).toBeUndefined();
  });
});
