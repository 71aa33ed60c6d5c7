// Leader election on a coordination.k8s.io/v1 Lease, as kube-controller-manager and kube-scheduler
// do it (client-go's leaderelection package, behaviour read from its docs and tests):
// - a candidate tries every retryPeriod to create the Lease or take it over once it has expired;
// - "expired" is judged by the candidate's own monotonic clock: the time since it last SAW the
//   record change, compared with the record's leaseDurationSeconds. The holder's renewTime (another
//   machine's wall clock) is never trusted, so clock skew or a clock jump cannot cause a takeover;
// - the leader renews every retryPeriod and gives up when no renewal succeeded within
//   renewDeadline, which is shorter than the lease duration: it stops acting before any standby
//   may take over;
// - a clean stop releases the Lease (empty holder, duration 1 s) so a standby takes over at once.
// The decision is the pure planAcquireOrRenew; LeaderElector is the thin loop around it.
import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { errorMessage, httpStatusOf, isConflict, isNotFound } from './retry.js';

/** Upstream's defaults (component-base LeaderElectionConfiguration). */
export const DEFAULT_LEASE_DURATION_MS = 15_000;
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;
/** client-go's JitterFactor: waits are retryPeriod × [1, 1.2). */
export const JITTER_FACTOR = 1.2;
/** A release that meets a 409 reads the Lease again this many times in all. */
const RELEASE_ATTEMPTS = 3;

export interface ElectionTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export const DEFAULT_TIMINGS: ElectionTimings = {
  leaseDurationMs: DEFAULT_LEASE_DURATION_MS,
  renewDeadlineMs: DEFAULT_RENEW_DEADLINE_MS,
  retryPeriodMs: DEFAULT_RETRY_PERIOD_MS,
};

/** The same rules client-go's NewLeaderElector enforces, so a leader always gives up in time. */
export function validateTimings(t: ElectionTimings): void {
  if (!(t.leaseDurationMs > t.renewDeadlineMs)) throw new Error('leaseDuration must be greater than renewDeadline');
  if (!(t.renewDeadlineMs > JITTER_FACTOR * t.retryPeriodMs)) throw new Error(`renewDeadline must be greater than retryPeriod × ${JITTER_FACTOR}`);
  if (t.retryPeriodMs < 1) throw new Error('retryPeriod must be positive');
}

/** What the Lease's spec says, in the lab's terms. An empty holder means "released". */
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime?: Date;
  renewTime?: Date;
  leaseTransitions: number;
}

/** A holder identity as kube-controller-manager makes one: `<hostname>_<uuid>`. */
export function newIdentity(host = hostname()): string {
  return `${host}_${randomUUID()}`;
}

/** What this candidate last saw of the Lease, and when (monotonic ms) it last saw it change. */
export interface Observation {
  record: LeaseRecord;
  observedAtMs: number;
}

export type ElectionPlan =
  | { action: 'create'; record: LeaseRecord }
  /** Write the record over the resourceVersion read: a renewal (same holder) or a takeover. */
  | { action: 'update'; record: LeaseRecord; takeover: boolean }
  /** Someone else holds a lease that has not expired by our clock. */
  | { action: 'wait'; holder: string; expiresInMs: number };

function sameRecord(a: LeaseRecord, b: LeaseRecord): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.leaseTransitions === b.leaseTransitions &&
    a.acquireTime?.getTime() === b.acquireTime?.getTime() &&
    a.renewTime?.getTime() === b.renewTime?.getTime()
  );
}

/**
 * Pure: given the Lease as just read (undefined: it does not exist) and what we observed before,
 * decide what to write, and return the observation to keep. `wallNow` goes into the record (for
 * people reading it); `monoNowMs` judges expiry.
 */
