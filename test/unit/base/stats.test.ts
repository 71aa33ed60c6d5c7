import { describe, expect, it } from 'vitest';
import { formatMs, formatRatio, median, percentile, ratio } from '../../../lab/base/stats.js';

describe('percentile', () => {
  it.each([
    [[1, 2, 3, 4], 50, 2.5],
    [[4, 1, 3, 2], 50, 2.5],
    [[1, 2, 3, 4, 5], 50, 3],
    [[10], 95, 10],
    [[0, 100], 95, 95],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95, 9.55],
    [[1, 2, 3], 0, 1],
    [[1, 2, 3], 100, 3],
    [[1, Number.NaN, 3], 50, 2],
  ])('percentile(%j, %d) = %d', (values, p, expected) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 10);
  });
  it('is undefined for no values', () => expect(percentile([], 50)).toBeUndefined());
  it('rejects p outside 0..100', () => expect(() => percentile([1], 101)).toThrow(RangeError));
  it('does not reorder its input', () => {
    const input = [3, 1, 2];
    percentile(input, 50);
    expect(input).toEqual([3, 1, 2]);
  });
  it('median is p50', () => expect(median([5, 1, 9])).toBe(5));
});

describe('ratio and formatting', () => {
  it.each([
    [2, 4, 0.5],
    [3, 3, 1],
    [undefined, 3, undefined],
    [3, undefined, undefined],
    [3, 0, undefined],
  ])('ratio(%s, %s) = %s', (lab, builtin, expected) => expect(ratio(lab, builtin)).toBe(expected));

  it.each([
    [0.5, false, '0.50× (lab better)'],
    [2, false, '2.00× (built-in better)'],
    [2, true, '2.00× (lab better)'],
    [1.02, false, '1.02× (about the same)'],
    [12.34, false, '12.3× (built-in better)'],
    [undefined, false, 'n/a'],
  ])('formatRatio(%s, higherIsBetter=%s) = %s', (value, higher, expected) => expect(formatRatio(value, higher)).toBe(expected));

  it.each([
    [850.4, '850 ms'],
    [1234, '1.23 s'],
    [12345, '12.3 s'],
    [undefined, 'n/a'],
  ])('formatMs(%s) = %s', (ms, expected) => expect(formatMs(ms)).toBe(expected));
});
