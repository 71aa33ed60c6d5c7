import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import { SchedulerCache } from '../../../controllers/scheduler/cache.js';
import { nodeSchedulingChanged, responsibleForPod, SchedulerEventHandlers } from '../../../controllers/scheduler/eventhandlers.js';
import { success, unschedulable, type Status } from '../../../controllers/scheduler/framework/status.js';
import { SchedulingQueue } from '../../../controllers/scheduler/queue.js';
import { silentLogger } from '../../../controllers/shared/log.js';
import { makeNode, makePod } from './fixtures.js';

const OURS = 'lab-scheduler';

const pending = (name: string, spec: Partial<V1Pod['spec']> = {}) => makePod({ name, requests: [{ cpu: '100m' }], spec: { schedulerName: OURS, ...spec } });
const bound = (pod: V1Pod, nodeName = 'w1'): V1Pod => ({ ...pod, spec: { ...pod.spec!, nodeName } });

/** Real cache and queue behind the handlers; PreEnqueue answers what `verdict` says (success by default). */
function setup(verdict: (pod: V1Pod) => Status = () => success()) {
  const cache = new SchedulerCache();
  const queue = new SchedulingQueue({ less: () => false });
  cache.addNode(makeNode('w1', { allocatable: { cpu: '1', memory: '1Gi' } }));
  const preEnqueue = vi.fn(async (pod: V1Pod) => verdict(pod));
  const handlers = new SchedulerEventHandlers({ schedulerName: OURS, cache, queue, preEnqueue, log: silentLogger });
  const podsOnNode = () => cache.nodeInfo('w1')!.pods.map((p) => p.pod.metadata!.name);
  return { cache, queue, handlers, preEnqueue, podsOnNode };
}