export function planAcquireOrRenew(input: {
  identity: string;
  current: LeaseRecord | undefined;
  previous: Observation | undefined;
  wallNow: Date;
  monoNowMs: number;
  leaseDurationMs: number;
}): { plan: ElectionPlan; observation: Observation | undefined } {
  const { identity, current, wallNow, monoNowMs } = input;
  const leaseDurationSeconds = Math.round(input.leaseDurationMs / 1000);
  if (!current) {
    const record: LeaseRecord = { holderIdentity: identity, leaseDurationSeconds, acquireTime: wallNow, renewTime: wallNow, leaseTransitions: 0 };
    return { plan: { action: 'create', record }, observation: undefined };
  }
  const observation = input.previous && sameRecord(input.previous.record, current) ? input.previous : { record: current, observedAtMs: monoNowMs };
  const held = current.holderIdentity !== '';
  const ours = current.holderIdentity === identity;
  const expiresInMs = observation.observedAtMs + current.leaseDurationSeconds * 1000 - monoNowMs;
  if (held && !ours && expiresInMs > 0) {
    return { plan: { action: 'wait', holder: current.holderIdentity, expiresInMs }, observation };
  }
  const record: LeaseRecord = ours
    ? { ...current, leaseDurationSeconds, renewTime: wallNow }
    : { holderIdentity: identity, leaseDurationSeconds, acquireTime: wallNow, renewTime: wallNow, leaseTransitions: current.leaseTransitions + 1 };
  return { plan: { action: 'update', record, takeover: !ours }, observation };
}

/** The record a clean stop writes: nobody holds it, and it is over in a second. */
export function releasedRecord(current: LeaseRecord, wallNow: Date): LeaseRecord {
  return { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: wallNow, renewTime: wallNow, leaseTransitions: current.leaseTransitions };
}

/** The Lease as read from the API, with the resourceVersion to write over. */
export interface ReadLease {
  record: LeaseRecord;
  resourceVersion: string;
}

/** The I/O a LeaderElector needs: one Lease, read and written with optimistic concurrency. */
export interface LeaseLock {
  readonly namespace: string;
  readonly name: string;
  get(): Promise<ReadLease | undefined>;
  create(record: LeaseRecord): Promise<void>;
  /** Fails with a 409 when resourceVersion is no longer current. */
  update(record: LeaseRecord, resourceVersion: string): Promise<void>;
}

/** MicroTime as the API server parses it (RFC 3339 with exactly six fractional digits). */
export function formatMicroTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function parseTime(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value !== 'string' || value === '') return undefined;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/** Pure: a Lease object → the record (a Lease edited by hand may lack any field). */
export function recordFromLease(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: parseTime(spec.acquireTime),
    renewTime: parseTime(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

/** Pure: the Lease spec for a record. Times go out as strings, since client-node would send milliseconds. */
export function leaseSpecFor(record: LeaseRecord): NonNullable<V1Lease['spec']> {
  return {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaseTransitions,
    ...(record.acquireTime ? { acquireTime: formatMicroTime(record.acquireTime) as unknown as Date } : {}),
    ...(record.renewTime ? { renewTime: formatMicroTime(record.renewTime) as unknown as Date } : {}),
  };
}

export type LeaseClient = Pick<CoordinationV1Api, 'readNamespacedLease' | 'createNamespacedLease' | 'replaceNamespacedLease'>;

/** A LeaseLock on a real Lease; `labels` mark the Leases the lab owns. */
export function apiLeaseLock(coordination: LeaseClient, namespace: string, name: string, labels: Record<string, string> = {}): LeaseLock {
  const metadata = (resourceVersion?: string) => ({ name, namespace, labels, ...(resourceVersion ? { resourceVersion } : {}) });
  return {
    namespace,
    name,
    async get() {
      try {
        const lease = await coordination.readNamespacedLease({ name, namespace });
        return { record: recordFromLease(lease), resourceVersion: lease.metadata?.resourceVersion ?? '' };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async create(record) {
      await coordination.createNamespacedLease({ namespace, body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: metadata(), spec: leaseSpecFor(record) } });
    },
    async update(record, resourceVersion) {
      await coordination.replaceNamespacedLease({ name, namespace, body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: metadata(resourceVersion), spec: leaseSpecFor(record) } });
    },
  };
}

export interface ElectionClock {
  /** Wall time, written into the Lease for people to read. */
  wallNow(): Date;
  /** Monotonic milliseconds: judges expiry and deadlines, immune to clock jumps. */
  monoNowMs(): number;
  /** Resolves after ms, or early when signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** A number in [0, 1) for jitter. */
  random(): number;
}

export const realElectionClock: ElectionClock = {
  wallNow: () => new Date(),
  monoNowMs: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    }),
  random: Math.random,
};

/** What happened to the election, for logs, the trace and `lab status`. */
export type ElectionEvent =
  | { type: 'standby'; holder: string; expiresInMs: number }
  | { type: 'acquired'; takeover: boolean; previousHolder: string; transitions: number }
  | { type: 'lost'; reason: string }
  | { type: 'released' }
  | { type: 'error'; message: string };

