/**
 * `lab run` as its own process for the bench, as a learner starts it, so its CPU seconds and RSS
 * are its own and not the bench's: like for like with kube-scheduler and kube-controller-manager,
 * each a process of its own. sched-scale runs `lab run --only scheduler`, rss the whole lab. With
 * LAB_BENCH_CPU_PROF=<dir>, Node writes a CPU profile of it there when it stops (open it in
 * Chrome DevTools → Performance, or speedscope).
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
import { STOP_WITH_PARENT_ENV } from '../run/parent-watch.js';

/** The `lab run` children this process has started and not yet seen exit. */
const running = new Set<LabRunProcess>();

/**
 * Stops every `lab run` this process started that is still running: Ctrl-C ends the bench
 * before its measurements' own clean-up runs. (A SIGKILL of the bench leaves them to
 * LAB_STOP_WITH_PARENT: each stops within a second or so, see lab/run/parent-watch.ts.)
 */
export async function stopLabRunProcesses(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

export interface LabRunProcess {
  pid: number;
  /** Output of the process (its log), for a failure's message. */
  logPath: string;
  /** Settles with how it ended when the process exits. */
  exited: Promise<string>;
  /** SIGTERM, and SIGKILL after 30 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Pure: `lab run`'s client-limit flags for `limits`; none when unthrottled. */
export function limitArgs(limits: ClientLimits | undefined): string[] {
  return limits ? ['--kube-api-qps', String(limits.qps), '--kube-api-burst', String(limits.burst)] : [];
}

/** Pure: the `lab run` arguments for a scheduler serving `schedulerName`, at `limits` or unthrottled. */
export function labSchedulerArgs(schedulerName: string, limits: ClientLimits | undefined): string[] {
  return ['run', '--only', 'scheduler', '--scheduler-name', schedulerName, ...limitArgs(limits)];
}

/** Pure: node's own flags for the child; a CPU profile when `profileDir` is set. */
export function nodeFlags(profileDir: string | undefined, tag: string): string[] {
  return profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${tag}.cpuprofile`] : [];
}

/** Starts `lab <args>` (args from labSchedulerArgs or the like); its output goes to <logDir>/<tag>.log. */
export function startLabRunProcess(args: readonly string[], opts: { logDir: string; tag: string }): LabRunProcess {
  mkdirSync(opts.logDir, { recursive: true });
  const logPath = join(opts.logDir, `${opts.tag}.log`);
  const out = openSync(logPath, 'w');
  const profileDir = process.env.LAB_BENCH_CPU_PROF || undefined;
  const child = spawn(process.execPath, [...nodeFlags(profileDir, opts.tag), join(REPO_ROOT, 'lab', 'bin', 'lab.mjs'), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', out, out],
    env: { ...process.env, FORCE_COLOR: '0', [STOP_WITH_PARENT_ENV]: String(process.pid) },
    // A process group of its own: Ctrl-C in the terminal reaches the bench only, which stops its
    // children itself (stopLabRunProcesses). Else the child got the terminal's SIGINT and then the
    // bench's SIGTERM, and a second signal makes `lab run` exit without finishing its syncs.
    detached: true,
  });
  closeSync(out);
  const exited = new Promise<string>((resolve) => {
    child.on('exit', (code, signal) => resolve(signal ?? `exit code ${code}`));
    child.on('error', (error) => resolve(error.message));
  });
  if (child.pid === undefined) throw new Error(`could not start lab run (${logPath})`);
  const pid = child.pid;
  const started: LabRunProcess = {
    pid,
    logPath,
    exited,
    async stop() {
      await stopPids([{ pid, command: 'lab run (bench)' }], { graceMs: 30_000 });
      await exited;
    },
  };
  running.add(started);
  void exited.then(() => running.delete(started));
  return started;
}

/**
 * Resolves once process `pid` (on this host) holds `leases` — each component acts only once it
 * leads — or rejects when it exits first or `timeoutMs` passes.
 */
export async function waitUntilLeading(admin: Clients, lab: LabRunProcess, leases: readonly string[], timeoutMs: number): Promise<void> {
  let exited: string | undefined;
  void lab.exited.then((how) => (exited = how));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { processes, leaders } = await readLabActivity(admin.coordination);
    const identity = processes.find((p) => p.pid === lab.pid && p.host === hostname())?.identity;
    const held = new Set(leaders.filter((l) => l.held && l.holder === identity).map((l) => l.lease));
    if (identity && leases.every((lease) => held.has(lease))) return;
    if (exited !== undefined) throw new Error(`lab run stopped (${exited}) before it led ${leases.join(', ')}; its output: ${lab.logPath}`);
    if (Date.now() > deadline) throw new Error(`lab run (pid ${lab.pid}) did not lead ${leases.join(', ')} within ${Math.round(timeoutMs / 1000)} s (another lab may lead them: npx lab status); its output: ${lab.logPath}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * `work`, unless the process ends first (`exited` settles with how, and where its output is):
 * then a rejection saying what it stopped before, instead of waiting out work's own time limit.
 */
export function unlessExited<T>(work: Promise<T>, exited: Promise<string> | undefined, before: string): Promise<T> {
  if (!exited) return work;
  return Promise.race([work, exited.then((how) => Promise.reject(new Error(`it stopped (${how}) before ${before}`)))]);
}
