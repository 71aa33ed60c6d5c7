import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  formatMicroTime,
  LeaderElector,
  leaseSpecFor,
  planAcquireOrRenew,
  recordFromLease,
  releasedRecord,
  validateTimings,
  DEFAULT_TIMINGS,
  type ElectionEvent,
  type LeaseLock,
  type LeaseRecord,
  type ReadLease,
} from '../../../controllers/shared/leader-election.js';

const T0 = new Date('2026-12-02T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('planAcquireOrRenew (pure)', () => {
  const base = { identity: 'me_1', wallNow: T0, monoNowMs: 100_000, leaseDurationMs: 15_000 };
  const held = (holder: string, extra: Partial<LeaseRecord> = {}): LeaseRecord => ({
    holderIdentity: holder,
    leaseDurationSeconds: 15,
    acquireTime: at(-60_000),
    renewTime: at(-1_000),
    leaseTransitions: 3,
    ...extra,
  });

  it('creates the Lease when there is none, with no transitions', () => {
    const { plan } = planAcquireOrRenew({ ...base, current: undefined, previous: undefined });
    expect(plan).toEqual({ action: 'create', record: { holderIdentity: 'me_1', leaseDurationSeconds: 15, acquireTime: T0, renewTime: T0, leaseTransitions: 0 } });
  });

  it('waits while another holder’s lease is valid by our clock, starting the clock when first seen', () => {
    const { plan, observation } = planAcquireOrRenew({ ...base, current: held('other_2'), previous: undefined });
    expect(plan).toEqual({ action: 'wait', holder: 'other_2', expiresInMs: 15_000 });
    expect(observation).toEqual({ record: held('other_2'), observedAtMs: 100_000 });
  });

  it('takes over once the same record has gone unchanged for its duration, counting a transition', () => {
    const previous = { record: held('other_2'), observedAtMs: 100_000 };
    const { plan } = planAcquireOrRenew({ ...base, monoNowMs: 115_001, current: held('other_2'), previous });
    expect(plan).toEqual({ action: 'update', takeover: true, record: { holderIdentity: 'me_1', leaseDurationSeconds: 15, acquireTime: T0, renewTime: T0, leaseTransitions: 4 } });
  });

  it('a renewal seen restarts the expiry clock', () => {
    const previous = { record: held('other_2'), observedAtMs: 100_000 };
    const renewed = held('other_2', { renewTime: at(0) });
    const { plan, observation } = planAcquireOrRenew({ ...base, monoNowMs: 116_000, current: renewed, previous });
    expect(plan).toEqual({ action: 'wait', holder: 'other_2', expiresInMs: 15_000 });
    expect(observation?.observedAtMs).toBe(116_000);
  });

  it('never trusts the holder’s wall clock: a renewTime an hour old but just seen is still valid (clock skew, clock jump)', () => {
    const skewed = held('other_2', { renewTime: at(-3_600_000) });
    expect(planAcquireOrRenew({ ...base, current: skewed, previous: undefined }).plan.action).toBe('wait');
  });

  it('uses the record’s own duration: a released Lease (empty holder) is taken at once', () => {
    const released = releasedRecord(held('other_2'), at(-10));
    expect(released).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 3 });
    const { plan } = planAcquireOrRenew({ ...base, current: released, previous: undefined });
    expect(plan).toMatchObject({ action: 'update', takeover: true, record: { holderIdentity: 'me_1', leaseTransitions: 4 } });
  });

  it('renews its own Lease keeping acquireTime and transitions', () => {
    const mine = held('me_1');
    const { plan } = planAcquireOrRenew({ ...base, current: mine, previous: { record: mine, observedAtMs: 99_000 } });
    expect(plan).toEqual({ action: 'update', takeover: false, record: { ...mine, renewTime: T0 } });
  });
});

describe('Lease encoding', () => {
  it('writes MicroTime with six fractional digits, as the API server parses it', () => {
    expect(formatMicroTime(new Date('2026-12-02T10:00:00.123Z'))).toBe('2026-12-02T10:00:00.123000Z');
  });

  it('round-trips a record through a Lease spec, and reads a hand-edited Lease without fields', () => {
    const record: LeaseRecord = { holderIdentity: 'h_1', leaseDurationSeconds: 15, acquireTime: at(5), renewTime: at(7), leaseTransitions: 2 };
    expect(recordFromLease({ spec: leaseSpecFor(record) })).toEqual(record);
    expect(recordFromLease({ spec: {} })).toEqual({ holderIdentity: '', leaseDurationSeconds: 0, acquireTime: undefined, renewTime: undefined, leaseTransitions: 0 });
  });

  it('refuses timings where a leader could outlive its lease', () => {
    expect(() => validateTimings(DEFAULT_TIMINGS)).not.toThrow();
    expect(() => validateTimings({ leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 })).toThrow(/greater than renewDeadline/);
    expect(() => validateTimings({ leaseDurationMs: 15_000, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 })).toThrow(/retryPeriod/);
  });
});