export interface LeaderElectorOptions {
  lock: LeaseLock;
  identity: string;
  timings?: ElectionTimings;
  clock?: ElectionClock;
  onEvent?: (event: ElectionEvent) => void;
}

/**
 * Runs `lead(leadingSignal)` whenever this candidate holds the Lease; leadingSignal aborts the
 * moment leadership is lost (or the run stops), and lead must then stop acting. After a loss the
 * candidate goes back to standby. run() resolves once `signal` aborted and the Lease was released.
 */
export class LeaderElector {
  private readonly lock: LeaseLock;
  readonly identity: string;
  private readonly timings: ElectionTimings;
  private readonly clock: ElectionClock;
  private readonly onEvent: (event: ElectionEvent) => void;
  private observation: Observation | undefined;
  private lastStandbyHolder = '';
  private leading = false;
  /** The read-and-write in progress, so a release can wait for a renewal already sent. */
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(opts: LeaderElectorOptions) {
    this.lock = opts.lock;
    this.identity = opts.identity;
    this.timings = opts.timings ?? DEFAULT_TIMINGS;
    validateTimings(this.timings);
    this.clock = opts.clock ?? realElectionClock;
    this.onEvent = opts.onEvent ?? (() => {});
  }

  get isLeader(): boolean {
    return this.leading;
  }