/** Lets PreEnqueue's promise settle. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('scheduler event handlers: where a pod event goes', () => {
  it('an assigned pod goes to the cache (counted on its node), never to the queue', async () => {
    const h = setup();
    h.handlers.addPod(bound(pending('a')));
    await settled();
    expect(h.podsOnNode()).toEqual(['a']);
    expect(h.queue.whereIs(pending('a'))).toBeUndefined();
    expect(h.preEnqueue).not.toHaveBeenCalled();
  });

  it('an unassigned pod of our schedulerName goes through PreEnqueue to the active queue, not onto a node', async () => {
    const h = setup();
    h.handlers.addPod(pending('b'));
    await settled();
    expect(h.preEnqueue).toHaveBeenCalledTimes(1);
    expect(h.queue.whereIs(pending('b'))).toBe('active');
    expect(h.podsOnNode()).toEqual([]);
  });

  it("another scheduler's pending pod is ignored: neither queued nor counted", async () => {
    const h = setup();
    h.handlers.addPod(pending('c', { schedulerName: 'default-scheduler' }));
    await settled();
    expect(h.queue.whereIs(pending('c'))).toBeUndefined();
    expect(h.queue.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 0 });
    expect(h.preEnqueue).not.toHaveBeenCalled();
  });

  it('a pod deleted while in the queue leaves it', async () => {
    const h = setup();
    h.handlers.addPod(pending('d'));
    await settled();
    expect(h.queue.whereIs(pending('d'))).toBe('active');
    h.handlers.deletePod(pending('d'));
    expect(h.queue.whereIs(pending('d'))).toBeUndefined();
  });

  it('a pod deleted before its PreEnqueue verdict arrives is never queued', async () => {
    const h = setup();
    h.handlers.addPod(pending('e'));
    h.handlers.deletePod(pending('e'));
    await settled();
    expect(h.queue.whereIs(pending('e'))).toBeUndefined();
  });

  it('a pod PreEnqueue rejects is parked as gated; the update that lifts its gates makes it active', async () => {
    const h = setup((pod) => (pod.spec?.schedulingGates?.length ? unschedulable('waiting for gates') : success()));
    const gated = pending('f', { schedulingGates: [{ name: 'example.com/wait' }] });
    h.handlers.addPod(gated);
    await settled();
    expect(h.queue.whereIs(gated)).toBe('gated');
    h.handlers.updatePod(gated, pending('f'));
    await settled();
    expect(h.queue.whereIs(gated)).toBe('active');
  });

  it('a queued pod that another binder bound leaves the queue and is counted on its node', async () => {
    const h = setup();
    h.handlers.addPod(pending('g'));
    await settled();
    h.handlers.updatePod(pending('g'), bound(pending('g')));
    await settled();
    expect(h.queue.whereIs(pending('g'))).toBeUndefined();
    expect(h.podsOnNode()).toEqual(['g']);
  });

  it('a pending pod being deleted or already finished is not ours to schedule', async () => {
    const h = setup();
    const deleting: V1Pod = { ...pending('h'), metadata: { ...pending('h').metadata, deletionTimestamp: new Date() } };
    const finished: V1Pod = { ...pending('i'), status: { phase: 'Succeeded' } };
    h.handlers.addPod(deleting);
    h.handlers.addPod(finished);
    await settled();
    expect(h.queue.lengths().active).toBe(0);
    expect(responsibleForPod(pending('j'), OURS)).toBe(true);
    expect(responsibleForPod(deleting, OURS)).toBe(false);
    expect(responsibleForPod(finished, OURS)).toBe(false);
    expect(responsibleForPod(pending('k', { schedulerName: undefined }), 'default-scheduler')).toBe(true);
  });
});

describe('scheduler event handlers: the queue moves events trigger', () => {
  it('a node added moves parked pods; a node update moves them only when it changes what scheduling reads', () => {
    const h = setup();
    const moves = vi.spyOn(h.queue, 'moveAllToActiveOrBackoff');
    const node = makeNode('w2', { labels: { zone: 'a' } });
    h.handlers.addNode(node);
    expect(moves).toHaveBeenLastCalledWith('NodeAdd');
    const heartbeat: V1Node = { ...node, status: { ...node.status, conditions: [{ type: 'Ready', status: 'True' }] } };
    h.handlers.updateNode(node, heartbeat);
    expect(moves).toHaveBeenCalledTimes(1);
    h.handlers.updateNode(heartbeat, { ...heartbeat, metadata: { ...heartbeat.metadata, labels: { zone: 'b' } } });
    expect(moves).toHaveBeenLastCalledWith('NodeUpdate');
    expect(moves).toHaveBeenCalledTimes(2);
    expect(nodeSchedulingChanged(node, { ...node, spec: { unschedulable: true } })).toBe(true);
    h.handlers.deleteNode(node);
    expect(h.cache.nodeInfo('w2')).toBeUndefined();
  });

  it('a bound pod deleted or finished frees room (move all); a pending pod deleted moves nothing', () => {
    const h = setup();
    const moves = vi.spyOn(h.queue, 'moveAllToActiveOrBackoff');
    h.handlers.deletePod(pending('l'));
    expect(moves).not.toHaveBeenCalled();
    h.handlers.deletePod(bound(pending('m')));
    expect(moves).toHaveBeenLastCalledWith('AssignedPodDelete');
    const running = bound(pending('n'));
    h.handlers.updatePod(running, { ...running, status: { phase: 'Failed' } });
    expect(moves).toHaveBeenLastCalledWith('AssignedPodUpdate');
  });

  it('a bound pod added or bound just now retries only the pods PodTopologySpread or InterPodAffinity rejected', () => {
    const h = setup();
    const moveRejected = vi.spyOn(h.queue, 'moveRejectedBy');
    h.handlers.addPod(bound(pending('o')));
    expect(moveRejected).toHaveBeenLastCalledWith('AssignedPodAdd', ['PodTopologySpread', 'InterPodAffinity'], expect.any(Function));
    h.handlers.updatePod(pending('p'), bound(pending('p')));
    expect(moveRejected).toHaveBeenLastCalledWith('AssignedPodAdd', ['PodTopologySpread', 'InterPodAffinity'], expect.any(Function));
    // Bound before and after with the same labels: nothing for those plugins to reconsider.
    h.handlers.updatePod(bound(pending('q')), bound(pending('q')));
    expect(moveRejected).toHaveBeenCalledTimes(2);
    const relabelled = bound(pending('q'));
    h.handlers.updatePod(bound(pending('q')), { ...relabelled, metadata: { ...relabelled.metadata, labels: { app: 'x' } } });
    expect(moveRejected).toHaveBeenLastCalledWith('AssignedPodUpdate', ['PodTopologySpread', 'InterPodAffinity'], expect.any(Function));
  });

  it('addAllEventHandlers routes informer events to the handlers', async () => {
    const h = setup();
    type Handlers<T> = { add?: (o: T) => void; update?: (a: T, b: T) => void; del?: (o: T) => void };
    const fake = <T>(handlers: Handlers<T>) => ({
      onAdd: (f: (o: T) => void) => void (handlers.add = f),
      onUpdate: (f: (a: T, b: T) => void) => void (handlers.update = f),
      onDelete: (f: (o: T) => void) => void (handlers.del = f),
    });
    const pods: Handlers<V1Pod> = {};
    const nodes: Handlers<V1Node> = {};
    h.handlers.addAllEventHandlers({ pods: fake(pods), nodes: fake(nodes) });
    nodes.add!(makeNode('w3'));
    expect(h.cache.nodeInfo('w3')).toBeDefined();
    pods.add!(pending('r'));
    await settled();
    expect(h.queue.whereIs(pending('r'))).toBe('active');
    pods.del!(pending('r'));
    expect(h.queue.whereIs(pending('r'))).toBeUndefined();
    nodes.del!(makeNode('w3'));
    expect(h.cache.nodeInfo('w3')).toBeUndefined();
  });
});
