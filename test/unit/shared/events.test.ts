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
