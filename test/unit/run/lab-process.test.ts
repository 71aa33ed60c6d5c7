import { describe, expect, it } from 'vitest';
import { Readiness } from '../../../lab/run/lab-process.js';

describe('Readiness (when the in-process lab may be used)', () => {
  it('is ready only once every component has synced, in any order', () => {
    const readiness = new Readiness(['deployment', 'replicaset', 'scheduler']);
    expect(readiness.ready('scheduler')).toBe(false);
    expect(readiness.ready('deployment')).toBe(false);
    expect(readiness.pending).toEqual(['replicaset']);
    expect(readiness.ready('replicaset')).toBe(true);
    expect(readiness.pending).toEqual([]);
  });

  it('counts a component once however often it is announced', () => {
    const readiness = new Readiness(['deployment', 'scheduler']);
    expect(readiness.ready('deployment')).toBe(false);
    expect(readiness.ready('deployment')).toBe(false);
    expect(readiness.ready('scheduler')).toBe(true);
  });

  it('ignores a component it was not asked to wait for', () => {
    const readiness = new Readiness(['replicaset']);
    expect(readiness.ready('scheduler')).toBe(false);
    expect(readiness.ready('replicaset')).toBe(true);
  });
});
