import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { stopProcesses } from '../../base/stop-processes.js';

/**
 * The registry runs detached from the lab (its own process group, output to a log file), so it
 * outlives `lab registry up`; these find, start and stop it by pid.
 */

/** True when `pid` is a live (not zombie) process running `binary`; a reused pid is not it. */
export function processRunsBinary(pid: number, binary: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) Z/.test(stat)) return false;
    // The executable itself (argv[0] can be rewritten by the process); a rebuilt binary reads "... (deleted)".
    let program: string;
    try {
      program = readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
    } catch {
      program = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? ''; // another user's process
    }
    return basename(program) === basename(binary);
  } catch {
    return process.platform !== 'linux'; // no /proc: the signal probe is all there is
  }
}

/** Starts `binary args` in its own process group, stdout and stderr to `logPath` (truncated); returns its pid. */
export function startDetached(binary: string, args: string[], logPath: string, env: Record<string, string>): number {
  mkdirSync(dirname(logPath), { recursive: true });
  const log = openSync(logPath, 'w');
  try {
    const child = spawn(binary, args, { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...env } });
    child.on('error', () => undefined); // a spawn failure leaves pid undefined, reported below
    if (child.pid === undefined) throw new Error(`could not start ${binary}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** SIGTERM to the process group, SIGKILL after `graceMs`; says which ended it. */
export async function stopProcess(pid: number, binary: string, graceMs = 10_000): Promise<'not running' | 'SIGTERM' | 'SIGKILL'> {
  const [outcome] = await stopProcesses([{ pid, command: binary }], { runs: (p) => processRunsBinary(p, binary), graceMs, group: true });
  if (outcome!.stoppedBy === 'already gone') return 'not running';
  return outcome!.stoppedBy === 'SIGTERM' ? 'SIGTERM' : 'SIGKILL';
}
