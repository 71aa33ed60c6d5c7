import { describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { EventRecorder, type EventsClient } from '../../../controllers/shared/events.js';
import { silentLogger } from '../../../controllers/shared/log.js';

interface Call {
  verb: 'create' | 'patch';
  param: any;
}

function fakeCore(options: { failCreate?: unknown; failPatch?: unknown } = {}) {
  const calls: Call[] = [];
  const core = {
    async createNamespacedEvent(param: any) {
      calls.push({ verb: 'create', param });
      if (options.failCreate) throw options.failCreate;
      return param.body;
    },
    async patchNamespacedEvent(param: any) {
      calls.push({ verb: 'patch', param });
      if (options.failPatch) throw options.failPatch;
      return param.body;
    },
  } as unknown as EventsClient;
  return { core, calls };
}

const rs = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web-abc', namespace: 'demo', uid: 'u1', resourceVersion: '42' },
};

/** The clock the correlator tests start from. */
const START = Date.parse('2025-01-01T00:00:00Z');

function clock() {
  let t = Date.parse('2025-01-01T00:00:00Z');
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe('EventRecorder', () => {
  it('creates an Event like client-go (source, involvedObject, counts, timestamps)', async () => {
    const { core, calls } = fakeCore();
    const c = clock();
    const recorder = new EventRecorder(core, 'replicaset-controller', 'host-1', { now: c.now, log: silentLogger });
    await recorder.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-abc-x1');
    expect(calls).toHaveLength(1);
    const { namespace, body } = calls[0]!.param;
    expect(namespace).toBe('demo');
    expect(body.metadata.name).toMatch(/^web-abc\.[0-9a-f]+$/);
    expect(body).toMatchObject({
      involvedObject: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', namespace: 'demo', uid: 'u1', resourceVersion: '42' },
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: 'Created pod: web-abc-x1',
      source: { component: 'replicaset-controller', host: 'host-1' },
      reportingComponent: 'replicaset-controller',
      count: 1,
    });
    expect(body.firstTimestamp).toEqual(c.now());
    expect(body.lastTimestamp).toEqual(c.now());
  });

  it('dedupes a repeat by patching count, lastTimestamp and message (like client-go)', async () => {
    const { core, calls } = fakeCore();
    const c = clock();
    const recorder = new EventRecorder(core, 'replicaset-controller', '', { now: c.now, log: silentLogger });
    await recorder.event(rs, 'Warning', 'FailedCreate', 'quota exceeded');
    c.advance(5000);
    await recorder.event(rs, 'Warning', 'FailedCreate', 'quota exceeded');
    await recorder.event(rs, 'Warning', 'FailedCreate', 'quota exceeded');
    expect(calls.map((call) => call.verb)).toEqual(['create', 'patch', 'patch']);
    const created = calls[0]!.param.body;
    expect(calls[1]!.param).toEqual({
      name: created.metadata.name,
      namespace: 'demo',
      body: { count: 2, lastTimestamp: '2025-01-01T00:00:05.000Z', message: 'quota exceeded' },
    });
    expect(calls[2]!.param.body.count).toBe(3);
  });

  it('serialises concurrent repeats so counts do not race', async () => {
    const { core, calls } = fakeCore();
    const recorder = new EventRecorder(core, 'c', '', { log: silentLogger });
    await Promise.all([1, 2, 3].map(() => recorder.event(rs, 'Normal', 'R', 'same')));
    expect(calls.map((call) => call.verb)).toEqual(['create', 'patch', 'patch']);
    expect(calls[2]!.param.body.count).toBe(3);
  });

  it('does not aggregate different messages, reasons or objects', async () => {
    const { core, calls } = fakeCore();
    const recorder = new EventRecorder(core, 'c', '', { log: silentLogger });
    await recorder.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: a');
    await recorder.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: b');
    await recorder.event(rs, 'Normal', 'SuccessfulDelete', 'Created pod: a');
    await recorder.event({ ...rs, metadata: { ...rs.metadata, uid: 'u2' } }, 'Normal', 'SuccessfulCreate', 'Created pod: a');
    expect(calls.map((call) => call.verb)).toEqual(['create', 'create', 'create', 'create']);
  });

  it('creates a new Event when the aggregated one is gone (404 on patch)', async () => {
    const { core, calls } = fakeCore({ failPatch: new ApiException(404, 'gone', {}, {}) });
    const recorder = new EventRecorder(core, 'c', '', { log: silentLogger });
    await recorder.event(rs, 'Normal', 'R', 'm');
    await recorder.event(rs, 'Normal', 'R', 'm');
    expect(calls.map((call) => call.verb)).toEqual(['create', 'patch', 'create']);
    // client-go creates the Event again under the same name, keeping the count so far.
    expect(calls[2]!.param.body).toMatchObject({ metadata: { name: calls[0]!.param.body.metadata.name }, count: 2, message: 'm' });
  });

  it('never throws and logs a failed write', async () => {
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (msg: string) => void warnings.push(msg) };
    const { core } = fakeCore({ failCreate: new Error('apiserver down') });
    const recorder = new EventRecorder(core, 'c', '', { log });
    await expect(recorder.event(rs, 'Normal', 'R', 'm')).resolves.toBeUndefined();
    expect(warnings).toEqual(['could not write event']);
  });

  it('puts events of cluster-scoped objects in the default namespace', async () => {
    const { core, calls } = fakeCore();
    const recorder = new EventRecorder(core, 'c', '', { log: silentLogger });
    await recorder.event({ kind: 'Node', apiVersion: 'v1', metadata: { name: 'n1', uid: 'n' } }, 'Normal', 'R', 'm');
    expect(calls[0]!.param.namespace).toBe('default');
  });
});

