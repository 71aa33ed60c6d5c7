/** The leader-election exercise's checks (leaseTakeover, createdOnce) over synthetic traces. */
import { describe, expect, it } from 'vitest';
import { checkSchema, evaluateCheck } from '../../../lab/exercises/checks/index.js';
import { electionRoles, lastSignOf, shortIdentity, takeoversOf } from '../../../lab/exercises/checks/lease-history.js';
import type { TraceEntry } from '../../../lab/trace/schema.js';
import { entry, snapshot } from './fixtures.js';

const run = (spec: Record<string, unknown>, trace: TraceEntry[], available = true) => evaluateCheck(checkSchema.parse(spec), snapshot({}, trace, available));

const OLD = 'lab-host_11111111-aaaa-4bbb-8ccc-000000000001';
const NEW = 'lab-host_22222222-aaaa-4bbb-8ccc-000000000002';

type Verb = 'standby' | 'acquire-lease' | 'lose-lease' | 'release-lease';
/** An election decision of `actor` about its Lease, at `tMs`. */
function election(actor: TraceEntry['actor'], verb: Verb, tMs: number, details: Record<string, unknown>, lease = actor === 'scheduler' ? 'scheduler-lab-scheduler' : actor): TraceEntry {
  return entry({ tap: 'decision', actor, verb, tMs, object: { kind: 'Lease', namespace: 'k8s-flow-lab', name: lease }, details });
}
const create = (name: string, tMs: number, tap: 'audit' | 'write' = 'audit') => entry({ tap, actor: 'replicaset-controller', verb: 'create', name, tMs });

/** The old leader creates pods until t=10 s and is killed; the standby, waiting since t=5 s, takes over at t=26 s. */
function killedLeaderTrace(takeoverMs = 26_000): TraceEntry[] {
  return [
    create('web-a-1', 1_000),
    create('web-a-1', 1_000, 'write'),
    election('replicaset-controller', 'standby', 5_000, { identity: NEW, holder: OLD }),
    create('web-b-1', 10_000),
    entry({ tap: 'informer', actor: 'replicaset-controller', verb: 'ADDED', name: 'web-b-1', tMs: 10_050 }),
    election('replicaset-controller', 'acquire-lease', takeoverMs, { identity: NEW, previousHolder: OLD, transitions: 3 }),
    create('web-b-2', takeoverMs + 500),
  ];
}

describe('leaseTakeover', () => {
  const spec = { kind: 'leaseTakeover', lease: 'replicaset-controller', minGapSeconds: 10 };

  it('passes when the standby took over 16 s after the killed leader last acted', () => {
    const r = run(spec, killedLeaderTrace());
    expect(r.pass).toBe(true);
    expect(r.saw).toBe(
      'lab-host_22222222… took over from lab-host_11111111… at t=26.0s (transition 3), 15.9 s after the old leader\'s last sign of life (t=10.1s replicaset-controller ADDED Pod web-b-1)',
    );
  });

  it('fails when the takeover came too soon after the old leader acted', () => {
    const r = run(spec, killedLeaderTrace(12_000));
    expect(r.pass).toBe(false);
    expect(r.saw).toContain('1.9 s after');
    expect(r.saw).toContain('less than 10 s: the lease cannot have run out by then');
  });

  it('fails after a clean release (SIGTERM), unless allowRelease', () => {
    const trace = [...killedLeaderTrace()];
    trace.splice(4, 0, election('replicaset-controller', 'release-lease', 10_100, { identity: OLD }));
    const r = run(spec, trace);
    expect(r.pass).toBe(false);
    expect(r.saw).toContain('the old leader released the Lease first');
    expect(run({ ...spec, allowRelease: true }, trace).pass).toBe(true);
  });

  it("counts the audit log's release (holder '(released)') as a release too", () => {
    const released = entry({ tap: 'audit', actor: 'replicaset-controller', verb: 'update', tMs: 10_100, object: { kind: 'Lease', namespace: 'k8s-flow-lab', name: 'replicaset-controller' }, details: { holder: '(released)' } });
    const r = run(spec, [...killedLeaderTrace(), released]);
    expect(r.pass).toBe(false);
    expect(r.saw).toContain('released the Lease first');
  });

  it("ignores the new holder's own acquisition in the audit log when it looks for a release", () => {
    const ownWrite = entry({ tap: 'audit', actor: 'replicaset-controller', verb: 'update', tMs: 25_990, object: { kind: 'Lease', namespace: 'k8s-flow-lab', name: 'replicaset-controller' }, details: { holder: NEW } });
    expect(run(spec, [...killedLeaderTrace(), ownWrite]).pass).toBe(true);
  });

  it('says a standby waits when nobody took over yet', () => {
    const r = run(spec, killedLeaderTrace().slice(0, 4));
    expect(r.pass).toBe(false);
    expect(r.saw).toMatch(/^no takeover yet: a standby waits while lab-host_11111111… leads .*kill the leader with SIGKILL/);
  });

  it('says when there is no election at all, and when there is no trace', () => {
    expect(run(spec, [create('web-a-1', 1_000)]).saw).toContain('no election decisions about Lease k8s-flow-lab/replicaset-controller');
    expect(run(spec, [], false).pass).toBe(false);
  });

  it('does not count a leader acquiring a Lease nobody held, nor one it held already', () => {
    const trace = [election('replicaset-controller', 'acquire-lease', 1_000, { identity: NEW, previousHolder: '' }), election('replicaset-controller', 'acquire-lease', 30_000, { identity: NEW, previousHolder: NEW })];
    expect(run(spec, trace).pass).toBe(false);
  });

  it('fails when the old leader left no sign before the takeover', () => {
    const r = run(spec, [election('replicaset-controller', 'acquire-lease', 26_000, { identity: NEW, previousHolder: OLD })]);
    expect(r.pass).toBe(false);
    expect(r.saw).toContain('no sign of the old leader');
  });

  it("reads another component's Lease separately (the scheduler's is scheduler-<name>)", () => {
    const trace = [entry({ tap: 'write', actor: 'scheduler', verb: 'bind', tMs: 2_000 }), election('scheduler', 'acquire-lease', 18_000, { identity: NEW, previousHolder: OLD })];
    expect(run({ kind: 'leaseTakeover', lease: 'scheduler-lab-scheduler' }, trace).pass).toBe(true);
    expect(run(spec, trace).pass).toBe(false);
  });

  it('rejects a bad Lease name in the exercise file', () => {
    expect(checkSchema.safeParse({ kind: 'leaseTakeover', lease: 'Deployment Controller' }).success).toBe(false);
  });
});

