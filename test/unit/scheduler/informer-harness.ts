/**
 * A LabScheduler whose pod informer is a fake the test drives: add/update/delete go through the
 * scheduler's own handlers (PreEnqueue, queue moves), one node `w1` with 1 cpu, bindings recorded,
 * backoff of 1 ms (call `flush()` to move due pods, as the scheduler's ticker does).
 */
import { KubeConfig, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { vi } from 'vitest';
import { defaultProfile } from '../../../controllers/scheduler/config.js';
import { LabScheduler } from '../../../controllers/scheduler/scheduler.js';
import { silentLogger } from '../../../controllers/shared/log.js';
import { makeNode } from './fixtures.js';

export function informerHarness(nodes: V1Node[] = [makeNode('w1', { allocatable: { cpu: '1', memory: '1Gi' } })]) {
  const bound: string[] = [];
  const patches: unknown[] = [];
  const core = { patchNamespacedPodStatus: vi.fn(async (p: unknown) => void patches.push(p)) };
  const recorder = { event: async () => {} };
  const profile = defaultProfile({ binder: { bind: async (pod, node) => void bound.push(`${pod.metadata!.name}→${node}`) } }, 'lab-scheduler');
  const scheduler = new LabScheduler({ kc: new KubeConfig(), clients: { core: core as never }, recorder: recorder as never, profile, log: silentLogger, backoff: { initialMs: 1, maxMs: 1 } });
  const handlers: { add?: (p: V1Pod) => void; update?: (o: V1Pod, n: V1Pod) => void; del?: (p: V1Pod) => void } = {};
  const informer = {
    onAdd: (h: (p: V1Pod) => void) => (handlers.add = h),
    onUpdate: (h: (o: V1Pod, n: V1Pod) => void) => (handlers.update = h),
    onDelete: (h: (p: V1Pod) => void) => (handlers.del = h),
  };
  scheduler.handlers.addAllEventHandlers({ pods: informer as never });
  for (const node of nodes) scheduler.cache.addNode(node);
  const abort = new AbortController();
  const loop = scheduler.scheduleUntilStopped(abort.signal, { get: () => undefined });
  return { scheduler, bound, patches, handlers, flush: () => scheduler.queue.flush(), stop: async () => (abort.abort(), await loop) };
}
