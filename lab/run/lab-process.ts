/**
 * runLab in this process, stoppable: `lab compare`, `lab demo` and `lab bench` start the lab's
 * components next to their own work and stop them with an AbortSignal. They may act only once
 * every component's informers have synced, so `ready` settles on runLab's onReady callbacks, on a
 * time limit, or on runLab ending first.
 */
import { runLab } from './run.js';
import type { Component } from './components.js';

export interface LabProcess {
  /** Resolves when every component announced that its informers synced. */
  ready: Promise<void>;
  /** Settles when runLab returns (after stop(), or on its own failure). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Pure bookkeeping of which components are still syncing: `ready()` marks one, and the returned
 * value says whether that was the last. Kept apart from the I/O so the rule is testable.
 */
export class Readiness {
  private readonly waiting: Set<Component>;
  constructor(components: readonly Component[]) {
    this.waiting = new Set(components);
  }
  /** Marks `component` ready; true once none is left waiting. */
  ready(component: Component): boolean {
    this.waiting.delete(component);
    return this.waiting.size === 0;
  }
  get pending(): Component[] {
    return [...this.waiting];
  }
}

export function startLab(opts: { only: Component[]; schedulerName?: string; trace?: string; readyTimeoutMs?: number; command?: string; force?: boolean; whenAnotherLabRuns?: 'standby' | 'refuse' }): LabProcess {
  const abort = new AbortController();
  const readiness = new Readiness(opts.only);
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  let markReady!: () => void;
  let markFailed!: (err: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  ready.catch(() => {}); // a caller that never awaits ready must not see an unhandled rejection

  const timer = setTimeout(() => {
    markFailed(new Error(`the lab's ${readiness.pending.join(', ')} did not sync their informers within ${timeoutMs / 1000} s`));
  }, timeoutMs);
  const done = runLab({
    only: opts.only,
    schedulerName: opts.only.includes('scheduler') ? (opts.schedulerName ?? 'lab-scheduler') : undefined,
    // `lab conformance scheduling` serves default-scheduler after stopping kube-scheduler itself.
    force: opts.force ?? false,
    whenAnotherLabRuns: opts.whenAnotherLabRuns ?? 'refuse',
    command: opts.command ?? 'lab (in-process)',
    trace: opts.trace,
    signal: abort.signal,
    onReady: (component) => {
      if (readiness.ready(component)) markReady();
    },
  }).finally(() => clearTimeout(timer));
  // A promise settles once: after `ready` resolved, these rejections change nothing.
  done.then(
    () => markFailed(new Error('the lab stopped before it was ready')),
    (err: Error) => markFailed(err),
  );
  ready.then(() => clearTimeout(timer), () => {});
  return {
    ready,
    done,
    async stop() {
      abort.abort();
      await done.catch(() => {});
    },
  };
}
