import { describe, expect, it } from 'vitest';
import { addInt32, addInt64, compareBigInt, MAX_INT64, MIN_INT64, parseInt64 } from '../../../controllers/shared/int64.js';

describe('parseInt64 (strconv.ParseInt(s, 10, 64))', () => {
  it.each([
    ['0', 0n],
    ['-0', 0n],
    ['+0', 0n],
    ['1', 1n],
    ['+1', 1n],
    ['-1', -1n],
    ['12345', 12345n],
    ['-12345', -12345n],
    ['012345', 12345n],
    ['-012345', -12345n],
    ['98765432100', 98765432100n],
    ['9007199254740993', 9007199254740993n], // 2^53 + 1: a number would round it
    ['3546343826724305832', 3546343826724305832n],
    ['9223372036854775807', MAX_INT64],
    ['-9223372036854775808', MIN_INT64],
    ['00000000000000000000009223372036854775807', MAX_INT64],
  ])('%s → %s', (text, want) => {
    expect(parseInt64(text)).toBe(want);
  });

  it.each([
    ['', 'empty'],
    ['+', 'sign only'],
    ['-', 'sign only'],
    ['9223372036854775808', 'MaxInt64 + 1 is out of range'],
    ['-9223372036854775809', 'MinInt64 - 1 is out of range'],
    ['18446744073709551616', 'past uint64 too'],
    ['1_000', 'underscores need base 0'],
    ['_12345', 'leading underscore'],
    ['12345_', 'trailing underscore'],
    ['123%45', 'junk'],
    [' 1', 'leading space'],
    ['1 ', 'trailing space'],
    ['1.0', 'a fraction'],
    ['1e3', 'an exponent'],
    ['0x10', 'hex'],
    ['١٢', 'non-ASCII digits'],
    ['--1', 'two signs'],
  ])('%j is unparsable (%s)', (text) => {
    expect(parseInt64(text)).toBeUndefined();
  });
});

describe('addInt64', () => {
  it('adds exactly past 2^53', () => {
    expect(addInt64(3546343826724305832n, 1n)).toBe(3546343826724305833n);
    expect(String(addInt64(3546343826724305832n, 1n))).toBe('3546343826724305833');
  });

  it('wraps around like Go', () => {
    expect(addInt64(MAX_INT64, 1n)).toBe(MIN_INT64);
    expect(addInt64(MIN_INT64, -1n)).toBe(MAX_INT64);
  });
});

describe('addInt32', () => {
  it('adds, and wraps around like Go', () => {
    expect(addInt32(0, 1)).toBe(1);
    expect(addInt32(2147483646, 1)).toBe(2147483647);
    expect(addInt32(2147483647, 1)).toBe(-2147483648);
  });
});

describe('compareBigInt', () => {
  it('sorts ascending, exactly where numbers would tie', () => {
    const values = [3546343826724305833n, 3546343826724305832n, -1n, 3546343826724305831n, 0n];
    expect([...values].sort(compareBigInt)).toEqual([-1n, 0n, 3546343826724305831n, 3546343826724305832n, 3546343826724305833n]);
    expect(compareBigInt(5n, 5n)).toBe(0);
  });
});
