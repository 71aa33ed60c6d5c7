import { describe, expect, it } from 'vitest';
import { busySecondsOf } from '../../../lab/bench/cpu.js';
import { abbaOrder, bootstrapRatioInterval, summarizePaired } from '../../../lab/bench/paired.js';

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

describe('summarizePaired', () => {
  it('gives the ratio of medians and each pair ratio in run order', () => {
    const s = summarizePaired([
      { arm: 'A', value: 100 },
      { arm: 'B', value: 110 },
      { arm: 'B', value: 200 },
      { arm: 'A', value: 250 },
      { arm: 'A', value: 90 },
      { arm: 'B', value: 90 },
    ])!;
    expect(s.medianA).toBe(100);
    expect(s.medianB).toBe(110);
    expect(s.ratioOfMedians).toBeCloseTo(1.1);
    expect(s.pairRatios.map((r) => +r.toFixed(2))).toEqual([1.1, 0.8, 1]);
    expect(s.medianPairRatio).toBeCloseTo(1);
  });

  it('is undefined without one whole pair; an unpaired run still counts in its median', () => {
    expect(summarizePaired([{ arm: 'A', value: 1 }])).toBeUndefined();
    const s = summarizePaired([
      { arm: 'A', value: 10 },
      { arm: 'B', value: 20 },
      { arm: 'B', value: 40 },
    ])!;
    expect(s.pairRatios).toEqual([2]);
    expect(s.medianB).toBe(30);
  });
});

describe('bootstrapRatioInterval', () => {
  it('is a single point when every pair has the same values', () => {
    expect(bootstrapRatioInterval([100, 100, 100], [110, 110, 110])).toEqual([1.1, 1.1].map((x) => expect.closeTo(x, 10)));
  });

  it('holds the ratio of medians, and is wider for noisy runs than for steady ones', () => {
    const steadyA = [100, 101, 99, 100, 102, 98, 100, 101];
    const steadyB = steadyA.map((v) => v * 1.2);
    const noisyA = [60, 140, 90, 110, 70, 130, 100, 100];
    const noisyB = [130, 80, 150, 90, 110, 140, 120, 100];
    const [sLow, sHigh] = bootstrapRatioInterval(steadyA, steadyB);
    const [nLow, nHigh] = bootstrapRatioInterval(noisyA, noisyB);
    expect(sLow).toBeLessThanOrEqual(1.2);
    expect(sHigh).toBeGreaterThanOrEqual(1.2);
    expect(sHigh - sLow).toBeLessThan(0.05);
    expect(nHigh - nLow).toBeGreaterThan(0.2);
  });

  it('is reproducible: same runs, same interval', () => {
    const a = [1, 2, 3, 4, 5];
    const b = [2, 2, 4, 3, 6];
    expect(bootstrapRatioInterval(a, b)).toEqual(bootstrapRatioInterval(a, b));
  });

  it('refuses an empty sample', () => {
    expect(() => bootstrapRatioInterval([], [])).toThrow(RangeError);
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
