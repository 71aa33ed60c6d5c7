/**
 * Which processes are labs, and stopping them (`lab stop`, the exercises' stopLab) through
 * lab/base/stop-processes.ts: SIGTERM first (a lab releases its Leases on it), SIGKILL for any
 * still running after the grace period.
 *
 * A pid is only taken for the lab while /proc/<pid>/cmdline says so: a record may outlive its
 * process, and the pid may by then belong to another program, which must be left alone. A zombie
 * (empty cmdline) counts as gone. Without /proc (macOS) an alive pid is taken at its word.
 */
import { stopProcesses, systemProcessTable, waitForExitOf, type ProcessTable, type StopDeps, type StopOutcome } from '../base/stop-processes.js';
import { pidAlive } from './presence.js';

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

/** Waits up to timeoutMs for the pid to stop running the lab; true when it did. */
export function waitForExit(pid: number, timeoutMs: number, deps: StopDeps = {}): Promise<boolean> {
  return waitForExitOf(pid, runsLab, timeoutMs, deps);
}

/**
 * SIGTERM each target that still runs the lab, wait up to graceMs for them all, SIGKILL the rest
 * and wait up to killWaitMs (default 5 s) for those. One outcome per target, in their order.
 */
export function stopPids(targets: ReadonlyArray<{ pid: number; command: string }>, opts: StopDeps & { graceMs: number; killWaitMs?: number }): Promise<StopOutcome[]> {
  return stopProcesses(targets, { ...opts, runs: runsLab });
}
