/** Stopping lab processes by pid (lab stop, the exercises' stopLab): the pid-reuse check and the SIGTERM → SIGKILL loop. */
import { describe, expect, it } from 'vitest';
import type { ProcessTable } from '../../../lab/base/stop-processes.js';
import { isLabCommandLine, runsLab, stopPids, waitForExit } from '../../../lab/run/lab-pids.js';

const LAB = 'node /work/main/lab/bin/lab.mjs run';

/** One fake process: its command line, and when it exits after SIGTERM (or never); SIGKILL ends it unless it ignores it. */
interface FakeProcess {
  cmdline?: string;
  exitAfterTermMs?: number | 'never';
  /** Stuck (uninterruptible): even SIGKILL does not end it. */
  unkillable?: boolean;
  /** Exits this many ms after SIGTERM and its pid goes at once to another program. */
  reusedAfterTermMs?: number;
}

/** A process table over fake processes and a fake clock; records the signals sent. */
function world(processes: Record<number, FakeProcess>, opts: { proc?: boolean } = {}) {
  let clock = 0;
  const alive = new Set(Object.keys(processes).map(Number));
  const cmdlines = new Map(Object.entries(processes).map(([pid, p]) => [Number(pid), p.cmdline ?? LAB]));
  const termAt = new Map<number, number>();
  const signals: string[] = [];
  const tick = () => {
    for (const [pid, at] of termAt) {
      const p = processes[pid]!;
      if (p.reusedAfterTermMs !== undefined && clock - at >= p.reusedAfterTermMs) cmdlines.set(pid, '/usr/bin/sleep 1000');
      const after = p.exitAfterTermMs ?? 'never';
      if (after !== 'never' && clock - at >= after) alive.delete(pid);
    }
  };
  const table: ProcessTable = {
    kill(pid, signal) {
      tick();
      if (!alive.has(pid)) throw Object.assign(new Error('no such process'), { code: 'ESRCH' });
      if (signal === 0) return;
      signals.push(`${signal} ${pid}`);
      if (signal === 'SIGTERM' && !termAt.has(pid)) termAt.set(pid, clock);
      if (signal === 'SIGKILL' && !processes[pid]!.unkillable) alive.delete(pid);
    },
    commandLine(pid) {
      tick();
      if (opts.proc === false) return undefined;
      return alive.has(pid) ? cmdlines.get(pid)! : '';
    },
  };
  return { signals, table, sleep: async (ms: number) => void (clock += ms), now: () => clock };
}

describe('isLabCommandLine', () => {
  it.each([
    ['/usr/bin/node /work/main/lab/bin/lab.mjs run --trace .lab/trace/standby.jsonl', true],
    ['node /work/main/node_modules/.bin/lab run', true],
    ['lab demo', true],
    ['/usr/bin/vim lab.md', false],
    ['node /srv/collab/server.js', false],
    ['', false],
  ])('%s → %s', (cmdline, expected) => expect(isLabCommandLine(cmdline)).toBe(expected));
});

describe('runsLab (which pids still belong to the lab)', () => {
  it('an alive pid whose command line is the lab', () => {
    expect(runsLab(10, world({ 10: {} }).table)).toBe(true);
  });

  it('not a pid that is gone, nor one now running another program (pid reuse), nor a zombie', () => {
    const { table } = world({ 11: { cmdline: '/usr/bin/sleep 1000' }, 12: { cmdline: '' } });
    expect(runsLab(10, table)).toBe(false);
    expect(runsLab(11, table)).toBe(false);
    expect(runsLab(12, table)).toBe(false);
  });

  it('without /proc, an alive pid is taken at its word', () => {
    expect(runsLab(10, world({ 10: { cmdline: '/usr/bin/sleep 1000' } }, { proc: false }).table)).toBe(true);
  });

  it('a pid this user may not signal (EPERM) is alive: its command line decides', () => {
    const eperm = (cmdline: string): ProcessTable => ({
      kill: () => {
        throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
      },
      commandLine: () => cmdline,
    });
    expect(runsLab(10, eperm(LAB))).toBe(true);
    expect(runsLab(10, eperm('/usr/sbin/sshd'))).toBe(false);
  });
});

