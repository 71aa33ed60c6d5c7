import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProfile } from '../../../controllers/scheduler/config.js';
import type { PermitPlugin, Profile, ReservePlugin } from '../../../controllers/scheduler/framework/interfaces.js';
import { Code, Status } from '../../../controllers/scheduler/framework/status.js';
import type { Binder } from '../../../controllers/scheduler/plugins/default-binder.js';
import { LabScheduler } from '../../../controllers/scheduler/scheduler.js';
import { silentLogger } from '../../../controllers/shared/log.js';
import { makeNode, makePod } from './fixtures.js';

/** A deferred promise the test settles by hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A Binder whose bind calls stay pending until the test releases or fails them. */
function heldBinder() {
  const calls: string[] = [];
  const pending = new Map<string, ReturnType<typeof deferred<void>>>();
  const binder: Binder = {
    bind(pod, nodeName) {
      const name = pod.metadata!.name!;
      calls.push(`${name}→${nodeName}`);
      const call = deferred();
      pending.set(name, call);
      return call.promise;
    },
  };
  return {
    binder,
    calls,
    release: (name: string) => pending.get(name)!.resolve(),
    fail: (name: string, err = new Error('conflict')) => pending.get(name)!.reject(err),
  };
}

/** Each harness's stop, so a failed test leaves no loop running. */
const stops: (() => Promise<void>)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) void stop();
});

/** A LabScheduler wired to fakes: no informers, no API server; the test drives queue and cache. */
function harness(profile: Profile, opts: { eventsHeld?: boolean } = {}) {
  const events: { pod: string; type: string; reason: string; message: string }[] = [];
  const patches: unknown[] = [];
  const eventGate = deferred();
  if (!opts.eventsHeld) eventGate.resolve();
  const recorder = {
    async event(obj: V1Pod, type: string, reason: string, message: string) {
      await eventGate.promise;
      events.push({ pod: obj.metadata!.name!, type, reason, message });
    },
  };
  const core = {
    patchNamespacedPodStatus: vi.fn(async (p: unknown) => {
      patches.push(p);
      return {};
    }),
  };
  const scheduler = new LabScheduler({ kc: new KubeConfig(), clients: { core: core as never }, recorder: recorder as never, profile, log: silentLogger });
  const abort = new AbortController();
  let stopped = false;
  const loop = scheduler.scheduleUntilStopped(abort.signal, { get: () => undefined }).then(() => {
    stopped = true;
  });
  const stop = async () => {
    abort.abort();
    await loop;
  };
  stops.push(stop);
  return { scheduler, events, patches, releaseEvents: () => eventGate.resolve(), stop, isStopped: () => stopped };
}