/** One Lease in memory with resourceVersions, like the API server; faults can be switched on. */
class MemoryLease {
  lease: ReadLease | undefined;
  private rv = 0;
  /** 'error': every call fails; 'hang': every call never answers; 'forbidden': 403 (no RBAC). Per caller identity. */
  faults = new Map<string, 'error' | 'hang' | 'forbidden'>();
  /** Per caller: an update reads its resourceVersion check only after this many ms (a slow API server). */
  slowUpdatesMs = new Map<string, number>();

  lockFor(caller: string): LeaseLock {
    const fault = async () => {
      const f = this.faults.get(caller);
      if (f === 'error') throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
      if (f === 'forbidden') throw Object.assign(new Error('leases.coordination.k8s.io "test" is forbidden'), { code: 403 });
      if (f === 'hang') await new Promise(() => {});
    };
    return {
      namespace: 'k8s-flow-lab',
      name: 'test',
      get: async () => {
        await fault();
        return this.lease ? { record: { ...this.lease.record }, resourceVersion: this.lease.resourceVersion } : undefined;
      },
      create: async (record) => {
        await fault();
        if (this.lease) throw { code: 409 };
        this.lease = { record: { ...record }, resourceVersion: String(++this.rv) };
      },
      update: async (record, resourceVersion) => {
        await fault();
        const delay = this.slowUpdatesMs.get(caller);
        if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
        if (!this.lease || this.lease.resourceVersion !== resourceVersion) throw { code: 409 };
        this.lease = { record: { ...record }, resourceVersion: String(++this.rv) };
      },
    };
  }

  /** An edit by hand (kubectl edit lease). */
  edit(change: Partial<LeaseRecord>): void {
    this.lease = { record: { ...this.lease!.record, ...change }, resourceVersion: String(++this.rv) };
  }
}

interface Candidate {
  elector: LeaderElector;
  stop: AbortController;
  events: ElectionEvent[];
  leading: boolean;
  terms: number;
  done: Promise<void>;
}

