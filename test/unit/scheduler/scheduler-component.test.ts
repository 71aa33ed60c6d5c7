import { KubeConfig, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import { defaultProfile } from '../../../controllers/scheduler/config.js';
import { LabScheduler } from '../../../controllers/scheduler/scheduler.js';
import type { Informer } from '../../../controllers/shared/informer.js';
import { silentLogger } from '../../../controllers/shared/log.js';
import { makeNode, makePod } from './fixtures.js';

/** An informer the test drives: handlers recorded, start() resolves at once, its store is `items`. */
function fakeInformer<T extends V1Node | V1Pod>(name: string, items: T[] = []) {
  const handlers: { add: ((o: T) => void)[] } = { add: [] };
  const informer = {
    name,
    onAdd: (h: (o: T) => void) => void handlers.add.push(h),
    onUpdate: () => {},
    onDelete: () => {},
    onEvent: () => {},
    start: vi.fn(async () => {
      for (const item of items) for (const h of handlers.add) h(item);
    }),
    stop: vi.fn(),
    get: (_ns: string | undefined, n: string) => items.find((i) => i.metadata?.name === n),
    list: () => items,
    hasSynced: () => true,
    synced: Promise.resolve(),
  };
  return informer as typeof informer & Informer<T>;
}

describe('LabScheduler on the shared component contract', () => {
  it('run(signal) uses injected informers: handlers registered, synced once listed, a pending pod bound, informers stopped on abort', async () => {
    const nodes = fakeInformer<V1Node>('nodes', [makeNode('w1', { allocatable: { cpu: '1', memory: '1Gi' } })]);
    const pods = fakeInformer<V1Pod>('pods', [makePod({ name: 'a', requests: [{ cpu: '100m' }], spec: { schedulerName: 'lab-scheduler' } })]);
    const bound: string[] = [];
    const profile = defaultProfile({ binder: { bind: async (pod, node) => void bound.push(`${pod.metadata!.name}→${node}`) } }, 'lab-scheduler');
    const tapped = vi.fn();
    const core = { patchNamespacedPodStatus: vi.fn(async () => ({})) };
    const scheduler = new LabScheduler({
      kc: new KubeConfig(),
      // No apps client: no lister informers; a policy client so none is made from the (empty) kubeconfig.
      clients: { core: core as never, policy: {} as never },
      informers: { nodes, pods },
      recorder: { event: async () => {} } as never,
      profile,
      log: silentLogger,
      onInformers: tapped,
    });
    const abort = new AbortController();
    const running = scheduler.run(abort.signal);
    await scheduler.synced;
    expect(tapped).toHaveBeenCalledWith({ nodes, pods });
    expect(scheduler.cache.nodeInfo('w1')).toBeDefined();
    await vi.waitFor(() => expect(bound).toEqual(['a→w1']));
    abort.abort();
    await running;
    expect(nodes.stop).toHaveBeenCalled();
    expect(pods.stop).toHaveBeenCalled();
  });
});