const pendingPod = (name: string, cpu = '700m') => makePod({ name, requests: [{ cpu }], spec: { schedulerName: 'lab-scheduler' } as never });
const node = (name: string) => makeNode(name, { allocatable: { cpu: '1', memory: '1Gi' } });
const cpuOn = (scheduler: LabScheduler, nodeName: string) => scheduler.cache.nodeInfo(nodeName)!.requested.cpu ?? 0;
/** Let the loop and the background work run (the fakes settle within a few ticks). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('LabScheduler: binding cycles run in the background', () => {
  it('assumes and binds a second pod while the first pod’s bind is still pending; each sees the other’s cpu', async () => {
    const bind = heldBinder();
    const { scheduler, events, stop } = harness(defaultProfile({ binder: bind.binder }, 'lab-scheduler'));
    scheduler.cache.addNode(node('w1'));
    scheduler.cache.addNode(node('w2'));
    scheduler.queue.add(pendingPod('a'));
    scheduler.queue.add(pendingPod('b'));

    // Both binds are in flight at once, on different nodes: 700m + 700m does not fit in one cpu.
    await vi.waitFor(() => expect(bind.calls).toHaveLength(2));
    const nodesChosen = bind.calls.map((c) => c.split('→')[1]);
    expect(new Set(nodesChosen)).toEqual(new Set(['w1', 'w2']));
    expect(scheduler.cache.counts().assumed).toBe(2);
    expect(scheduler.inFlight().bindings).toBe(2);
    expect(events).toEqual([]);

    bind.release('b');
    bind.release('a');
    await vi.waitFor(() => expect(events.map((e) => `${e.reason} ${e.pod}`).sort()).toEqual(['Scheduled a', 'Scheduled b']));
    expect(scheduler.queue.whereIs(pendingPod('a'))).toBeUndefined();
    await stop();
  });

  it('a pod whose binding is in flight is not scheduled again when it is updated or re-added', async () => {
    const bind = heldBinder();
    const { scheduler, events, stop } = harness(defaultProfile({ binder: bind.binder }, 'lab-scheduler'));
    scheduler.cache.addNode(node('w1'));
    const pod = pendingPod('a', '100m');
    scheduler.queue.add(pod);
    await vi.waitFor(() => expect(bind.calls).toEqual(['a→w1']));

    scheduler.queue.update({ ...pod, metadata: { ...pod.metadata, labels: { touched: 'yes' } } });
    scheduler.queue.add(pod);
    await settle();
    expect(scheduler.queue.whereIs(pod)).toBe('in-flight');
    expect(bind.calls).toEqual(['a→w1']);

    // Bound but not yet confirmed by the informer: still assumed, so a stray re-add is skipped.
    bind.release('a');
    await vi.waitFor(() => expect(events.map((e) => e.reason)).toEqual(['Scheduled']));
    scheduler.queue.add(pod);
    await settle();
    expect(bind.calls).toEqual(['a→w1']);
    expect(scheduler.queue.whereIs(pod)).toBeUndefined();
    expect(cpuOn(scheduler, 'w1')).toBe(100);
    await stop();
  });

  it('a failing bind unreserves, forgets the assumed pod (its cpu is free again), requeues it and reports FailedScheduling', async () => {
    const bind = heldBinder();
    const unreserved: string[] = [];
    const reserve: ReservePlugin = { name: 'Track', reserve: () => {}, unreserve: (_s, pod, nodeName) => void unreserved.push(`${pod.metadata!.name}@${nodeName}`) };
    const base = defaultProfile({ binder: bind.binder }, 'lab-scheduler');
    const { scheduler, events, patches, stop } = harness({ ...base, plugins: { ...base.plugins, reserve: [reserve] } });
    scheduler.cache.addNode(node('w1'));
    scheduler.queue.add(pendingPod('a'));
    await vi.waitFor(() => expect(bind.calls).toEqual(['a→w1']));
    expect(cpuOn(scheduler, 'w1')).toBe(700);

    // While a's bind is pending, b does not fit next to the assumed a.
    scheduler.queue.add(pendingPod('b'));
    await vi.waitFor(() => expect(events.map((e) => `${e.reason} ${e.pod}`)).toEqual(['FailedScheduling b']));
    expect(events[0]!.message).toMatch(/Insufficient cpu/);

    bind.fail('a');
    await vi.waitFor(() => expect(events.map((e) => `${e.reason} ${e.pod}`)).toContain('FailedScheduling a'));
    expect(unreserved).toEqual(['a@w1']);
    expect(scheduler.cache.isAssumed(pendingPod('a'))).toBe(false);
    expect(cpuOn(scheduler, 'w1')).toBe(0);
    expect(scheduler.queue.whereIs(pendingPod('a'))).toBe('backoff');
    expect(events.find((e) => e.pod === 'a')!.message).toMatch(/running Bind plugin "DefaultBinder": threw Error: conflict/);
    await vi.waitFor(() => expect(patches).toContainEqual(expect.objectContaining({ name: 'a', body: { status: { conditions: [expect.objectContaining({ status: 'False', reason: 'SchedulerError' })] } } })));

    // The freed cpu is usable at once.
    scheduler.queue.add(pendingPod('c'));
    await vi.waitFor(() => expect(bind.calls).toEqual(['a→w1', 'c→w1']));
    bind.release('c');
    await stop();
  });

  it('a pod waiting at Permit holds only its own binding; others are bound meanwhile; a rejected wait frees its node', async () => {
    const bind = heldBinder();
    const gates = new Map<string, ReturnType<typeof deferred<Status>>>();
    const gate: PermitPlugin = {
      name: 'Gate',
      permit: (_s, pod) => {
        if (!pod.metadata!.name!.startsWith('gang')) return undefined;
        const verdict = deferred<Status>();
        gates.set(pod.metadata!.name!, verdict);
        return { status: new Status(Code.Wait), waitFor: verdict.promise, timeoutMs: 2000 };
      },
    };
    const base = defaultProfile({ binder: bind.binder }, 'lab-scheduler');
    const { scheduler, events, stop } = harness({ ...base, plugins: { ...base.plugins, permit: [gate] } });
    scheduler.cache.addNode(node('w1'));
    scheduler.queue.add(pendingPod('gang-1', '300m'));
    await vi.waitFor(() => expect(gates.has('gang-1')).toBe(true));
    scheduler.queue.add(pendingPod('solo', '300m'));
    await vi.waitFor(() => expect(bind.calls).toEqual(['solo→w1']));
    // The waiting pod is assumed: its cpu counts while it waits.
    expect(cpuOn(scheduler, 'w1')).toBe(600);

    gates.get('gang-1')!.resolve(new Status(Code.Success));
    await vi.waitFor(() => expect(bind.calls).toEqual(['solo→w1', 'gang-1→w1']));
    bind.release('solo');
    bind.release('gang-1');

    scheduler.queue.add(pendingPod('gang-2', '300m'));
    await vi.waitFor(() => expect(gates.has('gang-2')).toBe(true));
    gates.get('gang-2')!.resolve(new Status(Code.Unschedulable, ['gang incomplete']));
    await vi.waitFor(() => expect(events.map((e) => `${e.reason} ${e.pod}`)).toContain('FailedScheduling gang-2'));
    expect(events.find((e) => e.pod === 'gang-2')!.message).toBe('gang incomplete');
    expect(scheduler.cache.isAssumed(pendingPod('gang-2'))).toBe(false);
    expect(scheduler.queue.whereIs(pendingPod('gang-2'))).toBe('unschedulable');
    await stop();
  });

  it('stopping waits for in-flight binding cycles and event writes before it resolves', async () => {
    const bind = heldBinder();
    const { scheduler, events, stop, isStopped, releaseEvents } = harness(defaultProfile({ binder: bind.binder }, 'lab-scheduler'), { eventsHeld: true });
    scheduler.cache.addNode(node('w1'));
    scheduler.queue.add(pendingPod('a', '100m'));
    await vi.waitFor(() => expect(bind.calls).toEqual(['a→w1']));

    const stopping = stop();
    await settle();
    expect(isStopped()).toBe(false);

    bind.release('a');
    await settle();
    expect(scheduler.inFlight()).toEqual({ bindings: 0, writes: 1 });
    expect(isStopped()).toBe(false);

    releaseEvents();
    await stopping;
    expect(events.map((e) => e.reason)).toEqual(['Scheduled']);
    expect(scheduler.inFlight()).toEqual({ bindings: 0, writes: 0 });
  });
});

describe('LabScheduler: the loop gives the event loop a turn between cycles', () => {
  it('a binding that waits on a timer (the client rate limiter) goes out before the whole queue is scheduled', async () => {
    // Each bind first waits on a 0 ms timer, as a rate-limited client does; record how many
    // cycles had run when each bind got past its timer.
    let cyclesRun = 0;
    const sentAfterCycles: number[] = [];
    const binder: Binder = {
      async bind() {
        await new Promise((resolve) => setTimeout(resolve, 0));
        sentAfterCycles.push(cyclesRun);
      },
    };
    const { scheduler, stop } = harness(defaultProfile({ binder }, 'lab-scheduler'));
    const scheduleOne = scheduler.scheduleOne.bind(scheduler);
    scheduler.scheduleOne = async (popped, pods) => {
      await scheduleOne(popped, pods);
      cyclesRun++;
    };
    for (let i = 0; i < 4; i++) scheduler.cache.addNode(makeNode(`w${i}`, { allocatable: { cpu: '100', memory: '100Gi' } }));
    const pods = 50;
    for (let i = 0; i < pods; i++) scheduler.queue.add(pendingPod(`p${i}`, '10m'));
    await vi.waitFor(() => expect(sentAfterCycles).toHaveLength(pods));
    // Without the turn, every timer fires only once the queue is empty: all 50 after cycle 50.
    expect(sentAfterCycles[0]).toBeLessThan(pods / 2);
    await stop();
  });
});
