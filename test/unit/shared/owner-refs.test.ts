import { describe, expect, it } from 'vitest';
import { adoptPatch, controllerRefOf, isControlledBy, newControllerRef, releasePatch, resolveControllerRef } from '../../../controllers/shared/owner-refs.js';

const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'ns', uid: 'rs-uid' } };

describe('owner references', () => {
  it('newControllerRef sets controller and blockOwnerDeletion', () => {
    expect(newControllerRef(rs, { apiVersion: 'apps/v1', kind: 'ReplicaSet' })).toEqual({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'web-1',
      uid: 'rs-uid',
      controller: true,
      blockOwnerDeletion: true,
    });
  });

  it('newControllerRef refuses an owner without uid', () => {
    expect(() => newControllerRef({ metadata: { name: 'x' } }, { apiVersion: 'v1', kind: 'X' })).toThrow();
  });

  it('controllerRefOf finds only the reference with controller=true', () => {
    const pod = {
      metadata: {
        ownerReferences: [
          { apiVersion: 'v1', kind: 'A', name: 'a', uid: '1' },
          { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2', controller: false },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs-uid', controller: true },
        ],
      },
    };
    expect(controllerRefOf(pod)?.name).toBe('web-1');
    expect(controllerRefOf({ metadata: {} })).toBeUndefined();
    expect(controllerRefOf({ metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'A', name: 'a', uid: '1' }] } })).toBeUndefined();
  });

  it('isControlledBy compares the controller uid', () => {
    const owned = { metadata: { ownerReferences: [newControllerRef(rs, { apiVersion: 'apps/v1', kind: 'ReplicaSet' })] } };
    expect(isControlledBy(owned, rs)).toBe(true);
    expect(isControlledBy(owned, { metadata: { name: 'web-1', uid: 'other' } })).toBe(false);
    expect(isControlledBy({ metadata: {} }, rs)).toBe(false);
    expect(isControlledBy(owned, { metadata: { name: 'web-1' } })).toBe(false);
  });

  it('resolveControllerRef finds the owner of that kind in the cache only when the uid matches', () => {
    const cache = { get: (ns: string | undefined, name: string) => (ns === 'ns' && name === 'web-1' ? rs : undefined) };
    const ref = newControllerRef(rs, { apiVersion: 'apps/v1', kind: 'ReplicaSet' });
    expect(resolveControllerRef(cache, 'ReplicaSet', 'ns', ref)).toBe(rs);
    expect(resolveControllerRef(cache, 'ReplicaSet', 'ns', { ...ref, uid: 'namesake' })).toBeUndefined();
    expect(resolveControllerRef(cache, 'Deployment', 'ns', ref)).toBeUndefined();
    expect(resolveControllerRef(cache, 'ReplicaSet', 'other', ref)).toBeUndefined();
    expect(resolveControllerRef(cache, 'ReplicaSet', 'ns', undefined)).toBeUndefined();
  });

  it('adoptPatch and releasePatch add or delete the owner\'s reference, guarded by the object\'s uid', () => {
    const d = { metadata: { name: 'web', uid: 'd-uid' } };
    expect(adoptPatch(d, { apiVersion: 'apps/v1', kind: 'Deployment' }, rs)).toEqual({
      metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true, blockOwnerDeletion: true }], uid: 'rs-uid' },
    });
    expect(releasePatch(d, rs)).toEqual({ metadata: { ownerReferences: [{ $patch: 'delete', uid: 'd-uid' }], uid: 'rs-uid' } });
  });
});
