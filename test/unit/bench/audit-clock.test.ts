import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { podMomentOf, serverTimeMs, startAuditClock, type AuditClock } from '../../../lab/bench/audit-clock.js';

/** Audit lines as the API server writes them (RequestResponse level, as the lab's policy logs pods). */
function createLine(ns: string, name: string, received: string, opts: { code?: number; stage?: string } = {}): string {
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    stage: opts.stage ?? 'ResponseComplete',
    verb: 'create',
    requestURI: `/api/v1/namespaces/${ns}/pods`,
    // A create's objectRef has no name: the name is in the bodies.
    objectRef: { resource: 'pods', namespace: ns, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: opts.code ?? 201 },
    requestObject: { kind: 'Pod', metadata: { name, namespace: ns } },
    responseObject: { kind: 'Pod', metadata: { name, namespace: ns, uid: 'u' } },
    requestReceivedTimestamp: received,
    stageTimestamp: received.replace(/\.\d+Z$/, '.999999Z'),
  });
}

function bindingLine(ns: string, name: string, received: string, completed: string, code = 201): string {
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    stage: 'ResponseComplete',
    verb: 'create',
    requestURI: `/api/v1/namespaces/${ns}/pods/${name}/binding`,
    objectRef: { resource: 'pods', namespace: ns, name, uid: 'u', apiVersion: 'v1', subresource: 'binding' },
    responseStatus: { metadata: {}, status: code === 201 ? 'Success' : 'Failure', code },
    requestObject: { kind: 'Binding', metadata: { name, namespace: ns }, target: { kind: 'Node', name: 'kwok-node-1' } },
    requestReceivedTimestamp: received,
    stageTimestamp: completed,
  });
}

describe('serverTimeMs', () => {
  it('keeps the microseconds that Date.parse drops', () => {
    const base = Date.parse('2026-12-04T23:53:36.445Z');
    // An epoch in ms with a fraction holds about a microsecond's precision, no finer.
    expect(serverTimeMs('2026-12-04T23:53:36.445198Z') - base).toBeCloseTo(0.198, 3);
    expect(serverTimeMs('2026-12-04T23:53:36.445899999Z') - base).toBeCloseTo(0.9, 3);
  });

  it('three digits or none: what Date.parse says; garbage: NaN', () => {
    expect(serverTimeMs('2026-12-04T23:53:36.445Z')).toBe(Date.parse('2026-12-04T23:53:36.445Z'));
    expect(serverTimeMs('2026-12-04T23:53:36Z')).toBe(Date.parse('2026-12-04T23:53:36Z'));
    expect(serverTimeMs('yesterday')).toBeNaN();
  });
});

describe('podMomentOf', () => {
  it("a pod's create: when the server received it, the name from the body", () => {
    expect(podMomentOf(createLine('ns1', 'sim-001', '2026-12-04T23:53:36.000500Z'), 'ns1')).toEqual({ name: 'sim-001', moment: 'created', atMs: serverTimeMs('2026-12-04T23:53:36.000500Z') });
  });

  it("a pod's binding: when the server completed it, not when it received it", () => {
    const m = podMomentOf(bindingLine('ns1', 'sim-001', '2026-12-04T23:53:37.100000Z', '2026-12-04T23:53:37.104250Z'), 'ns1');
    expect(m).toEqual({ name: 'sim-001', moment: 'bound', atMs: serverTimeMs('2026-12-04T23:53:37.104250Z') });
  });

  it('skips other namespaces (also one whose name starts the same), failed requests, other stages and subresources, non-JSON', () => {
    expect(podMomentOf(createLine('ns1', 'a', '2026-12-04T23:53:36.000Z'), 'ns')).toBeUndefined();
    expect(podMomentOf(createLine('ns1', 'a', '2026-12-04T23:53:36.000Z'), 'ns2')).toBeUndefined();
    expect(podMomentOf(createLine('ns1', 'a', '2026-12-04T23:53:36.000Z', { code: 409 }), 'ns1')).toBeUndefined();
    expect(podMomentOf(createLine('ns1', 'a', '2026-12-04T23:53:36.000Z', { stage: 'ResponseStarted' }), 'ns1')).toBeUndefined();
    expect(podMomentOf(bindingLine('ns1', 'a', '2026-12-04T23:53:36.000Z', '2026-12-04T23:53:36.001Z', 409), 'ns1')).toBeUndefined();
    const eviction = JSON.parse(bindingLine('ns1', 'a', '2026-12-04T23:53:36.000Z', '2026-12-04T23:53:36.001Z')) as { objectRef: { subresource: string } };
    eviction.objectRef.subresource = 'eviction';
    expect(podMomentOf(JSON.stringify(eviction), 'ns1')).toBeUndefined();
    expect(podMomentOf('{"namespace":"ns1" not json', 'ns1')).toBeUndefined();
  });
});

describe('startAuditClock', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** A log holding `initial`, a clock on it for ns1, `work`, then the clock stopped. */
  async function withClock(initial: string, work: (clock: AuditClock, log: string) => Promise<void>): Promise<void> {
    dir = mkdtempSync(join(tmpdir(), 'audit-clock-'));
    const log = join(dir, 'audit.log');
    writeFileSync(log, initial);
    const clock = await startAuditClock('ns1', log);
    try {
      await work(clock, log);
    } finally {
      await clock.stop();
    }
  }

  it('reads from the end of the log: only what the server wrote after the start counts; until() waits for both times of every pod', () =>
    withClock(`${createLine('ns1', 'old', '2026-12-04T23:00:00.000Z')}\n`, async (clock, log) => {
      appendFileSync(log, `${createLine('ns1', 'sim-1', '2026-12-04T23:53:36.000100Z')}\n${createLine('other', 'sim-1', '2026-12-04T23:53:30.000Z')}\n`);
      const waited = clock.until(['sim-1'], 10_000);
      appendFileSync(log, `${bindingLine('ns1', 'sim-1', '2026-12-04T23:53:37.000Z', '2026-12-04T23:53:37.002300Z')}\n`);
      await waited;
      expect(clock.created.has('old')).toBe(false);
      expect(clock.bound.get('sim-1')! - clock.created.get('sim-1')!).toBeCloseTo(1002.2, 3);
    }));

  it('until() says which pods the log lacks, and where it looked', () =>
    withClock('', async (clock, log) => {
      appendFileSync(log, `${createLine('ns1', 'sim-1', '2026-12-04T23:53:36.000Z')}\n`);
      await expect(clock.until(['sim-1', 'sim-2'], 300)).rejects.toThrow(new RegExp(`audit log \\(${log}\\) lacks the create or the binding of 2 of 2 pods of ns1.*such as sim-1`));
    }));

  it('until() gives up early on a log that has none of the pods (not the log the API server writes)', () =>
    // Asked to wait 60 s, it stops after 5 (the test's own timeout is 20 s).
    withClock('', (clock) => expect(clock.until(['sim-1'], 60_000)).rejects.toThrow(/lacks the create or the binding of 1 of 1 pods of ns1 after 5 s/)), 20_000);
});
