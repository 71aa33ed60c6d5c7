import { describe, expect, it } from 'vitest';
import type { IntOrString, V1ReplicaSet } from '@kubernetes/client-node';
import {
  findActiveOrLatest,
  isSaturated,
  isScalingEvent,
  planScale,
  replicaSetFraction,
  replicasAnnotationsNeedUpdate,
  withReplicasAnnotations,
} from '../../../controllers/deployment/scale.js';
import { maxSurge } from '../../../controllers/deployment/rolling.js';
import { MAX_REPLICAS_ANNOTATION } from '../../../controllers/deployment/constants.js';
import { deployment, NEW_TS, OLD_TS, OLDER_TS, rs, withAnnotations, withReplicaAnnotations } from './fixtures.js';

interface ScaleCase {
  name: string;
  replicas: number;
  oldReplicas: number;
  surge?: IntOrString;
  oldSurge?: IntOrString;
  newRS?: [string, number, Date];
  oldRSs: [string, number, Date][];
  expected: Record<string, number>;
  desiredAnnotations?: Record<string, number>;
  newAvailable?: number;
  templateChanged?: boolean;
}

// sync_test.go TestScale: every ReplicaSet was last scaled for the old Deployment size.
const cases: ScaleCase[] = [
  { name: 'normal scaling event: 10 -> 12', replicas: 12, oldReplicas: 10, newRS: ['foo-v1', 10, NEW_TS], oldRSs: [], expected: { 'foo-v1': 12 } },
  { name: 'normal scaling event: 10 -> 5', replicas: 5, oldReplicas: 10, newRS: ['foo-v1', 10, NEW_TS], oldRSs: [], expected: { 'foo-v1': 5 } },
  { name: 'proportional scaling: 5 -> 10', replicas: 10, oldReplicas: 5, newRS: ['foo-v2', 2, NEW_TS], oldRSs: [['foo-v1', 3, OLD_TS]], expected: { 'foo-v2': 4, 'foo-v1': 6 } },
  { name: 'proportional scaling: 5 -> 3', replicas: 3, oldReplicas: 5, newRS: ['foo-v2', 2, NEW_TS], oldRSs: [['foo-v1', 3, OLD_TS]], expected: { 'foo-v2': 1, 'foo-v1': 2 } },
  { name: 'proportional scaling: 9 -> 4', replicas: 4, oldReplicas: 9, newRS: ['foo-v2', 8, NEW_TS], oldRSs: [['foo-v1', 1, OLD_TS]], expected: { 'foo-v2': 4, 'foo-v1': 0 } },
  { name: 'proportional scaling: 7 -> 10', replicas: 10, oldReplicas: 7, newRS: ['foo-v3', 2, NEW_TS], oldRSs: [['foo-v2', 3, OLD_TS], ['foo-v1', 2, OLDER_TS]], expected: { 'foo-v3': 3, 'foo-v2': 4, 'foo-v1': 3 } },
  { name: 'proportional scaling: 13 -> 8', replicas: 8, oldReplicas: 13, newRS: ['foo-v3', 2, NEW_TS], oldRSs: [['foo-v2', 8, OLD_TS], ['foo-v1', 3, OLDER_TS]], expected: { 'foo-v3': 1, 'foo-v2': 5, 'foo-v1': 2 } },
  { name: 'leftover distribution: 3 -> 4', replicas: 4, oldReplicas: 3, newRS: ['foo-v3', 1, NEW_TS], oldRSs: [['foo-v2', 1, OLD_TS], ['foo-v1', 1, OLDER_TS]], expected: { 'foo-v3': 2, 'foo-v2': 1, 'foo-v1': 1 } },
  { name: 'leftover distribution: 3 -> 2', replicas: 2, oldReplicas: 3, newRS: ['foo-v3', 1, NEW_TS], oldRSs: [['foo-v2', 1, OLD_TS], ['foo-v1', 1, OLDER_TS]], expected: { 'foo-v3': 1, 'foo-v2': 1, 'foo-v1': 0 } },
  { name: 'proportional scaling (no new rs): 4 -> 5', replicas: 5, oldReplicas: 4, oldRSs: [['foo-v2', 2, OLD_TS], ['foo-v1', 2, OLDER_TS]], expected: { 'foo-v2': 3, 'foo-v1': 2 } },
  { name: 'proportional scaling: 6 -> 0', replicas: 0, oldReplicas: 6, newRS: ['foo-v3', 3, NEW_TS], oldRSs: [['foo-v2', 2, OLD_TS], ['foo-v1', 1, OLDER_TS]], expected: { 'foo-v3': 0, 'foo-v2': 0, 'foo-v1': 0 } },
  { name: 'proportional scaling: 0 -> 6', replicas: 6, oldReplicas: 6, newRS: ['foo-v3', 0, NEW_TS], oldRSs: [['foo-v2', 0, OLD_TS], ['foo-v1', 0, OLDER_TS]], expected: { 'foo-v3': 6, 'foo-v2': 0, 'foo-v1': 0 } },
  { name: 'failed rs update', replicas: 5, oldReplicas: 5, newRS: ['foo-v3', 2, NEW_TS], oldRSs: [['foo-v2', 1, OLD_TS], ['foo-v1', 1, OLDER_TS]], desiredAnnotations: { 'foo-v2': 3 }, expected: { 'foo-v3': 2, 'foo-v2': 2, 'foo-v1': 1 } },
  { name: 'deployment with surge pods', replicas: 20, oldReplicas: 10, surge: 2, oldSurge: 2, newRS: ['foo-v2', 6, NEW_TS], oldRSs: [['foo-v1', 6, OLD_TS]], expected: { 'foo-v2': 11, 'foo-v1': 11 } },
  { name: 'change both surge and size', replicas: 50, oldReplicas: 10, surge: 6, oldSurge: 3, newRS: ['foo-v2', 5, NEW_TS], oldRSs: [['foo-v1', 8, OLD_TS]], expected: { 'foo-v2': 22, 'foo-v1': 34 } },
  { name: 'change both size and template', replicas: 14, oldReplicas: 10, oldRSs: [['foo-v2', 7, NEW_TS], ['foo-v1', 3, OLD_TS]], expected: { 'foo-v2': 10, 'foo-v1': 4 } },
  { name: 'saturated but broken new replica set does not affect old pods', replicas: 2, oldReplicas: 2, surge: 1, oldSurge: 1, newRS: ['foo-v2', 2, NEW_TS], newAvailable: 0, oldRSs: [['foo-v1', 1, OLD_TS]], expected: { 'foo-v2': 2, 'foo-v1': 1 } },
];