describe('createdOnce', () => {
  const spec = { kind: 'createdOnce', actor: 'replicaset-controller', namePrefix: 'web-', equals: 3, spansTakeoverOf: 'replicaset-controller' };

  it('passes: 3 pods, each created once (audit and write tap count once), some before and some after the takeover', () => {
    const r = run(spec, killedLeaderTrace());
    expect(r.pass).toBe(true);
    expect(r.saw).toBe('3 created (web-a-1, web-b-1, web-b-2); 2 before and 1 after lab-host_22222222… took over replicaset-controller');
  });

  it('fails when one pod was created twice', () => {
    const r = run(spec, [...killedLeaderTrace(), create('web-b-1', 27_000)]);
    expect(r.pass).toBe(false);
    expect(r.saw).toContain('created more than once: web-b-1 ×2');
  });

  it('fails when more pods were created than should be (two writers)', () => {
    const r = run(spec, [...killedLeaderTrace(), create('web-b-3', 27_000)]);
    expect(r.pass).toBe(false);
    expect(r.saw).toMatch(/^4 created/);
  });

  it('fails when the creations do not span the takeover, or there is none', () => {
    const before = killedLeaderTrace().slice(0, 6);
    expect(run({ ...spec, equals: 2 }, before).saw).toContain('all were created before the takeover');
    expect(run({ ...spec, equals: 2 }, before.filter((e) => e.verb !== 'acquire-lease')).saw).toContain('no takeover of Lease replicaset-controller in the trace');
    expect(run({ kind: 'createdOnce', actor: 'replicaset-controller', equals: 2 }, before).pass).toBe(true);
  });

  it('leaves out failed creates, other actors and unresolved generateNames', () => {
    const trace = [
      ...killedLeaderTrace(),
      entry({ tap: 'audit', actor: 'replicaset-controller', verb: 'create', name: 'web-a-1', tMs: 2_000, details: { code: 409 } }),
      entry({ tap: 'audit', actor: 'kubectl', verb: 'create', name: 'web-x', tMs: 2_000 }),
      create('web-b-', 11_000),
      create('web-b-', 12_000),
    ];
    expect(run(spec, trace).pass).toBe(true);
  });
});

describe('lease history helpers', () => {
  it('finds takeovers oldest first and the last sign of life before each', () => {
    const trace = killedLeaderTrace();
    const [t] = takeoversOf(trace, 'replicaset-controller');
    expect(t).toMatchObject({ holder: NEW, previousHolder: OLD, transitions: 3, actor: 'replicaset-controller' });
    expect(lastSignOf(trace, t!)?.verb).toBe('ADDED');
  });

  it("counts the old holder's own election entries as signs, not the standby's", () => {
    const trace = [election('deployment-controller', 'standby', 1_000, { identity: NEW, holder: OLD }), election('deployment-controller', 'lose-lease', 4_000, { identity: OLD }), election('deployment-controller', 'acquire-lease', 20_000, { identity: NEW, previousHolder: OLD })];
    const [t] = takeoversOf(trace, 'deployment-controller');
    expect(lastSignOf(trace, t!)?.verb).toBe('lose-lease');
  });

  it('electionRoles: the latest standby or acquire-lease per component', () => {
    const roles = electionRoles([
      election('deployment-controller', 'standby', 1_000, { identity: NEW, holder: OLD }),
      election('scheduler', 'standby', 1_000, { identity: NEW, holder: OLD }),
      election('scheduler', 'acquire-lease', 20_000, { identity: NEW, previousHolder: OLD }),
      create('web-1', 2_000),
    ]);
    expect(Object.fromEntries(roles)).toEqual({ 'deployment-controller': { role: 'standby', holder: OLD }, scheduler: { role: 'leading' } });
  });

  it('shortIdentity keeps the host and the first block of the uuid', () => {
    expect(shortIdentity(OLD)).toBe('lab-host_11111111…');
    expect(shortIdentity('not-an-identity')).toBe('not-an-identity');
  });
});