describe('EventRecorder with the correlator', () => {
  it('300 "Created pod" events for one ReplicaSet make 25 API writes with the upstream messages', async () => {
    const { core, calls: writes } = fakeCore();
    let t = START;
    const recorder = new EventRecorder(core, 'replicaset-controller', '', { now: () => new Date(t), log: silentLogger });
    const pending: Promise<void>[] = [];
    for (let i = 1; i <= 300; i++) {
      t += 10; // a burst of creates, 10 ms apart
      pending.push(recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: web-abc-${i}`));
    }
    await Promise.all(pending);

    expect(writes).toHaveLength(25);
    expect(recorder.droppedEvents).toBe(275);
    // 9 Events as they are, then one combined Event created and patched 15 times.
    const creates = writes.filter((w) => w.verb === 'create');
    expect(creates.map((w) => w.param.body.message)).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `Created pod: web-abc-${i}`),
      '(combined from similar events): Created pod: web-abc-10',
    ]);
    const combined = creates[9]!.param.body;
    expect(combined).toMatchObject({
      reason: 'SuccessfulCreate',
      type: 'Normal',
      count: 1,
      source: { component: 'replicaset-controller' },
      involvedObject: { kind: 'ReplicaSet', name: 'web-abc', uid: 'u1' },
    });
    expect(combined).not.toHaveProperty('reportingComponent');
    expect(creates[0]!.param.body).toMatchObject({ reportingComponent: 'replicaset-controller', count: 1 });
    const patches = writes.filter((w) => w.verb === 'patch');
    expect(patches).toHaveLength(15);
    expect(patches.every((w) => w.param.name === combined.metadata.name && w.param.namespace === 'demo')).toBe(true);
    expect(patches.map((w) => w.param.body.count)).toEqual(Array.from({ length: 15 }, (_, i) => i + 2));
    expect(patches.at(-1)!.param.body).toEqual({
      count: 16,
      lastTimestamp: new Date(START + 25 * 10).toISOString(),
      message: '(combined from similar events): Created pod: web-abc-25',
    });

    // Five minutes later one token is back: the combined Event gets the count of every occurrence.
    t += 300_000;
    await recorder.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-abc-301');
    expect(writes).toHaveLength(26);
    expect(writes.at(-1)).toMatchObject({
      verb: 'patch',
      param: { name: combined.metadata.name, body: { count: 292, message: '(combined from similar events): Created pod: web-abc-301' } },
    });
  });

  it('drops events of the same object and type once the bucket is empty, but not of other objects', async () => {
    const { core, calls: writes } = fakeCore();
    const recorder = new EventRecorder(core, 'c', '', { now: () => new Date(START), log: silentLogger });
    for (let i = 0; i < 30; i++) await recorder.event(rs, 'Normal', `Reason${i}`, 'm');
    expect(writes).toHaveLength(25);
    await recorder.event(rs, 'Warning', 'FailedCreate', 'quota');
    await recorder.event({ ...rs, metadata: { ...rs.metadata, name: 'other', uid: 'u2' } }, 'Normal', 'Reason0', 'm');
    expect(writes).toHaveLength(27);
    expect(recorder.droppedEvents).toBe(5);
  });
});
