/**
 * runLab in this process, stoppable: `lab compare`, `lab demo` and `lab bench` start the lab's
 * components next to their own work and stop them with an AbortSignal.
 *
 * runLab says a component is ready only on stderr ("✓ <component> ready: informers synced"), so we
 * watch stderr for those lines (passing everything through) instead of reaching into run.ts.
 */
import { runLab } from '../run/run.js';
import type { Component } from '../run/components.js';

export interface LabProcess {
  /** Resolves when every component announced that its informers synced. */
  ready: Promise<void>;
  /** Settles when runLab returns (after stop(), or on its own failure). */
  done: Promise<void>;
  stop(): Promise<void>;
}

const ACTOR_OF: Record<Component, string> = { deployment: 'deployment-controller', replicaset: 'replicaset-controller', scheduler: 'scheduler' };

/** Pure: which components a chunk of stderr announces as ready. */
export function readyComponents(text: string, components: readonly Component[]): Component[] {
  return components.filter((c) => new RegExp(`\\b${ACTOR_OF[c]} ready: informers synced`).test(text));
}

export function startLab(opts: { only: Component[]; schedulerName?: string; trace?: string; readyTimeoutMs?: number }): LabProcess {
  const abort = new AbortController();
  const waiting = new Set(opts.only);
  const original = process.stderr.write.bind(process.stderr);
  let markReady!: () => void;
  let markFailed!: (err: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  ready.catch(() => {}); // a caller that never awaits ready must not see an unhandled rejection
  const restore = () => {
    if (process.stderr.write !== original) process.stderr.write = original;
  };
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    for (const c of readyComponents(text, [...waiting])) waiting.delete(c);
    if (waiting.size === 0) {
      restore();
      markReady();
    }
    return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;

  const timer = setTimeout(() => {
    restore();
    markFailed(new Error(`the lab's ${[...waiting].join(', ')} did not sync their informers within ${(opts.readyTimeoutMs ?? 60_000) / 1000} s`));
  }, opts.readyTimeoutMs ?? 60_000);
  const done = runLab({ only: opts.only, schedulerName: opts.only.includes('scheduler') ? (opts.schedulerName ?? 'lab-scheduler') : undefined, force: false, trace: opts.trace, signal: abort.signal })
    .finally(() => {
      clearTimeout(timer);
      restore();
    });
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