  async run(signal: AbortSignal, lead: (leadingSignal: AbortSignal) => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.acquire(signal))) break;
      const leadership = new AbortController();
      const stop = () => leadership.abort();
      signal.addEventListener('abort', stop, { once: true });
      this.leading = true;
      let failure: { error: unknown } | undefined;
      // Work that ends by itself (a failure) ends the term too, so the renewals stop.
      const work = lead(leadership.signal)
        .catch((error: unknown) => {
          failure = { error };
        })
        .finally(() => leadership.abort());
      const renewal = this.renewUntilLost(leadership.signal).then((reason) => {
        if (reason) {
          this.leading = false; // no write may pass the fence from now on
          this.onEvent({ type: 'lost', reason });
        }
        leadership.abort();
      });
      try {
        await Promise.all([work, renewal]);
      } finally {
        signal.removeEventListener('abort', stop);
        this.leading = false;
      }
      // Bounded: an API server that does not answer must not keep a stopping lab alive.
      if (signal.aborted || failure) await withDeadline(this.release(), this.timings.renewDeadlineMs / 2, this.clock, new AbortController().signal);
      if (failure) throw failure.error;
    }
  }

  private jittered(): number {
    return this.timings.retryPeriodMs * (1 + this.clock.random() * (JITTER_FACTOR - 1));
  }

  /** One read and at most one write. True when we hold the Lease afterwards. */
  private tryAcquireOrRenew(): Promise<{ held: boolean; takeover?: boolean; previousHolder?: string; transitions?: number }> {
    const attempt = this.readAndWrite();
    this.inFlight = attempt.catch(() => {});
    return attempt;
  }

  private async readAndWrite(): Promise<{ held: boolean; takeover?: boolean; previousHolder?: string; transitions?: number }> {
    const read = await this.lock.get();
    const { plan, observation } = planAcquireOrRenew({
      identity: this.identity,
      current: read?.record,
      previous: this.observation,
      wallNow: this.clock.wallNow(),
      monoNowMs: this.clock.monoNowMs(),
      leaseDurationMs: this.timings.leaseDurationMs,
    });
    this.observation = observation;
    if (plan.action === 'wait') {
      if (plan.holder !== this.lastStandbyHolder) this.onEvent({ type: 'standby', holder: plan.holder, expiresInMs: plan.expiresInMs });
      this.lastStandbyHolder = plan.holder;
      return { held: false, previousHolder: plan.holder };
    }
    try {
      if (plan.action === 'create') await this.lock.create(plan.record);
      else await this.lock.update(plan.record, read!.resourceVersion);
    } catch (err) {
      // 409: someone else wrote first (Conflict on update, AlreadyExists on create).
      if (isConflict(err)) return { held: false };
      throw err;
    }
    this.observation = { record: plan.record, observedAtMs: this.clock.monoNowMs() };
    this.lastStandbyHolder = '';
    return { held: true, takeover: plan.action === 'create' || plan.takeover, previousHolder: read?.record.holderIdentity ?? '', transitions: plan.record.leaseTransitions };
  }

  /** Standby until we hold the Lease (true) or the run stops (false). */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      try {
        const result = await this.tryAcquireOrRenew();
        if (result.held) {
          this.onEvent({ type: 'acquired', takeover: !!result.takeover, previousHolder: result.previousHolder ?? '', transitions: result.transitions ?? 0 });
          return true;
        }
      } catch (err) {
        this.onEvent({ type: 'error', message: `could not read or write Lease ${this.lock.namespace}/${this.lock.name}: ${errorMessage(err)}${leaseErrorHint(err)}` });
      }
      await this.clock.sleep(this.jittered(), signal);
    }
    return false;
  }

  /**
   * Renew every retryPeriod. Resolves with the reason leadership was lost, or undefined when
   * `leading` aborted first (the run is stopping). A renewal that did not succeed within
   * renewDeadline of the last success loses; so does seeing another holder.
   */
  private async renewUntilLost(leading: AbortSignal): Promise<string | undefined> {
    let lastRenewedMs = this.clock.monoNowMs();
    while (true) {
      await this.clock.sleep(this.timings.retryPeriodMs, leading);
      if (leading.aborted) return undefined;
      try {
        const result = await withDeadline(this.tryAcquireOrRenew(), lastRenewedMs + this.timings.renewDeadlineMs - this.clock.monoNowMs(), this.clock, leading);
        if (leading.aborted) return undefined;
        if (result === 'deadline') return `no renewal succeeded within ${this.timings.renewDeadlineMs / 1000} s (renew deadline)`;
        if (result.held) {
          lastRenewedMs = this.clock.monoNowMs();
          continue;
        }
        if (result.previousHolder) return `Lease ${this.lock.namespace}/${this.lock.name} is now held by ${result.previousHolder}`;
      } catch (err) {
        this.onEvent({ type: 'error', message: `renewing Lease ${this.lock.namespace}/${this.lock.name} failed: ${errorMessage(err)}${leaseErrorHint(err)}` });
      }
      if (this.clock.monoNowMs() - lastRenewedMs >= this.timings.renewDeadlineMs) {
        return `no renewal succeeded within ${this.timings.renewDeadlineMs / 1000} s (renew deadline)`;
      }
    }
  }

  /**
   * A clean stop hands the Lease over at once: empty holder, 1 s duration. Best effort, bounded by
   * the caller. A renewal sent just before the stop may land after our read and make the release a
   * 409 (seen in CI: the standby then waited out the full lease), so wait for it, and on a conflict
   * read again: while the Lease is still ours, nobody else can have written it but that renewal.
   */
  private async release(): Promise<void> {
    await this.inFlight;
    for (let attempt = 1; ; attempt++) {
      try {
        const read = await this.lock.get();
        if (!read || read.record.holderIdentity !== this.identity) return;
        await this.lock.update(releasedRecord(read.record, this.clock.wallNow()), read.resourceVersion);
        this.onEvent({ type: 'released' });
        return;
      } catch (err) {
        if (isConflict(err) && attempt < RELEASE_ATTEMPTS) continue;
        this.onEvent({ type: 'error', message: `could not release Lease ${this.lock.namespace}/${this.lock.name}: ${errorMessage(err)}` });
        return;
      }
    }
  }
}

/** The promise's value, or 'deadline' if it has not settled within ms (the promise runs on). */
async function withDeadline<T>(promise: Promise<T>, ms: number, clock: ElectionClock, signal: AbortSignal): Promise<T | 'deadline'> {
  promise.catch(() => {}); // after the deadline its failure no longer matters
  if (ms <= 0) return 'deadline';
  const timeout = new AbortController();
  const stop = () => timeout.abort();
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await Promise.race([promise, clock.sleep(ms, timeout.signal).then(() => 'deadline' as const)]);
  } finally {
    timeout.abort();
    signal.removeEventListener('abort', stop);
  }
}

/**
 * What to do about a Lease call the API server refused: 403 means the component's identity may
 * not read or write Leases (its RBAC Role or RoleBinding is missing); it keeps waiting, never acts.
 */
export function leaseErrorHint(err: unknown): string {
  if (httpStatusOf(err) !== 403) return '';
  return ' (403 Forbidden: this identity may not use Leases in that namespace; the lab\'s Role and RoleBinding for it are missing: `npx lab run` applies manifests/rbac, or `kubectl apply -f manifests/rbac`; it waits as a standby until then)';
}