describe('stopPids', () => {
  it('SIGTERMs every process and waits for each to exit', async () => {
    const w = world({ 10: { exitAfterTermMs: 400 }, 11: { exitAfterTermMs: 1_000 } });
    const outcomes = await stopPids([{ pid: 10, command: 'lab run' }, { pid: 11, command: 'lab demo' }], { graceMs: 5_000, ...w });
    expect(outcomes.map((o) => [o.pid, o.command, o.stoppedBy])).toEqual([[10, 'lab run', 'SIGTERM'], [11, 'lab demo', 'SIGTERM']]);
    expect(outcomes[1]!.waitedMs).toBeGreaterThanOrEqual(1_000);
    expect(w.signals).toEqual(['SIGTERM 10', 'SIGTERM 11']);
  });

  it('SIGKILLs what is still running after the grace period', async () => {
    const w = world({ 10: { exitAfterTermMs: 'never' }, 11: { exitAfterTermMs: 200 } });
    const outcomes = await stopPids([{ pid: 10, command: 'lab run' }, { pid: 11, command: 'lab run' }], { graceMs: 2_000, ...w });
    expect(outcomes.map((o) => [o.pid, o.stoppedBy])).toEqual([[10, 'SIGKILL'], [11, 'SIGTERM']]);
    expect(outcomes[0]!.waitedMs).toBeGreaterThanOrEqual(2_000);
    expect(w.signals).toEqual(['SIGTERM 10', 'SIGTERM 11', 'SIGKILL 10']);
  });

  it('a process already gone is reported as such, and no signal is sent', async () => {
    const w = world({});
    const outcomes = await stopPids([{ pid: 99, command: 'lab run' }], { graceMs: 1_000, ...w });
    expect(outcomes).toEqual([{ pid: 99, command: 'lab run', stoppedBy: 'already gone', waitedMs: 0 }]);
    expect(w.signals).toEqual([]);
  });

  it('a pid reused by another program is never signalled', async () => {
    const w = world({ 10: { cmdline: '/usr/bin/postgres -D /var/lib/postgresql', exitAfterTermMs: 'never' } });
    const outcomes = await stopPids([{ pid: 10, command: 'lab run' }], { graceMs: 1_000, ...w });
    expect(outcomes[0]!.stoppedBy).toBe('already gone');
    expect(w.signals).toEqual([]);
  });

  it('a lab whose pid is reused while we wait counts as stopped, and the new program gets no SIGKILL', async () => {
    const w = world({ 10: { exitAfterTermMs: 'never', reusedAfterTermMs: 600 } });
    const outcomes = await stopPids([{ pid: 10, command: 'lab run' }], { graceMs: 5_000, ...w });
    expect(outcomes[0]!.stoppedBy).toBe('SIGTERM');
    expect(w.signals).toEqual(['SIGTERM 10']);
  });

  it('one that survives SIGKILL too is still running once killWaitMs has passed', async () => {
    const w = world({ 10: { exitAfterTermMs: 'never', unkillable: true } });
    const outcomes = await stopPids([{ pid: 10, command: 'lab run' }], { graceMs: 1_000, killWaitMs: 3_000, ...w });
    expect(outcomes[0]!.stoppedBy).toBe('still running');
    expect(outcomes[0]!.waitedMs).toBeGreaterThanOrEqual(4_000);
    expect(w.signals).toEqual(['SIGTERM 10', 'SIGKILL 10']);
  });

  it('with no grace period it goes straight to SIGKILL', async () => {
    const w = world({ 10: { exitAfterTermMs: 'never' } });
    const outcomes = await stopPids([{ pid: 10, command: 'lab run' }], { graceMs: 0, ...w });
    expect(outcomes[0]!.stoppedBy).toBe('SIGKILL');
  });
});

describe('waitForExit', () => {
  it('true once the pid stops running the lab, false when it outlives the time limit', async () => {
    const w = world({ 10: { exitAfterTermMs: 800 }, 11: { exitAfterTermMs: 'never' } });
    w.table.kill(10, 'SIGTERM');
    w.table.kill(11, 'SIGTERM');
    expect(await waitForExit(10, 5_000, w)).toBe(true);
    expect(await waitForExit(11, 2_000, w)).toBe(false);
  });
});
