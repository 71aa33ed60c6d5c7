import { describe, expect, it } from 'vitest';
import type { V1LabelSelector } from '@kubernetes/client-node';
import { sameLabels, selectorIsEmpty, selectorMatches, selectorToString } from '../../../controllers/shared/labels.js';

describe('selectorMatches', () => {
  const cases: Array<{ name: string; selector: V1LabelSelector | null | undefined; labels: Record<string, string> | undefined; want: boolean }> = [
    { name: 'null selector matches nothing', selector: null, labels: { a: 'b' }, want: false },
    { name: 'undefined selector matches nothing', selector: undefined, labels: {}, want: false },
    { name: 'empty selector matches everything', selector: {}, labels: { a: 'b' }, want: true },
    { name: 'empty selector matches unlabeled', selector: {}, labels: undefined, want: true },
    { name: 'matchLabels equal', selector: { matchLabels: { app: 'web' } }, labels: { app: 'web', x: 'y' }, want: true },
    { name: 'matchLabels different value', selector: { matchLabels: { app: 'web' } }, labels: { app: 'db' }, want: false },
    { name: 'matchLabels missing key', selector: { matchLabels: { app: 'web' } }, labels: {}, want: false },
    { name: 'matchLabels all keys needed', selector: { matchLabels: { a: '1', b: '2' } }, labels: { a: '1' }, want: false },
    { name: 'In matches', selector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'qa'] }] }, labels: { env: 'qa' }, want: true },
    { name: 'In other value', selector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, labels: { env: 'dev' }, want: false },
    { name: 'In missing key', selector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, labels: {}, want: false },
    { name: 'NotIn other value', selector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels: { env: 'dev' }, want: true },
    { name: 'NotIn missing key matches', selector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels: {}, want: true },
    { name: 'NotIn listed value', selector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels: { env: 'prod' }, want: false },
    { name: 'Exists', selector: { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, labels: { gpu: '' }, want: true },
    { name: 'Exists missing', selector: { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, labels: { cpu: '' }, want: false },
    { name: 'DoesNotExist', selector: { matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, labels: { cpu: '1' }, want: true },
    { name: 'DoesNotExist present', selector: { matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, labels: { gpu: '1' }, want: false },
    {
      name: 'labels AND expressions',
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe'] }] },
      labels: { app: 'web', tier: 'be' },
      want: false,
    },
    { name: 'invalid operator matches nothing', selector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, labels: { a: '2' }, want: false },
    { name: 'In without values is invalid', selector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, labels: { a: '' }, want: false },
    { name: 'Exists with values is invalid', selector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, labels: { a: 'x' }, want: false },
  ];
  it.each(cases)('$name', ({ selector, labels, want }) => {
    expect(selectorMatches(selector, labels)).toBe(want);
  });

  it('does not treat inherited properties as labels', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, {})).toBe(false);
  });
});

describe('selectorToString', () => {
  it.each([
    [{ matchLabels: { b: '2', a: '1' } }, 'a=1,b=2'],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['qa', 'prod'] }] }, 'env in (prod,qa)'],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['x'] }] }, 'env notin (x)'],
    [{ matchExpressions: [{ key: 'z', operator: 'Exists' }, { key: 'y', operator: 'DoesNotExist' }] }, '!y,z'],
    [{}, ''],
  ] as Array<[V1LabelSelector, string]>)('%j → %s', (selector, want) => {
    expect(selectorToString(selector)).toBe(want);
  });

  it('gives undefined for a null selector and throws for an invalid one', () => {
    expect(selectorToString(null)).toBeUndefined();
    expect(() => selectorToString({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] })).toThrow(/invalid/);
  });
});

describe('selectorIsEmpty', () => {
  it('is true only for a valid selector without requirements', () => {
    expect(selectorIsEmpty({})).toBe(true);
    expect(selectorIsEmpty({ matchLabels: {} })).toBe(true);
    expect(selectorIsEmpty({ matchLabels: { a: 'b' } })).toBe(false);
    expect(selectorIsEmpty(undefined)).toBe(false);
  });
});

describe('sameLabels', () => {
  it('compares label sets whatever their key order', () => {
    expect(sameLabels({ app: 'web', tier: 'fe' }, { tier: 'fe', app: 'web' })).toBe(true);
    expect(sameLabels(undefined, {})).toBe(true);
    expect(sameLabels({ app: 'web' }, { app: 'api' })).toBe(false);
    expect(sameLabels({ app: 'web' }, { app: 'web', tier: 'fe' })).toBe(false);
    expect(sameLabels({ app: 'web', tier: 'fe' }, { app: 'web' })).toBe(false);
  });
});
