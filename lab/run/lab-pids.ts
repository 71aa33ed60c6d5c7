/**
 * Stopping lab processes on this host by pid, for `lab stop` and the exercises' stopLab: SIGTERM
 * first (a lab releases its Leases on it), SIGKILL for any still running after the grace period.
 *
 * A pid is only taken for the lab while /proc/<pid>/cmdline says so: a record may outlive its
 * process, and the pid may by then belong to another program, which must be left alone. A zombie
 * (empty cmdline) counts as gone. Without /proc (macOS) an alive pid is taken at its word.
 */
import { existsSync, readFileSync } from 'node:fs';
import { pidAlive } from './presence.js';

/** The processes of this host, as far as stopping needs them; injected in tests. */
export interface ProcessTable {
  /** Like process.kill: throws (ESRCH) when the pid is gone; signal 0 only probes. */
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

/** A lab's command line: `node .../lab/bin/lab.mjs run ...` or `node .../node_modules/.bin/lab run ...`. */
export function isLabCommandLine(cmdline: string): boolean {
  return /(^|[\s/])lab(\.mjs)?(\s|$)/.test(cmdline);
}

/** Alive and still running the lab (a pid reused by another program, or a zombie, is not). */
export function runsLab(pid: number, table: ProcessTable = systemProcessTable): boolean {
  if (!pidAlive(pid, (p) => table.kill(p, 0))) return false;
  const cmdline = table.commandLine(pid);
  return cmdline === undefined || isLabCommandLine(cmdline);
}

export interface StopOutcome {
  pid: number;
  command: string;
  /**
   * How it ended: it no longer ran the lab before any signal, it exited after SIGTERM, only
   * after SIGKILL, or it still runs after both.
   */
  stoppedBy: 'already gone' | 'SIGTERM' | 'SIGKILL' | 'still running';
  waitedMs: number;
}

export interface StopDeps {
  table?: ProcessTable;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const POLL_MS = 200;
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function send(table: ProcessTable, pid: number, signal: NodeJS.Signals): void {
  try {
    table.kill(pid, signal);
  } catch {
    // gone already (ESRCH), or not ours to signal (EPERM): the wait that follows tells
  }
}

/** Polls until none of `pids` runs the lab or `deadline` passes; calls `onGone` for each that stops. */
async function waitForExits(pids: readonly number[], deadline: number, onGone: (pid: number) => void, deps: Required<StopDeps>): Promise<void> {
  const pending = new Set(pids);
  for (;;) {
    for (const pid of pending) {
      if (runsLab(pid, deps.table)) continue;
      pending.delete(pid);
      onGone(pid);
    }
    if (pending.size === 0 || deps.now() >= deadline) return;
    await deps.sleep(POLL_MS);
  }
}

/** Waits up to timeoutMs for the pid to stop running the lab; true when it did. */
export async function waitForExit(pid: number, timeoutMs: number, deps: StopDeps = {}): Promise<boolean> {
  const all = withDefaults(deps);
  let gone = false;
  await waitForExits([pid], all.now() + timeoutMs, () => (gone = true), all);
  return gone;
}

function withDefaults(deps: StopDeps): Required<StopDeps> {
  return { table: deps.table ?? systemProcessTable, sleep: deps.sleep ?? realSleep, now: deps.now ?? Date.now };
}

/**
 * SIGTERM each target that still runs the lab, wait up to graceMs for them all, SIGKILL the rest
 * and wait up to killWaitMs (default 5 s) for those. One outcome per target, in their order.
 */
export async function stopPids(
  targets: ReadonlyArray<{ pid: number; command: string }>,
  opts: StopDeps & { graceMs: number; killWaitMs?: number },
): Promise<StopOutcome[]> {
  const deps = withDefaults(opts);
  const started = deps.now();
  const outcomes = new Map<number, StopOutcome>();
  const commands = new Map(targets.map((t) => [t.pid, t.command]));
  const settle = (pid: number, stoppedBy: StopOutcome['stoppedBy']) =>
    outcomes.set(pid, { pid, command: commands.get(pid) ?? '', stoppedBy, waitedMs: stoppedBy === 'already gone' ? 0 : deps.now() - started });

  const running: number[] = [];
  for (const pid of commands.keys()) {
    if (runsLab(pid, deps.table)) running.push(pid);
    else settle(pid, 'already gone');
  }
  for (const pid of running) send(deps.table, pid, 'SIGTERM');
  await waitForExits(running, started + opts.graceMs, (pid) => settle(pid, 'SIGTERM'), deps);

  const stubborn = running.filter((pid) => !outcomes.has(pid));
  for (const pid of stubborn) send(deps.table, pid, 'SIGKILL');
  if (stubborn.length > 0) await waitForExits(stubborn, deps.now() + (opts.killWaitMs ?? 5_000), (pid) => settle(pid, 'SIGKILL'), deps);
  for (const pid of stubborn) if (!outcomes.has(pid)) settle(pid, 'still running');

  return targets.map((t) => outcomes.get(t.pid)!);
}