describe('planScale (sync_test TestScale)', () => {
  it.each(cases)('$name', (c) => {
    const d = deployment('foo', c.replicas, { maxSurge: c.surge ?? 0, maxUnavailable: c.surge !== undefined ? 1 : 0 });
    const oldD = deployment('foo', c.oldReplicas, { maxSurge: c.oldSurge ?? 0, maxUnavailable: c.oldSurge !== undefined ? 1 : 0 });
    const annotate = (r: V1ReplicaSet) => {
      const desired = c.desiredAnnotations?.[r.metadata!.name!] ?? c.oldReplicas;
      return withReplicaAnnotations(r, desired, desired + maxSurge(oldD));
    };
    const newRS = c.newRS ? annotate(rs(...c.newRS, { availableReplicas: c.newAvailable ?? 0 })) : undefined;
    const oldRSs = c.oldRSs.map((args) => annotate(rs(...args)));

    const sizes: Record<string, number> = {};
    for (const r of [newRS, ...oldRSs]) if (r) sizes[r.metadata!.name!] = r.spec!.replicas!;
    for (const step of planScale(d, newRS, oldRSs)) sizes[step.rs.metadata!.name!] = step.replicas;
    expect(sizes).toEqual(c.expected);
  });

  it('marks proportional steps so their annotations are refreshed even without a size change', () => {
    const d = deployment('foo', 5, { maxSurge: 0, maxUnavailable: 0 });
    const v2 = withReplicaAnnotations(rs('foo-v2', 2, NEW_TS), 4, 4);
    const v1 = withReplicaAnnotations(rs('foo-v1', 2, OLD_TS), 4, 4);
    const steps = planScale(d, v2, [v1]);
    expect(steps.every((s) => s.refreshAnnotations)).toBe(true);
    expect(steps).toHaveLength(2);
  });
});

