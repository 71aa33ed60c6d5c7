/**
 * Ctrl-C and SIGTERM for a command that changes the cluster for a while (`lab bench`, `lab
 * compare`). Node's default for both is to exit at once: no `finally` runs, and the cluster stays
 * as the command had it. While a guard is armed, the first signal says what happens and runs the
 * command's clean-up, then exits 130; a second one exits 130 at once, leaving the clean-up to the
 * next start. The process is injected so the tests send no real signals.
 */
import { describeError } from './errors.js';

export const INTERRUPTED_EXIT_CODE = 130;

type InterruptSignal = 'SIGINT' | 'SIGTERM';
const SIGNALS: readonly InterruptSignal[] = ['SIGINT', 'SIGTERM'];

/** The part of `process` the guard uses. */
export interface SignalSource {
  on(signal: InterruptSignal, listener: () => void): unknown;
  off(signal: InterruptSignal, listener: () => void): unknown;
}

export interface InterruptOptions {
  /** What the first signal prints before the clean-up starts (read then, so it can count what there is to do). */
  message: () => string;
  cleanup: () => Promise<void>;
  /** Printed after a clean-up that failed (what is left, who puts it right). */
  afterFailure?: string;
  proc?: SignalSource;
  exit?: (code: number) => void;
  write?: (text: string) => void;
}

export interface InterruptGuard {
  /** Removes the handlers: the command ended by itself. */
  dispose(): void;
}

export function onInterrupt(opts: InterruptOptions): InterruptGuard {
  const proc = opts.proc ?? process;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const write = opts.write ?? ((text: string) => void process.stderr.write(text));
  let signals = 0;
  let exited = false;
  // The real exit never returns; an injected one does, and must still end the "process" once.
  const exitOnce = () => {
    if (exited) return;
    exited = true;
    exit(INTERRUPTED_EXIT_CODE);
  };
  const onSignal = (signal: InterruptSignal) => {
    signals++;
    if (signals > 1) {
      write(`${signal} again: leaving at once\n`);
      exitOnce();
      return;
    }
    write(`${opts.message()}\n`);
    opts.cleanup().then(exitOnce, (err: unknown) => {
      const { message, fix } = describeError(err);
      write(`error: ${message}\n${fix ? `fix: ${fix}\n` : ''}${opts.afterFailure ? `${opts.afterFailure}\n` : ''}`);
      exitOnce();
    });
  };
  const listeners = new Map(SIGNALS.map((s) => [s, () => onSignal(s)] as const));
  for (const [signal, listener] of listeners) proc.on(signal, listener);
  return {
    dispose() {
      for (const [signal, listener] of listeners) proc.off(signal, listener);
    },
  };
}
