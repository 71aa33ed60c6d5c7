import { describe, expect, it } from 'vitest';
import { busySecondsOf } from '../../../lab/bench/cpu.js';
import { abbaOrder, bootstrapPairsInterval, pairRuns, summarizePaired, type RunPair } from '../../../lab/bench/paired.js';
import { median } from '../../../lab/base/stats.js';

describe('abbaOrder', () => {
  it('alternates AB and BA so a linear drift cancels', () => {
    expect(abbaOrder(1)).toEqual(['A', 'B']);
    expect(abbaOrder(2)).toEqual(['A', 'B', 'B', 'A']);
    expect(abbaOrder(3)).toEqual(['A', 'B', 'B', 'A', 'A', 'B']);
  });

  it('a drift growing by 1 per run adds the same to both arms over whole ABBA blocks', () => {
    const order = abbaOrder(4);
    const sum = (arm: string) => order.reduce((s, a, i) => (a === arm ? s + i : s), 0);
    expect(sum('A')).toBe(sum('B'));
  });

  it('refuses a pair count that is not a positive whole number', () => {
    expect(() => abbaOrder(0)).toThrow(RangeError);
    expect(() => abbaOrder(1.5)).toThrow(RangeError);
  });
});

describe('pairRuns', () => {
  it('pairs the k-th A run with the k-th B run, as ABBA order puts them side by side', () => {
    const runs = abbaOrder(2).map((arm, i) => ({ arm, values: [i] }));
    expect(pairRuns(runs)).toEqual([{ a: [0], b: [1] }, { a: [3], b: [2] }]);
    expect(pairRuns([...runs, { arm: 'A' as const, values: [9] }])).toHaveLength(2); // an unpaired run is left out
  });
});

describe('summarizePaired (rollouts pooled, pairs of runs kept whole)', () => {
  it('gives the ratio of the pooled medians and means, and each pair ratio of means in run order', () => {
    const s = summarizePaired([
      { a: [100, 100, 130], b: [110, 110, 120] },
      { a: [200, 200, 200], b: [160, 160, 160] },
    ])!;
    expect(s.medianA).toBe(165); // pooled: 100 100 130 200 200 200
    expect(s.medianB).toBe(140); // 110 110 120 160 160 160
    expect(s.ratioOfMedians).toBeCloseTo(140 / 165);
    expect(s.ratioOfMeans).toBeCloseTo(820 / 930);
    expect(s.pairRatios.map((r) => +r.toFixed(3))).toEqual([+(340 / 330).toFixed(3), 0.8]);
  });

  it('one slow rollout moves the median ratio little and the mean ratio more', () => {
    const steady = Array.from({ length: 5 }, () => ({ a: [1000, 1000, 1000, 1000, 1000], b: [1000, 1000, 1000, 1000, 1000] }));
    steady[2]!.b[4] = 6000;
    const s = summarizePaired(steady)!;
    expect(s.ratioOfMedians).toBe(1);
    expect(s.ratioOfMeans).toBeCloseTo(1.2);
  });

  it('is undefined without a pair that has values on both sides', () => {
    expect(summarizePaired([])).toBeUndefined();
    expect(summarizePaired([{ a: [1], b: [] }])).toBeUndefined();
  });
});

describe('bootstrapPairsInterval', () => {
  const ratioOfMedians = (a: number[], b: number[]) => median(b)! / median(a)!;

  it('is a single point when every pair has the same values', () => {
    const pairs = [1, 2, 3].map(() => ({ a: [100, 100], b: [110, 110] }));
    expect(bootstrapPairsInterval(pairs, ratioOfMedians)).toEqual([1.1, 1.1].map((x) => expect.closeTo(x, 10)));
  });

  it('holds the ratio, and is wider for noisy runs than for steady ones', () => {
    const steadyA = [100, 101, 99, 100, 102, 98, 100, 101];
    const noisyA = [60, 140, 90, 110, 70, 130, 100, 100];
    const noisyB = [130, 80, 150, 90, 110, 140, 120, 100];
    const steady: RunPair[] = steadyA.map((v) => ({ a: [v, v], b: [v * 1.2, v * 1.2] }));
    const noisy: RunPair[] = noisyA.map((v, i) => ({ a: [v], b: [noisyB[i]!] }));
    const [sLow, sHigh] = bootstrapPairsInterval(steady, ratioOfMedians);
    const [nLow, nHigh] = bootstrapPairsInterval(noisy, ratioOfMedians);
    expect(sLow).toBeLessThanOrEqual(1.2);
    expect(sHigh).toBeGreaterThanOrEqual(1.2);
    expect(sHigh - sLow).toBeLessThan(0.05);
    expect(nHigh - nLow).toBeGreaterThan(0.2);
  });

  it('keeps a pair whole: runs whose rollouts move together give a wider interval than the same values spread over pairs', () => {
    // The same 40 values per arm. Clustered: each run is uniformly fast or slow (run-level noise).
    // Spread: every run holds the same mix. Resampling pairs whole must see the first as less certain.
    const levels = [800, 1200, 900, 1100];
    const clustered: RunPair[] = levels.map((l, i) => ({ a: Array(10).fill(l), b: Array(10).fill(levels[(i + 1) % 4]!) }));
    const spread: RunPair[] = levels.map(() => ({ a: [...levels, ...levels, 800, 1200], b: [...levels, ...levels, 900, 1100] }));
    const width = (pairs: RunPair[]) => { const [low, high] = bootstrapPairsInterval(pairs, ratioOfMedians); return high - low; };
    expect(width(clustered)).toBeGreaterThan(width(spread));
  });

  it('is reproducible: same runs, same interval', () => {
    const pairs = [{ a: [1, 2], b: [2, 2] }, { a: [3, 4], b: [4, 3] }, { a: [5], b: [6] }];
    expect(bootstrapPairsInterval(pairs, ratioOfMedians)).toEqual(bootstrapPairsInterval(pairs, ratioOfMedians));
  });

  it('refuses an empty sample', () => {
    expect(() => bootstrapPairsInterval([], ratioOfMedians)).toThrow(RangeError);
  });
});

describe('busySecondsOf', () => {
  it('adds user, nice, system, irq and softirq, not idle, iowait or steal', () => {
    const stat = 'cpu  614822 169 375687 1112774 9185 0 18607 130617 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n';
    expect(busySecondsOf(stat)).toBeCloseTo((614822 + 169 + 375687 + 0 + 18607) / 100);
  });

  it('is undefined for text without a cpu line or with junk in it', () => {
    expect(busySecondsOf('intr 1 2 3')).toBeUndefined();
    expect(busySecondsOf('cpu  1 2 x 4 5')).toBeUndefined();
  });
});
