import { describe, expect, it } from 'vitest';
import { canonicalJson, computePodTemplateHash, fnv32a, safeEncodeString, SAFE_ALPHANUMS } from '../../../controllers/deployment/hash.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('fnv32a', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('hashes %j like the reference FNV-1a', (input, expected) => {
    expect(fnv32a(bytes(input))).toBe(expected);
  });

  it('can continue from a previous hash (chunked input equals whole input)', () => {
    expect(fnv32a(bytes('bar'), fnv32a(bytes('foo')))).toBe(fnv32a(bytes('foobar')));
  });
});

describe('safeEncodeString', () => {
  it('maps each character by code point modulo 27', () => {
    // '0' is 48 -> 48 % 27 = 21 -> '4'; '9' is 57 -> 3 -> 'f'
    expect(safeEncodeString('09')).toBe(`${SAFE_ALPHANUMS[21]}${SAFE_ALPHANUMS[3]}`);
    expect(safeEncodeString('09')).toBe('4f');
  });
  it('only ever produces characters of the safe alphabet', () => {
    expect(safeEncodeString('4294967295')).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });
});

describe('computePodTemplateHash', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };

  it('does not depend on key order', () => {
    const reordered = { spec: { containers: [{ image: 'nginx:1', name: 'c' }] }, metadata: { labels: { app: 'web' } } };
    expect(computePodTemplateHash(reordered)).toBe(computePodTemplateHash(template));
    expect(canonicalJson(reordered)).toBe(canonicalJson(template));
  });

  it('changes with the template', () => {
    const other = { ...template, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } };
    expect(computePodTemplateHash(other)).not.toBe(computePodTemplateHash(template));
  });

  it('changes with the collision count, and count 0 differs from no count', () => {
    const none = computePodTemplateHash(template);
    const zero = computePodTemplateHash(template, 0);
    const one = computePodTemplateHash(template, 1);
    expect(new Set([none, zero, one]).size).toBe(3);
  });

  it('is the safe encoding of a decimal uint32', () => {
    const h = computePodTemplateHash(template);
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(h).toBe(safeEncodeString(String(fnv32a(bytes(canonicalJson(template))))));
  });
});
