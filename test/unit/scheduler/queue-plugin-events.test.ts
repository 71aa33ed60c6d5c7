/**
 * Pods rejected by PodTopologySpread or InterPodAffinity are retried when a pod is bound or a
 * bound pod is relabelled (upstream registers Pod/Add and Pod/UpdatePodLabel for both plugins);
 * pods other plugins rejected stay parked, as before.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SchedulingQueue } from '../../../controllers/scheduler/queue.js';
import { makeNode, makePod } from './fixtures.js';
import { informerHarness } from './informer-harness.js';
import { HOSTNAME, exists } from './upstream-fixtures.js';

const queue = () => new SchedulingQueue({ less: () => false, clock: () => 0, initialBackoffMs: 0 });

describe('SchedulingQueue.moveRejectedBy', () => {
  it('moves only the pods one of the named plugins rejected', async () => {
    const q = queue();
    const spread = makePod({ name: 'spread' });
    const fit = makePod({ name: 'fit' });
    q.add(spread);
    q.add(fit);
    q.addUnschedulable((await q.pop())!, ['PodTopologySpread']);
    q.addUnschedulable((await q.pop())!, ['NodeResourcesFit']);
    expect(q.moveRejectedBy('AssignedPodAdd', ['PodTopologySpread', 'InterPodAffinity'])).toBe(1);
    expect(q.whereIs(spread)).toBe('active');
    expect(q.whereIs(fit)).toBe('unschedulable');
  });

  it.each([
    { rejectedBy: 'InterPodAffinity', want: 'backoff', why: 'a pod those plugins rejected goes to backoff, not to the unschedulable set' },
    { rejectedBy: 'NodeResourcesFit', want: 'unschedulable', why: 'a pod other plugins rejected waits as before' },
  ])('an event during the attempt: $why', async ({ rejectedBy, want }) => {
    const q = queue();
    const pod = makePod({ name: 'p' });
    q.add(pod);
    const popped = (await q.pop())!;
    q.moveRejectedBy('AssignedPodAdd', ['InterPodAffinity']);
    q.addUnschedulable(popped, [rejectedBy]);
    expect(q.whereIs(pod)).toBe(want);
  });
});

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('LabScheduler: a pod waiting for pod affinity is scheduled when its partner is bound', () => {
  it('required affinity to app=db: parked until a db pod appears bound on a node, then bound next to it', async () => {
    const h = informerHarness([makeNode('w1', { allocatable: { cpu: '4' }, labels: { [HOSTNAME]: 'w1' } }), makeNode('w2', { allocatable: { cpu: '4' }, labels: { [HOSTNAME]: 'w2' } })]);
    stops.push(h.stop);
    const web: V1Pod = {
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: {
        schedulerName: 'lab-scheduler',
        containers: [{ name: 'c', image: 'pause' }],
        affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: exists('db'), topologyKey: HOSTNAME }] } },
      },
    };
    h.handlers.add!(web);
    await vi.waitFor(() => expect(h.scheduler.queue.whereIs(web)).toBe('unschedulable'));
    // Another scheduler (or the lab) bound a db pod to w2: the informer delivers it.
    const db: V1Pod = { metadata: { name: 'db', namespace: 'default', labels: { db: 'x' } }, spec: { nodeName: 'w2', containers: [{ name: 'c', image: 'pause' }] } };
    h.handlers.add!(db);
    await vi.waitFor(() => {
      h.flush();
      expect(h.bound).toEqual(['web→w2']);
    });
  });
});
