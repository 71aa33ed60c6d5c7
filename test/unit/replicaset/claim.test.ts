import { describe, expect, it } from 'vitest';
import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { adoptPatch, planClaims, releasePatch } from '../../../controllers/replicaset/claim.js';

const rs: V1ReplicaSet = {
  metadata: { name: 'web', namespace: 'ns', uid: 'rs-uid' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: {} },
};
const ref = (uid: string) => [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true }];
const pod = (name: string, labels: Record<string, string>, extra: Partial<NonNullable<V1Pod['metadata']>> = {}): V1Pod => ({
  metadata: { name, namespace: 'ns', uid: `${name}-uid`, labels, ...extra },
});

const names = (ps: V1Pod[]) => ps.map((p) => p.metadata!.name);

describe('planClaims', () => {
  const cases: Array<{ name: string; rs?: V1ReplicaSet; pod: V1Pod; want: 'owned' | 'adopt' | 'release' | 'ignore' }> = [
    { name: 'owned and matching is kept', pod: pod('a', { app: 'web' }, { ownerReferences: ref('rs-uid') }), want: 'owned' },
    { name: 'owned but not matching is released', pod: pod('a', { app: 'db' }, { ownerReferences: ref('rs-uid') }), want: 'release' },
    { name: 'orphan matching is adopted', pod: pod('a', { app: 'web' }), want: 'adopt' },
    { name: 'orphan not matching is ignored', pod: pod('a', { app: 'db' }), want: 'ignore' },
    { name: "another controller's pod is ignored", pod: pod('a', { app: 'web' }, { ownerReferences: ref('other') }), want: 'ignore' },
    { name: 'terminating orphan is not adopted', pod: pod('a', { app: 'web' }, { deletionTimestamp: new Date() }), want: 'ignore' },
    { name: 'orphan in another namespace is not adopted', pod: pod('a', { app: 'web' }, { namespace: 'other' }), want: 'ignore' },
    {
      name: 'a ReplicaSet being deleted adopts nothing',
      rs: { ...rs, metadata: { ...rs.metadata, deletionTimestamp: new Date() } },
      pod: pod('a', { app: 'web' }),
      want: 'ignore',
    },
    {
      name: 'a ReplicaSet being deleted releases nothing',
      rs: { ...rs, metadata: { ...rs.metadata, deletionTimestamp: new Date() } },
      pod: pod('a', { app: 'db' }, { ownerReferences: ref('rs-uid') }),
      want: 'ignore',
    },
    {
      name: 'a non-controller owner reference does not count as owned',
      pod: pod('a', { app: 'web' }, { ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'rs-uid', controller: false }] }),
      want: 'adopt',
    },
  ];
  it.each(cases)('$name', ({ rs: owner, pod: p, want }) => {
    const plan = planClaims(owner ?? rs, [p]);
    const got = plan.owned.length ? 'owned' : plan.adopt.length ? 'adopt' : plan.release.length ? 'release' : 'ignore';
    expect(got).toBe(want);
  });

  it('sorts a mixed set', () => {
    const plan = planClaims(rs, [
      pod('mine', { app: 'web' }, { ownerReferences: ref('rs-uid') }),
      pod('orphan', { app: 'web' }),
      pod('stray', { app: 'x' }, { ownerReferences: ref('rs-uid') }),
      pod('foreign', { app: 'web' }, { ownerReferences: ref('zzz') }),
    ]);
    expect([names(plan.owned), names(plan.adopt), names(plan.release)]).toEqual([['mine'], ['orphan'], ['stray']]);
  });
});

describe('patches', () => {
  it('adoption adds a controller reference with the pod uid as precondition', () => {
    expect(adoptPatch(rs, pod('a', {}))).toEqual({
      metadata: {
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }],
        uid: 'a-uid',
      },
    });
  });

  it('release deletes our reference by uid', () => {
    expect(releasePatch(rs, pod('a', {}))).toEqual({ metadata: { ownerReferences: [{ $patch: 'delete', uid: 'rs-uid' }], uid: 'a-uid' } });
  });
});