describe('replicaSetFraction (deployment_util_test TestGetReplicaSetFraction)', () => {
  it.each([
    { name: 'empty deployment always scales to 0', dep: 0, status: 0, surge: 0, rsReplicas: 10, max: undefined, expected: -10 },
    { name: 'no max-replicas annotation and no status replicas: no change', dep: 10, status: 0, surge: 0, rsReplicas: 5, max: undefined, expected: 0 },
    { name: 'max-replicas annotation 0 and no status replicas: no change', dep: 10, status: 0, surge: 0, rsReplicas: 5, max: '0', expected: 0 },
    { name: 'missing annotation falls back to status.replicas', dep: 120, status: 100, surge: 0, rsReplicas: 50, max: undefined, expected: 10 },
    { name: 'annotation 0 falls back to status.replicas', dep: 120, status: 100, surge: 0, rsReplicas: 50, max: '0', expected: 10 },
    { name: 'scale up by 1/5', dep: 120, status: 0, surge: 0, rsReplicas: 50, max: '100', expected: 10 },
    { name: 'scale up with maxSurge by about 1/5', dep: 120, status: 0, surge: 10, rsReplicas: 50, max: '110', expected: 9 },
    { name: 'scale down by 1/6', dep: 10, status: 0, surge: 0, rsReplicas: 6, max: '12', expected: -1 },
  ])('$name', ({ dep, status, surge, rsReplicas, max, expected }) => {
    const d = deployment('foo', dep, { maxSurge: surge, maxUnavailable: 1 });
    d.status = { replicas: status };
    const r = rs('foo-v1', rsReplicas);
    if (max !== undefined) withAnnotations(r, { [MAX_REPLICAS_ANNOTATION]: max });
    expect(replicaSetFraction(r, d)).toBe(expected);
  });
});

describe('replica annotations (TestAnnotationUtils, TestReplicasAnnotationsNeedUpdate)', () => {
  it('sets both annotations and reports the change once', () => {
    const first = withReplicasAnnotations(rs('a', 1), 10, 11);
    expect(first.changed).toBe(true);
    expect(first.rs.metadata?.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '11' });
    expect(withReplicasAnnotations(first.rs, 10, 11).changed).toBe(false);
  });
  it.each([
    { name: 'no annotations', annotations: undefined, expected: true },
    { name: 'desired differs', annotations: { 'deployment.kubernetes.io/desired-replicas': '8', 'deployment.kubernetes.io/max-replicas': '16' }, expected: true },
    { name: 'max differs', annotations: { 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '16' }, expected: true },
    { name: 'both match', annotations: { 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '15' }, expected: false },
  ])('$name', ({ annotations, expected }) => {
    const r = rs('a', 1);
    r.metadata!.annotations = annotations;
    expect(replicasAnnotationsNeedUpdate(r, 10, 15)).toBe(expected);
  });
});

describe('isSaturated / findActiveOrLatest / isScalingEvent', () => {
  const d = deployment('foo', 3);
  it.each([
    { name: 'no RS', r: undefined, expected: false },
    { name: 'all available and annotated', r: withReplicaAnnotations(rs('n', 3, NEW_TS, { availableReplicas: 3 }), 3, 3), expected: true },
    { name: 'not all available', r: withReplicaAnnotations(rs('n', 3, NEW_TS, { availableReplicas: 2 }), 3, 3), expected: false },
    { name: 'scaled for another size', r: withReplicaAnnotations(rs('n', 3, NEW_TS, { availableReplicas: 3 }), 4, 4), expected: false },
    { name: 'no annotation', r: rs('n', 3, NEW_TS, { availableReplicas: 3 }), expected: false },
  ])('isSaturated: $name', ({ r, expected }) => {
    expect(isSaturated(d, r)).toBe(expected);
  });

  it('findActiveOrLatest: the only active one, the newest when none is active, none when several', () => {
    const a = rs('a', 0, OLDER_TS);
    const b = rs('b', 2, OLD_TS);
    const c = rs('c', 0, NEW_TS);
    expect(findActiveOrLatest(c, [a, b])?.metadata?.name).toBe('b');
    expect(findActiveOrLatest(undefined, [a, rs('b0', 0, OLD_TS)])?.metadata?.name).toBe('b0');
    expect(findActiveOrLatest(c, [a])?.metadata?.name).toBe('c');
    expect(findActiveOrLatest(rs('c', 1, NEW_TS), [b])).toBeUndefined();
    expect(findActiveOrLatest(undefined, [])).toBeUndefined();
  });

  it('isScalingEvent: an active RS annotated for another size', () => {
    const scaled = withReplicaAnnotations(rs('a', 2), 2, 2);
    expect(isScalingEvent(deployment('foo', 2), scaled, [])).toBe(false);
    expect(isScalingEvent(deployment('foo', 5), scaled, [])).toBe(true);
    // inactive ReplicaSets and missing annotations do not count
    expect(isScalingEvent(deployment('foo', 5), withReplicaAnnotations(rs('z', 0), 2, 2), [rs('b', 1)])).toBe(false);
  });
});
