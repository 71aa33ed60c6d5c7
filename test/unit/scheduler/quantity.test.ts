import { describe, expect, it } from 'vitest';
import { formatBytes, formatMilliCpu, isQuantity, quantityMilliValue, quantityValue } from '../../../controllers/scheduler/quantity.js';

describe('quantityMilliValue (cpu)', () => {
  it.each([
    ['100m', 100],
    ['1', 1000],
    ['0.1', 100],
    ['0.5', 500],
    ['1.5', 1500],
    ['2500m', 2500],
    ['.5', 500],
    ['1e3', 1_000_000],
    ['1E-3', 1],
    ['1k', 1_000_000],
    ['0.0001', 1], // rounds up, like MilliValue
    ['1u', 1],
    ['0', 0],
    ['-1', -1000],
    [4, 4000],
  ])('%s → %i millicores', (input, expected) => {
    expect(quantityMilliValue(input)).toBe(expected);
  });
});

describe('quantityValue (bytes and counts)', () => {
  it.each([
    ['64Mi', 64 * 1024 * 1024],
    ['1Gi', 1024 ** 3],
    ['1Ki', 1024],
    ['1G', 1e9],
    ['1M', 1e6],
    ['1k', 1000],
    ['1e3', 1000],
    ['128974848', 128974848],
    ['129e6', 129e6],
    ['123Mi', 123 * 1024 * 1024],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['100m', 1], // 0.1 rounds up to 1
    ['110', 110],
    ['0.5Ki', 512],
  ])('%s → %i', (input, expected) => {
    expect(quantityValue(input)).toBe(expected);
  });

  it.each(['', 'abc', '1Mb', '1.2.3', '1 Gi', 'Mi', '1e', '--1'])('rejects %j', (input) => {
    expect(() => quantityValue(input)).toThrow(/invalid quantity/);
    expect(isQuantity(input)).toBe(false);
  });
});

describe('formatting', () => {
  it('formats cpu and bytes for traces', () => {
    expect(formatMilliCpu(1500)).toBe('1500m');
    expect(formatMilliCpu(2000)).toBe('2');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64Mi');
    expect(formatBytes(1024 ** 3)).toBe('1Gi');
    expect(formatBytes(1000)).toBe('1000');
  });
});
