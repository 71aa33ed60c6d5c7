/**
 * One writer at a time: each of the lab's components acts only while it holds its Lease, as
 * kube-controller-manager's controllers and kube-scheduler do. The component is built afresh for
 * every term (new informers, empty queues), its writes go through a fence that refuses them the
 * moment the term ends, and every change of leadership is a decision in the trace.
 */
import type { DecisionSink } from '../../controllers/shared/decisions.js';
import {
  apiLeaseLock,
  LeaderElector,
  type ElectionEvent,
  type ElectionTimings,
  type LeaseClient,
} from '../../controllers/shared/leader-election.js';
import { LAB_NAMESPACE, type Component } from './components.js';
import { LEADER_LEASE_LABELS, SCHEDULER_LEASE_PREFIX } from './presence.js';

/** The Lease each component leads by: upstream's controller names, one Lease per scheduler name. */
export function leaseNameFor(component: Component, schedulerName?: string): string {
  if (component === 'deployment') return 'deployment-controller';
  if (component === 'replicaset') return 'replicaset-controller';
  return `${SCHEDULER_LEASE_PREFIX}${schedulerName ?? 'lab-scheduler'}`;
}

export class NotLeaderError extends Error {
  constructor(readonly method: string, readonly lease: string) {
    super(`${method} refused: this process no longer holds Lease ${LAB_NAMESPACE}/${lease}`);
    this.name = 'NotLeaderError';
  }
}

const WRITE_METHOD = /^(create|replace|patch|delete)/;

/**
 * A view of `api` whose write methods throw NotLeaderError unless `isLeading()`: the last line of
 * defence, so that a sync still running when leadership is lost cannot write after it.
 */
export function fencedClient<T extends object>(api: T, isLeading: () => boolean, lease: string): T {
  return new Proxy(api, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== 'string' || typeof value !== 'function' || !WRITE_METHOD.test(property)) return value;
      return (...args: unknown[]) => {
        if (!isLeading()) return Promise.reject(new NotLeaderError(property, lease));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** Pure: an election event → the decision the trace shows, or undefined for events that are not. */
export function decisionForElection(actor: string, lease: string, identity: string, event: ElectionEvent): Parameters<DecisionSink>[0] | undefined {
  const object = { kind: 'Lease', namespace: LAB_NAMESPACE, name: lease };
  const base = { component: actor, object, details: { identity } };
  switch (event.type) {
    case 'acquired':
      return {
        ...base,
        verb: 'acquire-lease',
        reason: event.takeover && event.previousHolder
          ? `took over from ${event.previousHolder}: its lease was released or expired (transition ${event.transitions})`
          : event.previousHolder === identity
            ? 'still holds the lease: leading again'
            : 'nobody held the lease: leading',
        details: { identity, previousHolder: event.previousHolder, transitions: event.transitions },
      };
    case 'standby':
      return { ...base, verb: 'standby', reason: `${event.holder} leads; waiting (its lease expires in ≤ ${Math.ceil(event.expiresInMs / 1000)} s unless renewed)`, details: { identity, holder: event.holder } };
    case 'lost':
      return { ...base, verb: 'lose-lease', reason: `stopped acting: ${event.reason}` };
    case 'released':
      return { ...base, verb: 'release-lease', reason: 'clean stop: released the lease so a standby takes over at once' };
    case 'error':
      return undefined;
  }
}

export interface ElectedRunOptions {
  actor: string;
  lease: string;
  identity: string;
  coordination: LeaseClient;
  decisions: DecisionSink;
  /** One line for the person at the terminal. */
  say: (line: string, level: 'info' | 'warn') => void;
  /** Who an identity is, for the standby message (e.g. "pid 4242 on laptop"). */
  describeHolder: (identity: string) => Promise<string | undefined>;
  timings?: ElectionTimings;
  signal: AbortSignal;
  /** Act as the leader until `leading` aborts; `isLeading` guards every write. */
  lead: (leading: AbortSignal, isLeading: () => boolean) => Promise<void>;
}

/** Runs the component under leader election until `signal` aborts; the Lease is released at the end. */
export async function runElected(opts: ElectedRunOptions): Promise<void> {
  const lock = apiLeaseLock(opts.coordination, LAB_NAMESPACE, opts.lease, { ...LEADER_LEASE_LABELS });
  const elector = new LeaderElector({
    lock,
    identity: opts.identity,
    ...(opts.timings ? { timings: opts.timings } : {}),
    onEvent: (event) => {
      const decision = decisionForElection(opts.actor, opts.lease, opts.identity, event);
      if (decision) {
        try {
          opts.decisions(decision);
        } catch {
          // a trace sink that throws must never break the election
        }
      }
      if (event.type === 'standby') {
        void opts.describeHolder(event.holder).then(
          (who) => opts.say(`${opts.actor}: standby, ${event.holder}${who ? ` (${who})` : ''} leads; taking over if its Lease ${LAB_NAMESPACE}/${opts.lease} is not renewed for ${Math.ceil(event.expiresInMs / 1000)} s`, 'info'),
          () => {},
        );
      } else if (event.type === 'acquired') {
        opts.say(`${opts.actor}: leading (Lease ${LAB_NAMESPACE}/${opts.lease}${event.takeover && event.previousHolder ? `, taken over from ${event.previousHolder}` : ''})`, 'info');
      } else if (event.type === 'lost') {
        opts.say(`${opts.actor}: lost the lease, stopped acting: ${event.reason}`, 'warn');
      } else if (event.type === 'error') {
        opts.say(`${opts.actor}: ${event.message}`, 'warn');
      }
    },
  });
  await elector.run(opts.signal, (leading) => opts.lead(leading, () => elector.isLeader));
}
