/**
 * The scheduling queue, after kube-scheduler's PriorityQueue:
 * - activeQ: pods ready to try, ordered by the profile's QueueSort (priority, then age);
 * - backoffQ: pods that failed recently, each waiting 1 s, 2 s, 4 s ... up to 10 s;
 * - unschedulable: pods no node fits; they wait for a cluster event that might help (a node
 *   added or changed, a pod deleted) or for 5 minutes, then go back to active or backoff;
 * - gated: pods a PreEnqueue plugin turned away (spec.schedulingGates); upstream keeps them in
 *   its unschedulable set marked gated. No cluster event and no timeout moves them: only an
 *   update of the pod itself that passes PreEnqueue (the gates removed) does, straight to active.
 * Time comes from an injected clock; call flush() periodically to move due pods.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { QueuedPodInfo } from './framework/interfaces.js';
import { podKey } from './framework/node-info.js';

export interface SchedulingQueueOptions {
  less: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  clock?: () => number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a pod may sit in the unschedulable set without an event before it is retried. */
  unschedulableTimeoutMs?: number;
}

/** A popped pod, with the scheduling cycle it was popped in (to detect events during the attempt). */
export interface PoppedPod extends QueuedPodInfo {
  cycle: number;
}

interface Entry extends QueuedPodInfo {
  lastFailure?: number;
  /** The plugins that rejected the pod in its last attempt (upstream's UnschedulablePlugins). */
  rejectedBy?: ReadonlySet<string>;
}

