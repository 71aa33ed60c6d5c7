import { describe, expect, it } from 'vitest';
import {
  cleanupUnhealthyReplicas,
  maxSurge,
  maxUnavailable,
  minAvailable,
  newRSNewReplicas,
  planNewReplicaSetScale,
  planOldReplicaSetsScaleDown,
  resolveFenceposts,
  scaleDownOldReplicaSetsForRollingUpdate,
} from '../../../controllers/deployment/rolling.js';
import { deployment, rs } from './fixtures.js';

describe('resolveFenceposts (deployment_util_test TestResolveFenceposts)', () => {
  it.each([
    { surge: '0%', unavailable: '0%', desired: 0, expectSurge: 0, expectUnavailable: 1 },
    { surge: '39%', unavailable: '39%', desired: 10, expectSurge: 4, expectUnavailable: 3 },
    { surge: '25%', unavailable: '25%', desired: 3, expectSurge: 1, expectUnavailable: 0 },
    { surge: 2, unavailable: 1, desired: 10, expectSurge: 2, expectUnavailable: 1 },
    { surge: 0, unavailable: 0, desired: 10, expectSurge: 0, expectUnavailable: 1 },
    { surge: undefined, unavailable: undefined, desired: 10, expectSurge: 0, expectUnavailable: 1 },
  ])('$surge/$unavailable of $desired', ({ surge, unavailable, desired, expectSurge, expectUnavailable }) => {
    expect(resolveFenceposts(surge, unavailable, desired)).toEqual({ surge: expectSurge, unavailable: expectUnavailable });
  });

  it.each([
    ['oops', '39%'],
    ['39%', 'oops'],
  ])('rejects a non-percentage string (%s, %s)', (s, u) => {
    expect(() => resolveFenceposts(s, u, 10)).toThrow(/not a percentage/);
  });
});

describe('maxUnavailable / minAvailable / maxSurge (TestMaxUnavailable, TestMinAvailable)', () => {
  it.each([
    { name: 'maxUnavailable less than replicas', replicas: 10, mu: 5, expected: 5 },
    { name: 'maxUnavailable equal replicas', replicas: 10, mu: 10, expected: 10 },
    { name: 'maxUnavailable greater than replicas', replicas: 5, mu: 10, expected: 5 },
    { name: 'maxUnavailable with replicas is 0', replicas: 0, mu: 10, expected: 0 },
    { name: 'maxUnavailable 25% of 10 rounds down', replicas: 10, mu: '25%', expected: 2 },
  ])('$name', ({ replicas, mu, expected }) => {
    expect(maxUnavailable(deployment('foo', replicas, { maxSurge: 0, maxUnavailable: mu }))).toBe(expected);
  });

  it('Recreate has no unavailability budget and no surge', () => {
    const d = deployment('foo', 10, { strategy: 'Recreate' });
    expect([maxUnavailable(d), maxSurge(d), minAvailable(d)]).toEqual([0, 0, 0]);
  });

  it.each([
    { replicas: 10, ms: 1, mu: 1, expected: 9 },
    { replicas: 10, ms: 1, mu: 10, expected: 0 },
    { replicas: 10, ms: 1, mu: 20, expected: 0 },
    { replicas: 10, ms: '25%', mu: '25%', expected: 8 },
  ])('minAvailable($replicas, surge $ms, unavailable $mu) = $expected', ({ replicas, ms, mu, expected }) => {
    expect(minAvailable(deployment('foo', replicas, { maxSurge: ms, maxUnavailable: mu }))).toBe(expected);
  });

  it('maxSurge rounds up percentages', () => {
    expect(maxSurge(deployment('foo', 10, { maxSurge: '25%', maxUnavailable: '25%' }))).toBe(3);
  });
});

describe('newRSNewReplicas (TestNewRSNewReplicas)', () => {
  it.each([
    { name: 'can not scale up - to newRSReplicas', type: 'RollingUpdate' as const, dep: 1, newRS: 5, surge: 1, expected: 5 },
    { name: 'scale up - to depReplicas', type: 'RollingUpdate' as const, dep: 6, newRS: 2, surge: 10, expected: 6 },
    { name: 'recreate - to depReplicas', type: 'Recreate' as const, dep: 3, newRS: 1, surge: 1, expected: 3 },
  ])('$name', ({ type, dep, newRS, surge, expected }) => {
    const d = deployment('nginx', dep, { strategy: type, maxSurge: surge, maxUnavailable: 1 });
    const rs5 = rs('rs5', 5);
    expect(newRSNewReplicas(d, [rs5], rs('new', newRS))).toBe(expected);
  });

  // The lab's deliberate difference (see podsItMayStillHave): after a restart between the old
  // ReplicaSet's scale-down (spec 4 → 3) and its pod's deletion, 4 old pods still run.
  it('does not surge while an old ReplicaSet still has pods its scale-down has not deleted yet', () => {
    const d = deployment('web', 4, { maxSurge: 1, maxUnavailable: 1 });
    const oldRS = rs('old', 3, undefined, { replicas: 4 });
    const newRS = rs('new', 1, undefined, { replicas: 1 });
    expect(newRSNewReplicas(d, [oldRS, newRS], newRS)).toBe(1);
    // once the ReplicaSet controller has deleted the pod and written its status, the surge goes on
    const caughtUp = rs('old', 3, undefined, { replicas: 3 });
    expect(newRSNewReplicas(d, [caughtUp, newRS], newRS)).toBe(2);
  });

  it('counts spec, not a stale lower status, for a ReplicaSet that is still creating pods', () => {
    const d = deployment('web', 4, { maxSurge: 1, maxUnavailable: 1 });
    const oldRS = rs('old', 3, undefined, { replicas: 3 });
    const newRS = rs('new', 2, undefined, { replicas: 0 });
    expect(newRSNewReplicas(d, [oldRS, newRS], newRS)).toBe(2);
  });
});