describe('LeaderElector', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'], now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function start(store: MemoryLease, identity: string, lead?: (signal: AbortSignal) => Promise<void>): Candidate {
    const stop = new AbortController();
    const events: ElectionEvent[] = [];
    const elector = new LeaderElector({ lock: store.lockFor(identity), identity, onEvent: (e) => events.push(e) });
    const c: Candidate = { elector, stop, events, leading: false, terms: 0, done: Promise.resolve() };
    c.done = elector.run(stop.signal, async (signal) => {
      c.terms++;
      c.leading = true;
      if (lead) await lead(signal);
      else await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      c.leading = false;
    });
    return c;
  }

  /** Advance the clock in small steps, checking that at most one candidate acts at any moment. */
  async function advance(ms: number, candidates: Candidate[], stepMs = 100): Promise<void> {
    for (let t = 0; t < ms; t += stepMs) {
      await vi.advanceTimersByTimeAsync(stepMs);
      expect(candidates.filter((c) => c.leading).length, 'two leaders at once').toBeLessThanOrEqual(1);
    }
  }

  /** a_1 starts (leading with `lead`, if given) on a fresh Lease; 200 ms later b_2 starts; both run `standbyMs` more. */
  async function leaderAndStandby(standbyMs: number, lead?: (signal: AbortSignal) => Promise<void>) {
    const store = new MemoryLease();
    const a = start(store, 'a_1', lead);
    await advance(200, [a]);
    const b = start(store, 'b_2');
    await advance(standbyMs, [a, b]);
    return { store, a, b };
  }

  it('one leads, the other waits; a clean stop releases the Lease and the standby takes over within a retry period', async () => {
    const { store, a, b } = await leaderAndStandby(20_000);
    expect(a.leading).toBe(true);
    expect(b.leading).toBe(false);
    expect(b.events[0]).toMatchObject({ type: 'standby', holder: 'a_1' });

    a.stop.abort();
    await a.done;
    expect(a.events.at(-1)).toEqual({ type: 'released' });
    const released = Date.now();
    while (!b.leading) await advance(100, [a, b]);
    expect(Date.now() - released).toBeLessThanOrEqual(DEFAULT_TIMINGS.retryPeriodMs * 1.2 + 100);
    expect(store.lease!.record).toMatchObject({ holderIdentity: 'b_2', leaseTransitions: 1 });
    b.stop.abort();
    await b.done;
  });

  it('a clean stop while a renewal is still in flight still releases the Lease (no 409 from its own renewal)', async () => {
    const store = new MemoryLease();
    store.slowUpdatesMs.set('a_1', 500);
    const a = start(store, 'a_1');
    await advance(1_000, [a]);
    expect(a.leading).toBe(true);
    // The first renewal is sent 2 s after acquiring and lands 500 ms later: stop at 2.2 s, in between.
    await advance(1_200, [a]);
    const before = store.lease!.resourceVersion;
    a.stop.abort();
    await vi.advanceTimersByTimeAsync(3_000);
    await a.done;
    expect(store.lease!.resourceVersion).not.toBe(before);
    expect(a.events.filter((e) => e.type === 'error')).toEqual([]);
    expect(a.events.at(-1)).toEqual({ type: 'released' });
    expect(store.lease!.record.holderIdentity).toBe('');
  });

  it('after a crash (no release, no renewals) the standby waits the lease duration, then takes over', async () => {
    const { store, a, b } = await leaderAndStandby(5_000);
    // SIGKILL: a's calls never reach the API server again, and a stops acting.
    store.faults.set('a_1', 'hang');
    a.leading = false;
    const killed = Date.now();
    while (!b.leading) await advance(100, [b]);
    const takeover = Date.now() - killed;
    expect(takeover).toBeGreaterThanOrEqual(DEFAULT_TIMINGS.leaseDurationMs - DEFAULT_TIMINGS.retryPeriodMs * 1.2);
    expect(takeover).toBeLessThanOrEqual(DEFAULT_TIMINGS.leaseDurationMs + DEFAULT_TIMINGS.retryPeriodMs * 1.2 + 200);
    expect(b.events.find((e) => e.type === 'acquired')).toMatchObject({ takeover: true, previousHolder: 'a_1' });
    b.stop.abort();
    await b.done;
  });

  it('a leader that cannot renew stops acting before its lease can expire, and only then may the standby lead', async () => {
    let abortedAt: number | undefined;
    const { store, a, b } = await leaderAndStandby(3_000, (signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => { abortedAt = Date.now(); resolve(); }, { once: true })));
    const lastRenewal = store.lease!.record.renewTime!.getTime();
    store.faults.set('a_1', 'error'); // the API server is unreachable from a only
    while (!b.leading) await advance(100, [a, b]);
    expect(abortedAt).toBeDefined();
    expect(abortedAt! - lastRenewal).toBeLessThanOrEqual(DEFAULT_TIMINGS.renewDeadlineMs + 100);
    expect(a.events.find((e) => e.type === 'lost')).toMatchObject({ reason: expect.stringMatching(/renew deadline/) });
    expect(a.elector.isLeader).toBe(false);
    a.stop.abort();
    b.stop.abort();
    await Promise.all([a.done, b.done]);
  });

  it('a renewal that hangs counts against the renew deadline too', async () => {
    const store = new MemoryLease();
    const a = start(store, 'a_1');
    await advance(200, [a]);
    store.faults.set('a_1', 'hang');
    await advance(DEFAULT_TIMINGS.renewDeadlineMs + 500, [a]);
    expect(a.leading).toBe(false);
    expect(a.events.some((e) => e.type === 'lost')).toBe(true);
    a.stop.abort();
  });

  it('stops at once when the Lease was edited by hand to another holder, and goes back to standby', async () => {
    const store = new MemoryLease();
    const a = start(store, 'a_1');
    await advance(200, [a]);
    store.edit({ holderIdentity: 'someone_9' });
    await advance(DEFAULT_TIMINGS.retryPeriodMs + 100, [a]);
    expect(a.leading).toBe(false);
    expect(a.events.find((e) => e.type === 'lost')).toMatchObject({ reason: expect.stringContaining('someone_9') });
    // Nobody renews someone_9's lease: a takes it back after the duration.
    await advance(DEFAULT_TIMINGS.leaseDurationMs + 3_000, [a]);
    expect(a.leading).toBe(true);
    expect(a.terms).toBe(2);
    a.stop.abort();
    await a.done;
  });

  it('without RBAC for Leases (403): never acts, says what is missing and how to fix it, and leads once the permission is there', async () => {
    const store = new MemoryLease();
    store.faults.set('a_1', 'forbidden');
    const a = start(store, 'a_1');
    await advance(10_000, [a]);
    expect(a.terms).toBe(0);
    expect(store.lease).toBeUndefined(); // nothing written
    const error = a.events.find((e) => e.type === 'error') as { type: 'error'; message: string } | undefined;
    expect(error?.message).toMatch(/could not read or write Lease k8s-flow-lab\/test: .*forbidden.*403 Forbidden: .*Role and RoleBinding .* missing: .*manifests\/rbac/);
    store.faults.delete('a_1'); // the Role is applied
    await advance(5_000, [a]);
    expect(a.leading).toBe(true);
    a.stop.abort();
    await a.done;
  });

  it('keeps leading when the Lease is deleted by hand (it is created again)', async () => {
    const store = new MemoryLease();
    const a = start(store, 'a_1');
    await advance(200, [a]);
    store.lease = undefined;
    await advance(5_000, [a]);
    expect(a.leading).toBe(true);
    expect(a.terms).toBe(1);
    expect(store.lease!.record.holderIdentity).toBe('a_1');
    a.stop.abort();
    await a.done;
  });

  it('releases the Lease when the leader’s work fails, and reports the failure', async () => {
    const store = new MemoryLease();
    const a = start(store, 'a_1', async () => {
      throw new Error('informer could not list');
    });
    const outcome = a.done.then(() => 'resolved', (err: Error) => err.message);
    await advance(500, [a]);
    expect(await outcome).toBe('informer could not list');
    expect(store.lease!.record.holderIdentity).toBe('');
  });
});