export class SchedulingQueue {
  private readonly active = new Map<string, Entry>();
  private readonly backoff = new Map<string, Entry>();
  private readonly unschedulable = new Map<string, Entry>();
  private readonly gated = new Map<string, Entry>();
  /** Pods popped and being scheduled, so an update during the attempt is not queued twice. */
  private readonly inFlight = new Map<string, Entry>();
  private readonly clock: () => number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly unschedulableTimeoutMs: number;
  private schedulingCycle = 0;
  /** The cycle in which the last "move everything" event happened. */
  private moveRequestCycle = -1;
  /** Per plugin, the cycle of the last event that may help pods it rejected (see moveRejectedBy). */
  private readonly pluginEventCycle = new Map<string, number>();
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly opts: SchedulingQueueOptions) {
    this.clock = opts.clock ?? Date.now;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.unschedulableTimeoutMs = opts.unschedulableTimeoutMs ?? 5 * 60_000;
  }

  /** A new pending pod. */
  add(pod: V1Pod): void {
    const key = podKey(pod);
    if (this.inFlight.has(key)) return;
    const now = this.clock();
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.gated.delete(key);
    const existing = this.active.get(key);
    this.active.set(key, { pod, timestamp: existing?.timestamp ?? now, attempts: existing?.attempts ?? 0, initialAttemptTimestamp: existing?.initialAttemptTimestamp ?? now });
    this.wake();
  }

  /**
   * A pending pod that did not pass PreEnqueue: park it (or refresh it) in the gated set, out of
   * every other queue, until an update passes PreEnqueue. A pod being scheduled is left alone.
   */
  addGated(pod: V1Pod): void {
    const key = podKey(pod);
    if (this.inFlight.has(key)) return;
    const existing = this.active.get(key) ?? this.backoff.get(key) ?? this.unschedulable.get(key) ?? this.gated.get(key);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    const now = this.clock();
    this.gated.set(key, { pod, timestamp: existing?.timestamp ?? now, attempts: existing?.attempts ?? 0, initialAttemptTimestamp: existing?.initialAttemptTimestamp ?? now });
  }

  /**
   * The pod changed (and passed PreEnqueue): refresh it where it is; an unschedulable pod is
   * retried (its spec may now fit); a gated one goes to active (upstream moveToActiveQ).
   */
  update(pod: V1Pod): void {
    const key = podKey(pod);
    const wasGated = this.gated.get(key);
    if (wasGated) {
      this.gated.delete(key);
      this.active.set(key, { ...wasGated, pod, timestamp: this.clock() });
      this.wake();
      return;
    }
    for (const queue of [this.active, this.backoff, this.inFlight]) {
      const entry = queue.get(key);
      if (entry) {
        queue.set(key, { ...entry, pod });
        return;
      }
    }
    const parked = this.unschedulable.get(key);
    if (parked) {
      this.unschedulable.delete(key);
      this.requeue({ ...parked, pod });
      return;
    }
    this.add(pod);
  }

  delete(pod: V1Pod): void {
    const key = podKey(pod);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.gated.delete(key);
    this.inFlight.delete(key);
  }

  /** Wait for the next pod in activeQ order; undefined once closed. */
  async pop(): Promise<PoppedPod | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const next = this.head();
      if (next) {
        const key = podKey(next.pod);
        this.active.delete(key);
        next.attempts++;
        this.schedulingCycle++;
        this.inFlight.set(key, next);
        return { ...next, cycle: this.schedulingCycle };
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private head(): Entry | undefined {
    let best: Entry | undefined;
    for (const entry of this.active.values()) if (!best || this.opts.less(entry, best)) best = entry;
    return best;
  }

  /** The attempt ended (bound, or handed back via one of the add* methods). */
  done(pod: V1Pod): void {
    this.inFlight.delete(podKey(pod));
  }

  /**
   * No node fits. Park the pod until an event — unless an event already arrived during this
   * attempt, in which case it might fit now, so it only backs off.
   */
  addUnschedulable(popped: PoppedPod, rejectedBy: Iterable<string> = []): void {
    const key = podKey(popped.pod);
    const entry = this.inFlight.get(key);
    if (!entry) return; // deleted while being scheduled
    this.inFlight.delete(key);
    const now = this.clock();
    const plugins = new Set(rejectedBy);
    const parked: Entry = { ...entry, timestamp: now, lastFailure: now, rejectedBy: plugins };
    const helpedMeanwhile = [...plugins].some((p) => (this.pluginEventCycle.get(p) ?? -1) >= popped.cycle);
    if (this.moveRequestCycle >= popped.cycle || helpedMeanwhile) this.backoff.set(key, parked);
    else this.unschedulable.set(key, parked);
  }

  /** The attempt failed with an error (plugin bug, API error): retry after the backoff. */
  addBackoff(popped: PoppedPod): void {
    const key = podKey(popped.pod);
    const entry = this.inFlight.get(key);
    if (!entry) return;
    this.inFlight.delete(key);
    const now = this.clock();
    this.backoff.set(key, { ...entry, timestamp: now, lastFailure: now });
  }

  /** Backoff for a pod that has had `attempts` tries: 1 s, 2 s, 4 s, ... capped at the max. */
  backoffDuration(attempts: number): number {
    let duration = this.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      duration *= 2;
      if (duration >= this.maxBackoffMs) return this.maxBackoffMs;
    }
    return Math.min(duration, this.maxBackoffMs);
  }

  backoffExpiry(entry: QueuedPodInfo & { lastFailure?: number }): number {
    return (entry.lastFailure ?? entry.timestamp) + this.backoffDuration(entry.attempts);
  }

  private requeue(entry: Entry): void {
    const key = podKey(entry.pod);
    if (this.backoffExpiry(entry) > this.clock()) this.backoff.set(key, entry);
    else {
      this.active.set(key, entry);
      this.wake();
    }
  }

  /**
   * A cluster event that may make parked pods schedulable (node added/updated, pod deleted).
   * Every unschedulable pod moves to backoff (if still backing off) or active.
   */
  moveAllToActiveOrBackoff(_event: string): number {
    this.moveRequestCycle = this.schedulingCycle;
    const moved = [...this.unschedulable.values()];
    this.unschedulable.clear();
    for (const entry of moved) this.requeue(entry);
    return moved.length;
  }

  /**
   * An event that can only help pods some plugins rejected (upstream's per-plugin events: a pod
   * bound or relabelled may satisfy PodTopologySpread or InterPodAffinity, not NodeResourcesFit).
   * Moves the unschedulable pods one of `plugins` rejected and, per `mayHelp` (the plugin's
 * queueing hint), could now accept; others stay parked.
   */
  moveRejectedBy(_event: string, plugins: readonly string[], mayHelp: (pod: V1Pod, plugin: string) => boolean = () => true): number {
    for (const p of plugins) this.pluginEventCycle.set(p, this.schedulingCycle);
    let moved = 0;
    for (const [key, entry] of this.unschedulable) {
      // Upstream's queueing hints: retry only if a plugin that rejected the pod says the event may help.
      if (!plugins.some((p) => entry.rejectedBy?.has(p) && mayHelp(entry.pod, p))) continue;
      this.unschedulable.delete(key);
      this.requeue(entry);
      moved++;
    }
    return moved;
  }

  /** Move pods whose backoff has passed to active, and pods parked too long out of unschedulable. */
  flush(): void {
    const now = this.clock();
    for (const [key, entry] of this.backoff) {
      if (this.backoffExpiry(entry) <= now) {
        this.backoff.delete(key);
        this.active.set(key, entry);
        this.wake();
      }
    }
    for (const [key, entry] of this.unschedulable) {
      if (now - entry.timestamp >= this.unschedulableTimeoutMs) {
        this.unschedulable.delete(key);
        this.requeue(entry);
      }
    }
  }

  /** Where a pod currently is, for tests and the trace. */
  whereIs(pod: V1Pod): 'active' | 'backoff' | 'unschedulable' | 'gated' | 'in-flight' | undefined {
    const key = podKey(pod);
    if (this.gated.has(key)) return 'gated';
    if (this.active.has(key)) return 'active';
    if (this.backoff.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    if (this.inFlight.has(key)) return 'in-flight';
    return undefined;
  }

  lengths(): { active: number; backoff: number; unschedulable: number; gated: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, gated: this.gated.size };
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
