/**
 * SharedInformers: one informer behind every component's view, as kube-controller-manager's
 * SharedInformerFactory; each view has its own handlers, a late view gets the cache replayed, and
 * the informer stops with its last view.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { SharedInformers } from '../../../controllers/shared/shared-informers.js';
import { silentLogger } from '../../../controllers/shared/log.js';
import { MemoryInformer } from './controller-fakes.js';

const pod = (name: string): V1Pod => ({ metadata: { name, namespace: 'ns', uid: name } });

/** A MemoryInformer that counts how often it was made, started and stopped, and lists only once told to. */
function counting() {
  const made: Array<MemoryInformer<V1Pod> & { starts: number; stops: number; listed: boolean; release: () => void }> = [];
  const make = () => {
    const informer = Object.assign(new MemoryInformer<V1Pod>('pods'), { starts: 0, stops: 0, listed: false, release: () => {} });
    const synced = new Promise<void>((resolve) => (informer.release = () => ((informer.listed = true), resolve())));
    informer.start = () => (informer.starts++, synced);
    informer.hasSynced = () => informer.listed;
    informer.stop = () => void informer.stops++;
    made.push(informer);
    return informer;
  };
  return { made, make };
}

function recorder(view: ReturnType<SharedInformers['view']>) {
  const seen: string[] = [];
  view.onAdd((p) => seen.push(`add ${p.metadata!.name}`));
  view.onUpdate((_o, p) => seen.push(`update ${p.metadata!.name}`));
  view.onDelete((p) => seen.push(`delete ${p.metadata!.name}`));
  return seen;
}

describe('SharedInformers', () => {
  it('two views started together: one informer, every event to both, each view its own handlers', async () => {
    const shared = new SharedInformers();
    const { made, make } = counting();
    const a = shared.view<V1Pod>('pods', make, silentLogger);
    const b = shared.view<V1Pod>('pods', make, silentLogger);
    const seenA = recorder(a);
    const seenB = recorder(b);
    const started = Promise.all([a.start(), b.start()]);
    made[0]!.add(pod('p1'));
    made[0]!.release();
    await started;
    made[0]!.add(pod('p1'));
    made[0]!.remove(pod('p1'));
    expect(made).toHaveLength(1);
    expect(seenA).toEqual(['add p1', 'update p1', 'delete p1']);
    expect(seenB).toEqual(seenA);
    expect(shared.holders()).toEqual({ pods: 2 });
  });

  it('a view started after the informer synced gets every cached object as an add first, then the events', async () => {
    const shared = new SharedInformers();
    const { made, make } = counting();
    const first = shared.view<V1Pod>('pods', make);
    const starting = first.start();
    made[0]!.add(pod('p1'));
    made[0]!.add(pod('p2'));
    made[0]!.release();
    await starting;
    const late = shared.view<V1Pod>('pods', make);
    const events: string[] = [];
    late.onEvent((type, p) => events.push(`${type} ${p.metadata!.name}`));
    const seen = recorder(late);
    expect(late.hasSynced()).toBe(false); // not joined until started
    await late.start();
    expect(late.hasSynced()).toBe(true);
    made[0]!.add(pod('p3'));
    expect(seen).toEqual(['add p1', 'add p2', 'add p3']);
    expect(events).toEqual(['ADDED p1', 'ADDED p2']); // the replay, as the trace sees it (the fake has no onEvent of its own)
    expect(late.list().map((p) => p.metadata!.name)).toEqual(['p1', 'p2', 'p3']);
  });

  it('a stopped view hears nothing more; the informer stops with the last view, and the next view starts a fresh one', async () => {
    const shared = new SharedInformers();
    const { made, make } = counting();
    const a = shared.view<V1Pod>('pods', make);
    const b = shared.view<V1Pod>('pods', make);
    const seenA = recorder(a);
    const seenB = recorder(b);
    const started = Promise.all([a.start(), b.start()]);
    made[0]!.release();
    await started;
    a.stop();
    made[0]!.add(pod('p1'));
    expect(seenA).toEqual([]);
    expect(seenB).toEqual(['add p1']);
    expect(made[0]!.stops).toBe(0);
    b.stop();
    b.stop();
    expect(made[0]!.stops).toBe(1);
    expect(shared.holders()).toEqual({});
    const c = shared.view<V1Pod>('pods', make);
    const starting = c.start();
    expect(made).toHaveLength(2);
    made[1]!.release();
    await starting;
    expect(made[1]!.starts).toBe(1);
  });

  it('a handler that throws in one view does not keep the event from the other view', async () => {
    const shared = new SharedInformers();
    const { made, make } = counting();
    const a = shared.view<V1Pod>('pods', make, silentLogger);
    const b = shared.view<V1Pod>('pods', make, silentLogger);
    a.onAdd(() => {
      throw new Error('broken handler');
    });
    const seenB = recorder(b);
    const started = Promise.all([a.start(), b.start()]);
    made[0]!.release();
    await started;
    made[0]!.add(pod('p1'));
    expect(seenB).toEqual(['add p1']);
  });

  it('different resources get different informers', async () => {
    const shared = new SharedInformers();
    const pods = counting();
    const rs = counting();
    void shared.view<V1Pod>('pods', pods.make).start();
    void shared.view<V1Pod>('replicasets', rs.make).start();
    expect([pods.made.length, rs.made.length]).toEqual([1, 1]);
    expect(shared.holders()).toEqual({ pods: 1, replicasets: 1 });
  });
});
