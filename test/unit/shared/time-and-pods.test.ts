import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isPodTerminal } from '../../../controllers/shared/pods.js';
import { epochMillisOrUndefined, epochMillisOrZero } from '../../../controllers/shared/time.js';

const iso = '2024-05-01T10:00:00Z';
const ms = Date.parse(iso);

describe('epochMillisOrZero (sorting and deadlines: a missing time is the oldest)', () => {
  it('reads a Date and an ISO string alike', () => {
    expect(epochMillisOrZero(new Date(iso))).toBe(ms);
    expect(epochMillisOrZero(iso)).toBe(ms);
  });
  it('gives 0 for a missing time', () => {
    expect(epochMillisOrZero(undefined)).toBe(0);
    expect(epochMillisOrZero(null)).toBe(0);
  });
  it('gives NaN for a string it cannot parse (including the empty string)', () => {
    expect(epochMillisOrZero('not a time')).toBeNaN();
    expect(epochMillisOrZero('')).toBeNaN();
  });
});

describe('epochMillisOrUndefined (a missing time stays missing)', () => {
  it('reads a Date and an ISO string alike', () => {
    expect(epochMillisOrUndefined(new Date(iso))).toBe(ms);
    expect(epochMillisOrUndefined(iso)).toBe(ms);
  });
  it('gives undefined for a missing, empty or unparsable time', () => {
    for (const t of [undefined, null, '', 'not a time', new Date(Number.NaN)]) expect(epochMillisOrUndefined(t)).toBeUndefined();
  });
});

describe('isPodTerminal', () => {
  const pod = (phase?: string): V1Pod => ({ status: phase === undefined ? undefined : { phase } });
  it('is true for Succeeded and Failed only', () => {
    expect(isPodTerminal(pod('Succeeded'))).toBe(true);
    expect(isPodTerminal(pod('Failed'))).toBe(true);
    for (const phase of ['Pending', 'Running', 'Unknown', undefined]) expect(isPodTerminal(pod(phase))).toBe(false);
  });
  it('ignores deletion: a deleting Running pod has not finished', () => {
    expect(isPodTerminal({ metadata: { deletionTimestamp: new Date(iso) }, status: { phase: 'Running' } })).toBe(false);
  });
});
