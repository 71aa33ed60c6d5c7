/**
 * The lab's scheduler as its own process for the bench (`lab run --only scheduler`, as a learner
 * starts it), so its CPU seconds and peak RSS are its own and not the bench's: like for like with
 * the bench's kube-scheduler pod. With LAB_BENCH_CPU_PROF=<dir>, Node writes a CPU profile of it
 * there when it stops (open it in Chrome DevTools → Performance, or speedscope).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../cluster/paths.js';
import type { ClientLimits } from '../base/token-bucket.js';
import type { Clients } from '../../controllers/shared/kube.js';
import { readLabActivity } from '../run/presence.js';
import { stopPids } from '../run/lab-pids.js';

export interface LabSchedulerProcess {
  pid: number;
  /** Output of the process (its log), for a failure's message. */
  logPath: string;
  /** Settles with how it ended when the process exits. */
  exited: Promise<string>;
  /** SIGTERM, and SIGKILL after 30 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Pure: the `lab run` arguments for a scheduler serving `schedulerName`, at `limits` or unthrottled. */
export function labSchedulerArgs(schedulerName: string, limits: ClientLimits | undefined): string[] {
  return [
    'run', '--only', 'scheduler', '--scheduler-name', schedulerName,
    ...(limits ? ['--kube-api-qps', String(limits.qps), '--kube-api-burst', String(limits.burst)] : []),
  ];
}

/** Pure: node's own flags for the child; a CPU profile when `profileDir` is set. */
export function nodeFlags(profileDir: string | undefined, tag: string): string[] {
  return profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${tag}.cpuprofile`] : [];
}

export function startLabSchedulerProcess(opts: { schedulerName: string; limits: ClientLimits | undefined; logDir: string; tag: string }): LabSchedulerProcess {
  mkdirSync(opts.logDir, { recursive: true });
  const logPath = join(opts.logDir, `${opts.tag}.log`);
  const out = openSync(logPath, 'w');
  const profileDir = process.env.LAB_BENCH_CPU_PROF || undefined;
  const child = spawn(process.execPath, [...nodeFlags(profileDir, opts.tag), join(REPO_ROOT, 'lab', 'bin', 'lab.mjs'), ...labSchedulerArgs(opts.schedulerName, opts.limits)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', out, out],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  closeSync(out);
  const exited = new Promise<string>((resolve) => {
    child.on('exit', (code, signal) => resolve(signal ?? `exit code ${code}`));
    child.on('error', (error) => resolve(error.message));
  });
  if (child.pid === undefined) throw new Error(`could not start lab run (${logPath})`);
  const pid = child.pid;
  return {
    pid,
    logPath,
    exited,
    async stop() {
      await stopPids([{ pid, command: 'lab run (bench)' }], { graceMs: 30_000 });
      await exited;
    },
  };
}

/**
 * Stops the lab processes on this host that a crashed bench left serving `schedulerName` (found
 * by their presence records), so the new one leads at once instead of standing by.
 */
export async function stopLeftoverSchedulers(admin: Clients, schedulerName: string): Promise<number> {
  const { processes } = await readLabActivity(admin.coordination);
  const left = processes.filter((p) => p.alive && p.host === hostname() && p.schedulerName === schedulerName);
  await stopPids(left.map((p) => ({ pid: p.pid, command: p.command })), { graceMs: 20_000 });
  return left.length;
}
