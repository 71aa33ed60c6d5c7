import { describe, expect, it } from 'vitest';
import { boundingSetOf, CAPABILITY_NAMES, missingCapabilities } from '../../../lab/doctor/capabilities.js';
import { atLeast, parseGoVersion, parseSemver, type Version } from '../../../lab/doctor/versions.js';

describe('versions', () => {
  it.each([
    ['22.19.0', [22, 19, 0]],
    ['v22.23.3', [22, 23, 3]],
    ['1.24', [1, 24, 0]],
    ['nonsense', undefined],
  ])('parseSemver(%s)', (text, expected) => {
    expect(parseSemver(text)).toEqual(expected);
  });

  it.each([
    ['go version go1.24.2 linux/amd64', [1, 24, 2]],
    ['go version go1.25rc1 linux/arm64', [1, 25, 0]],
    ['go version go1.19.8 linux/amd64', [1, 19, 8]],
    ['command not found', undefined],
  ])('parseGoVersion(%s)', (text, expected) => {
    expect(parseGoVersion(text)).toEqual(expected);
  });

  it.each<[Version, Version, boolean]>([
    [[22, 19, 0], [22, 19, 0], true],
    [[22, 18, 9], [22, 19, 0], false],
    [[23, 0, 0], [22, 19, 0], true],
    [[20, 20, 2], [22, 19, 0], false],
    [[1, 24, 0], [1, 24, 0], true],
    [[1, 23, 12], [1, 24, 0], false],
  ])('atLeast(%j, %j) = %s', (v, min, expected) => {
    expect(atLeast(v, min)).toBe(expected);
  });
});

describe('capabilities', () => {
  it('reads CapBnd from /proc/self/status', () => {
    expect(boundingSetOf('Name:\tx\nCapEff:\t0000000000000000\nCapBnd:\t000001fffeffffff\n')).toBe(0x1fffeffffffn);
    expect(boundingSetOf('Name:\tx\n')).toBeUndefined();
  });

  it('a full set up to cap_last_cap lacks nothing', () => {
    expect(missingCapabilities(0x1ffffffffffn, 40)).toEqual([]);
  });

  it('names the cleared bits (bit 24 is CAP_SYS_RESOURCE, bit 21 CAP_SYS_ADMIN)', () => {
    expect(missingCapabilities(0x1fffeffffffn, 40)).toEqual(['CAP_SYS_RESOURCE']);
    expect(missingCapabilities(0x1ffffdfffffn & ~(1n << 24n), 40)).toEqual(['CAP_SYS_ADMIN', 'CAP_SYS_RESOURCE']);
  });

  it('ignores bits the kernel does not have (older kernel: cap_last_cap 37)', () => {
    expect(missingCapabilities(0x3fffffffffn, 37)).toEqual([]);
    expect(missingCapabilities(0x3fffffffffn, 40)).toEqual(['CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE']);
  });

  it('knows 41 names, CAP_CHOWN first', () => {
    expect(CAPABILITY_NAMES).toHaveLength(41);
    expect(CAPABILITY_NAMES[0]).toBe('CAP_CHOWN');
    expect(CAPABILITY_NAMES[40]).toBe('CAP_CHECKPOINT_RESTORE');
  });
});
