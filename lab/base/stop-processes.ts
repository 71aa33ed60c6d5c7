/**
 * Stopping processes of this host by pid, the one way the lab does it (`lab stop`, the exercises'
 * stopLab, `lab registry down`): SIGTERM first, SIGKILL for any still running after the grace
 * period, then a bounded wait.
 *
 * Which process counts is the caller's predicate (`runs`): a pid is only taken for what the caller
 * started while /proc says so, because a record may outlive its process and the pid may by then
 * belong to another program, which must be left alone.
 */
import { existsSync, readFileSync } from 'node:fs';

/** The processes of this host, as far as stopping needs them; injected in tests. */
export interface ProcessTable {
  /** Like process.kill: throws (ESRCH) when the pid is gone; signal 0 only probes. A negative pid is a process group. */
  kill(pid: number, signal: NodeJS.Signals | 0): void;
  /** The command line, '' for a zombie or a pid that is gone, undefined where there is no /proc. */
  commandLine(pid: number): string | undefined;
}

export const systemProcessTable: ProcessTable = {
  kill: (pid, signal) => process.kill(pid, signal),
  commandLine(pid) {
    if (!existsSync('/proc/self')) return undefined;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      return '';
    }
  },
};

/** Pure: is a pid alive on this host? (Signal 0 only checks; EPERM means it exists.) */
export function pidAlive(pid: number, kill: (pid: number, signal: 0) => void = (p, s) => process.kill(p, s)): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface StopOutcome {
  pid: number;
  command: string;
  /**
   * How it ended: it no longer ran (by the caller's predicate) before any signal, it exited after
   * SIGTERM, only after SIGKILL, or it still runs after both.
   */
  stoppedBy: 'already gone' | 'SIGTERM' | 'SIGKILL' | 'still running';
  waitedMs: number;
}

export interface StopDeps {
  table?: ProcessTable;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Whether `pid` still runs what the caller started. */
export type StillRuns = (pid: number, table: ProcessTable) => boolean;

export interface StopOptions extends StopDeps {
  runs: StillRuns;
  graceMs: number;
  /** How long to wait after SIGKILL (default 5 s). */
  killWaitMs?: number;
  /** Signal the pid's process group (a process started detached as a group leader), else the pid alone. */
  group?: boolean;
}

const POLL_MS = 200;
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function withDefaults(deps: StopDeps): Required<StopDeps> {
  return { table: deps.table ?? systemProcessTable, sleep: deps.sleep ?? realSleep, now: deps.now ?? Date.now };
}

function send(table: ProcessTable, pid: number, signal: NodeJS.Signals, group: boolean): void {
  try {
    table.kill(group ? -pid : pid, signal);
    return;
  } catch {
    // no such group (it was not a leader), gone already (ESRCH), or not ours (EPERM)
  }
  if (!group) return;
  try {
    table.kill(pid, signal);
  } catch {
    // gone already, or not ours to signal: the wait that follows tells
  }
}

/** Polls until none of `pids` still runs or `deadline` passes; calls `onGone` for each that stops. */
async function waitForExits(pids: readonly number[], runs: StillRuns, deadline: number, onGone: (pid: number) => void, deps: Required<StopDeps>): Promise<void> {
  const pending = new Set(pids);
  for (;;) {
    for (const pid of pending) {
      if (runs(pid, deps.table)) continue;
      pending.delete(pid);
      onGone(pid);
    }
    if (pending.size === 0 || deps.now() >= deadline) return;
    await deps.sleep(POLL_MS);
  }
}

/** Waits up to timeoutMs for `pid` to stop running; true when it did. */
export async function waitForExitOf(pid: number, runs: StillRuns, timeoutMs: number, deps: StopDeps = {}): Promise<boolean> {
  const all = withDefaults(deps);
  let gone = false;
  await waitForExits([pid], runs, all.now() + timeoutMs, () => (gone = true), all);
  return gone;
}

/**
 * SIGTERM each target that still runs, wait up to graceMs for them all, SIGKILL the rest and wait
 * up to killWaitMs for those. One outcome per target, in their order.
 */
export async function stopProcesses(targets: ReadonlyArray<{ pid: number; command: string }>, opts: StopOptions): Promise<StopOutcome[]> {
  const deps = withDefaults(opts);
  const group = opts.group ?? false;
  const started = deps.now();
  const outcomes = new Map<number, StopOutcome>();
  const commands = new Map(targets.map((t) => [t.pid, t.command]));
  const settle = (pid: number, stoppedBy: StopOutcome['stoppedBy']) =>
    outcomes.set(pid, { pid, command: commands.get(pid) ?? '', stoppedBy, waitedMs: stoppedBy === 'already gone' ? 0 : deps.now() - started });

  const running: number[] = [];
  for (const pid of commands.keys()) {
    if (opts.runs(pid, deps.table)) running.push(pid);
    else settle(pid, 'already gone');
  }
  for (const pid of running) send(deps.table, pid, 'SIGTERM', group);
  await waitForExits(running, opts.runs, started + opts.graceMs, (pid) => settle(pid, 'SIGTERM'), deps);

  const stubborn = running.filter((pid) => !outcomes.has(pid));
  for (const pid of stubborn) send(deps.table, pid, 'SIGKILL', group);
  if (stubborn.length > 0) await waitForExits(stubborn, opts.runs, deps.now() + (opts.killWaitMs ?? 5_000), (pid) => settle(pid, 'SIGKILL'), deps);
  for (const pid of stubborn) if (!outcomes.has(pid)) settle(pid, 'still running');

  return targets.map((t) => outcomes.get(t.pid)!);
}