describe('planNewReplicaSetScale (rolling_test TestDeploymentController_reconcileNewReplicaSet)', () => {
  it.each([
    { dep: 10, surge: 0, old: 10, cur: 0, expected: undefined },
    { dep: 10, surge: 2, old: 10, cur: 0, expected: 2 },
    { dep: 10, surge: 2, old: 5, cur: 0, expected: 7 },
    { dep: 10, surge: 2, old: 10, cur: 2, expected: undefined },
    { dep: 10, surge: 2, old: 2, cur: 11, expected: 10 },
  ])('replicas $dep surge $surge old $old new $cur -> $expected', ({ dep, surge, old, cur, expected }) => {
    const newRS = rs('foo-v2', cur);
    const oldRS = rs('foo-v1', old);
    const d = deployment('foo', dep, { maxSurge: surge, maxUnavailable: 0 });
    expect(planNewReplicaSetScale(d, [newRS, oldRS], newRS)?.replicas).toBe(expected);
  });
});

describe('planOldReplicaSetsScaleDown (TestDeploymentController_reconcileOldReplicaSets)', () => {
  it.each([
    { mu: 0, old: 10, cur: 0, oldReady: 10, newReady: 0, expectedOld: 9 },
    { mu: 2, old: 10, cur: 0, oldReady: 10, newReady: 0, expectedOld: 8 },
    { mu: 2, old: 10, cur: 0, oldReady: 8, newReady: 0, expectedOld: 8 }, // unhealthy cleaned up
    { mu: 2, old: 10, cur: 0, oldReady: 9, newReady: 0, expectedOld: 8 }, // 1 unhealthy + 1 ready
    { mu: 2, old: 8, cur: 2, oldReady: 8, newReady: 0, expectedOld: undefined }, // new RS unavailable blocks
  ])('maxUnavailable $mu, old $old ($oldReady ready), new $cur ($newReady ready)', ({ mu, old, cur, oldReady, newReady, expectedOld }) => {
    const newRS = rs('foo-new', cur, undefined, { availableReplicas: newReady });
    const oldRS = rs('foo-old', old, undefined, { availableReplicas: oldReady });
    const d = deployment('foo', 10, { maxSurge: 0, maxUnavailable: mu });
    const steps = planOldReplicaSetsScaleDown(d, [oldRS, newRS], [oldRS], newRS);
    expect(steps.at(-1)?.replicas).toBe(expectedOld);
    for (const s of steps) expect(s.rs.metadata?.name).toBe('foo-old');
  });

  it('first step removes unhealthy pods, second scales down available ones from the cleaned size', () => {
    const newRS = rs('foo-new', 0);
    const oldRS = rs('foo-old', 10, undefined, { availableReplicas: 9 });
    const d = deployment('foo', 10, { maxSurge: 0, maxUnavailable: 2 });
    const steps = planOldReplicaSetsScaleDown(d, [oldRS, newRS], [oldRS], newRS);
    expect(steps.map((s) => [s.rs.spec?.replicas, s.replicas])).toEqual([
      [10, 9],
      [9, 8],
    ]);
  });
});

describe('cleanupUnhealthyReplicas (TestDeploymentController_cleanupUnhealthyReplicas)', () => {
  it.each([
    { ready: 8, max: 1, expected: 1 },
    { ready: 8, max: 3, expected: 2 },
    { ready: 8, max: 0, expected: 0 },
    { ready: 10, max: 3, expected: 0 },
  ])('10 replicas, $ready available, max $max -> cleans $expected', ({ ready, max, expected }) => {
    const oldRS = rs('foo-v2', 10, undefined, { availableReplicas: ready });
    expect(cleanupUnhealthyReplicas([oldRS], max).scaledDown).toBe(expected);
  });

  it('goes oldest first', () => {
    const older = rs('a-older', 3, new Date('2020-01-01T00:00:00Z'), { availableReplicas: 0 });
    const newer = rs('b-newer', 3, new Date('2021-01-01T00:00:00Z'), { availableReplicas: 0 });
    const { steps } = cleanupUnhealthyReplicas([newer, older], 4);
    expect(steps.map((s) => [s.rs.metadata?.name, s.replicas])).toEqual([
      ['a-older', 0],
      ['b-newer', 2],
    ]);
  });
});

describe('scaleDownOldReplicaSetsForRollingUpdate (TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate)', () => {
  it.each([
    { mu: 0, ready: 10, old: 10, expected: 9 },
    { mu: 2, ready: 10, old: 10, expected: 8 },
    { mu: 2, ready: 8, old: 10, expected: undefined },
    { mu: 2, ready: 10, old: 0, expected: undefined },
    { mu: 2, ready: 1, old: 10, expected: undefined },
  ])('maxUnavailable $mu, $ready available, old $old -> $expected', ({ mu, ready, old, expected }) => {
    const oldRS = rs('foo-v2', old, undefined, { availableReplicas: ready });
    const d = deployment('foo', 10, { maxSurge: 0, maxUnavailable: mu });
    const { steps } = scaleDownOldReplicaSetsForRollingUpdate(d, [oldRS], [oldRS]);
    expect(steps[0]?.replicas).toBe(expected);
  });
});
