import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { Backoff, InformerEvents, ObjectStore, objectKey, splitKey } from '../../../controllers/shared/informer.js';
import { silentLogger } from '../../../controllers/shared/log.js';

const pod = (namespace: string | undefined, name: string, rv = '1'): V1Pod => ({ metadata: { namespace, name, resourceVersion: rv } });

describe('objectKey / splitKey', () => {
  it.each([
    [pod('ns', 'a'), 'ns/a', { namespace: 'ns', name: 'a' }],
    [pod(undefined, 'node-1'), 'node-1', { name: 'node-1' }],
  ])('%j', (obj, key, parts) => {
    expect(objectKey(obj)).toBe(key);
    expect(splitKey(key)).toEqual(parts);
  });
});

describe('ObjectStore', () => {
  it('upsert returns the replaced object, remove the removed one', () => {
    const store = new ObjectStore<V1Pod>();
    expect(store.upsert(pod('ns', 'a', '1'))).toBeUndefined();
    expect(store.upsert(pod('ns', 'a', '2'))?.metadata?.resourceVersion).toBe('1');
    expect(store.get('ns', 'a')?.metadata?.resourceVersion).toBe('2');
    expect(store.remove(pod('ns', 'a'))?.metadata?.resourceVersion).toBe('2');
    expect(store.get('ns', 'a')).toBeUndefined();
    expect(store.remove(pod('ns', 'a'))).toBeUndefined();
  });

  it('lists all objects or one namespace', () => {
    const store = new ObjectStore<V1Pod>();
    store.upsert(pod('a', 'x'));
    store.upsert(pod('b', 'x'));
    store.upsert(pod('a', 'y'));
    expect(store.list().length).toBe(3);
    expect(store.list('a').map((p) => p.metadata?.name).sort()).toEqual(['x', 'y']);
    expect(store.list('zzz')).toEqual([]);
    expect(store.size).toBe(3);
  });
});

describe('Backoff', () => {
  it('starts at 1 s, doubles to 30 s and resets', () => {
    const b = new Backoff();
    expect(Array.from({ length: 7 }, () => b.next())).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    b.reset();
    expect(b.next()).toBe(1000);
  });
});

describe('InformerEvents', () => {
  function recorder() {
    const events = new InformerEvents<V1Pod>('pods', silentLogger);
    const seen: string[] = [];
    events.onAdd((p) => seen.push(`add ${p.metadata?.name}@${p.metadata?.resourceVersion}`));
    events.onUpdate((o, n) => seen.push(`update ${n.metadata?.name} ${o.metadata?.resourceVersion}->${n.metadata?.resourceVersion}`));
    events.onDelete((p) => seen.push(`delete ${p.metadata?.name}`));
    events.onEvent((type, p, old) => seen.push(`event ${type} ${p.metadata?.name} old=${old?.metadata?.resourceVersion ?? '-'}`));
    return { events, seen };
  }

  it('first sight is an add, later ones are updates with the old object', () => {
    const { events, seen } = recorder();
    events.upserted(pod('ns', 'a', '1'));
    events.upserted(pod('ns', 'a', '2'));
    expect(seen).toEqual(['event ADDED a old=-', 'add a@1', 'event MODIFIED a old=1', 'update a 1->2']);
  });

  it('a delete removes the object from the store and reports the last known state to the trace', () => {
    const { events, seen } = recorder();
    events.upserted(pod('ns', 'a', '1'));
    seen.length = 0;
    events.deleted(pod('ns', 'a', '3'));
    expect(seen).toEqual(['event DELETED a old=1', 'delete a']);
    expect(events.store.get('ns', 'a')).toBeUndefined();
  });

  it('a throwing handler does not stop the other handlers', () => {
    const events = new InformerEvents<V1Pod>('pods', silentLogger);
    const seen: string[] = [];
    events.onAdd(() => {
      throw new Error('bad handler');
    });
    events.onAdd((p) => seen.push(p.metadata!.name!));
    events.upserted(pod('ns', 'a'));
    expect(seen).toEqual(['a']);
  });
});
