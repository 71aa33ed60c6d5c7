import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { LabError } from '../../../lab/base/errors.js';
import { INTERRUPTED_EXIT_CODE, onInterrupt, type SignalSource } from '../../../lab/base/interrupt.js';

/** A process stand-in that takes signals by emit; what is written and every exit are recorded. */
function fakeProcess() {
  const proc = new EventEmitter();
  const written: string[] = [];
  const exits: number[] = [];
  return { proc: proc as EventEmitter & SignalSource, written, exits, write: (t: string) => void written.push(t), exit: (code: number) => void exits.push(code) };
}

/** A clean-up that waits until the test lets it finish. */
function heldCleanup() {
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const cleanup = vi.fn(() => new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject))));
  return { cleanup, finish: () => finish(), fail: (err: Error) => fail(err) };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('onInterrupt', () => {
  it('the first SIGINT says what it does, runs the clean-up, and exits 130 only once that is done', async () => {
    const p = fakeProcess();
    const held = heldCleanup();
    onInterrupt({ message: () => 'interrupted: putting it back', cleanup: held.cleanup, proc: p.proc, exit: p.exit, write: p.write });
    p.proc.emit('SIGINT');
    expect(p.written).toEqual(['interrupted: putting it back\n']);
    expect(held.cleanup).toHaveBeenCalledTimes(1);
    await flush();
    expect(p.exits).toEqual([]);
    held.finish();
    await flush();
    expect(p.exits).toEqual([INTERRUPTED_EXIT_CODE]);
    expect(INTERRUPTED_EXIT_CODE).toBe(130);
  });

  it('reads the message when the signal comes, not when armed', () => {
    const p = fakeProcess();
    let namespaces = 0;
    onInterrupt({ message: () => `${namespaces} namespaces`, cleanup: async () => {}, proc: p.proc, exit: p.exit, write: p.write });
    namespaces = 3;
    p.proc.emit('SIGTERM');
    expect(p.written).toEqual(['3 namespaces\n']);
  });

  it('a second signal exits 130 at once, without waiting for the clean-up, and the clean-up ending later exits no more', async () => {
    const p = fakeProcess();
    const held = heldCleanup();
    onInterrupt({ message: () => 'first', cleanup: held.cleanup, proc: p.proc, exit: p.exit, write: p.write });
    p.proc.emit('SIGINT');
    p.proc.emit('SIGINT');
    expect(p.exits).toEqual([130]);
    expect(held.cleanup).toHaveBeenCalledTimes(1);
    expect(p.written[1]).toMatch(/SIGINT again: leaving at once/);
    held.finish();
    await flush();
    expect(p.exits).toEqual([130]);
  });

  it('SIGTERM then SIGINT count as first and second', () => {
    const p = fakeProcess();
    const held = heldCleanup();
    onInterrupt({ message: () => 'first', cleanup: held.cleanup, proc: p.proc, exit: p.exit, write: p.write });
    p.proc.emit('SIGTERM');
    expect(p.exits).toEqual([]);
    p.proc.emit('SIGINT');
    expect(p.exits).toEqual([130]);
  });

  it('a clean-up that fails is reported with its fix and what is left, and still exits 130', async () => {
    const p = fakeProcess();
    const held = heldCleanup();
    onInterrupt({ message: () => 'first', cleanup: held.cleanup, afterFailure: 'the record stays', proc: p.proc, exit: p.exit, write: p.write });
    p.proc.emit('SIGINT');
    held.fail(new LabError('kube-controller-manager did not come back', 'npx lab status'));
    await flush();
    expect(p.written.slice(1).join('')).toBe('error: kube-controller-manager did not come back\nfix: npx lab status\nthe record stays\n');
    expect(p.exits).toEqual([130]);
  });

  it('dispose() removes both handlers: a later signal does nothing here', () => {
    const p = fakeProcess();
    const cleanup = vi.fn(async () => {});
    const guard = onInterrupt({ message: () => 'first', cleanup, proc: p.proc, exit: p.exit, write: p.write });
    expect(p.proc.listenerCount('SIGINT')).toBe(1);
    expect(p.proc.listenerCount('SIGTERM')).toBe(1);
    guard.dispose();
    expect(p.proc.listenerCount('SIGINT')).toBe(0);
    expect(p.proc.listenerCount('SIGTERM')).toBe(0);
    p.proc.emit('SIGINT');
    expect(cleanup).not.toHaveBeenCalled();
    expect(p.exits).toEqual([]);
  });
});
