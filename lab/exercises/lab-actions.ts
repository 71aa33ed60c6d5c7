/**
 * The actions on lab processes: start a second `lab run` in the background (a standby while
 * another lab leads), kill the process holding a Lease, stop the labs the exercises started.
 *
 * The second lab traces to its own file (<state>/trace/standby.jsonl), never to current.jsonl:
 * two processes appending buffered chunks to one file would interleave their sessions. The
 * exercises' trace source reads both files as one timeline.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { REPO_ROOT, adminKubeconfigPath, stateDir } from '../cluster/paths.js';
import { clientsFor, loadKubeConfig } from '../../controllers/shared/kube.js';
import { readLabActivity } from '../run/presence.js';
import { systemProcessTable } from '../base/stop-processes.js';
import { isLabCommandLine, runsLab, stopPids, waitForExit } from '../run/lab-pids.js';
import { LAB_COMPONENTS } from '../trace/schema.js';
import type { Action } from './action-schema.js';
import { electionRoles, shortIdentity } from './checks/lease-history.js';
import { leaderProcess, readStartedLabs, sameRole, schedulerLogPath, stopLabLine, standbyLogPath, startedLabsPath, writeStartedLabs, type StartedLab } from './lab-processes.js';
import type { ActionOutcome } from './ports.js';
import { schedulerTracePath, standbyTracePath } from '../trace/files.js';
import { entriesFromJsonl } from './trace-source.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends the signal; false when the process had already gone (ESRCH). */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

async function logTail(path: string, lines = 15): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export async function startLab(action: Extract<Action, { type: 'startLab' }>, command: string): Promise<ActionOutcome> {
  const state = stateDir();
  const recordPath = startedLabsPath(state);
  const host = hostname();
  const schedulerName = action.scheduler?.name;
  const started: StartedLab[] = [];
  for (const lab of await readStartedLabs(recordPath)) if (lab.host !== host || runsLab(lab.pid)) started.push(lab);
  const running = sameRole(started, host, schedulerName);
  if (running) {
    return { command, ok: true, output: `a lab started by the exercises already runs ${schedulerName ? `scheduler ${schedulerName}` : 'as the second lab'}: pid ${running.pid} since ${running.startedAt}, tracing to ${running.trace} (npx lab exercise reset stops it)` };
  }
  if (action.scheduler && !existsSync(resolve(REPO_ROOT, action.scheduler.file))) {
    return { command, ok: false, badInput: true, output: `scheduler file ${action.scheduler.file} does not exist (paths are relative to ${REPO_ROOT})\n  fix: name a file such as examples/schedulers/spread.ts` };
  }

  const trace = schedulerName ? schedulerTracePath(schedulerName, state) : standbyTracePath(state);
  const log = schedulerName ? schedulerLogPath(state, schedulerName) : standbyLogPath(state);
  const args = action.scheduler
    ? ['run', '--only', 'scheduler', '--scheduler', action.scheduler.file, '--scheduler-name', action.scheduler.name, '--trace', trace]
    : ['run', '--trace', trace];
  // What must have led or stood by before it counts as started.
  const components = schedulerName ? ['scheduler'] : [...LAB_COMPONENTS];
  mkdirSync(dirname(trace), { recursive: true });
  mkdirSync(dirname(log), { recursive: true });
  const out = openSync(log, 'a');
  const startedAt = new Date();
  // Detached, output to a file: it outlives `npx lab exercise do` as a second terminal would.
  const child = spawn(process.execPath, [join(REPO_ROOT, 'lab', 'bin', 'lab.mjs'), ...args], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  let exit: string | undefined;
  child.on('exit', (code, killedBy) => (exit = killedBy ?? `exit code ${code}`));
  child.on('error', (error) => (exit = error.message));
  child.unref();
  if (child.pid === undefined) return { command, ok: false, output: `could not start the lab: ${exit ?? 'no pid'}` };
  const lab: StartedLab = { pid: child.pid, host, startedAt: startedAt.toISOString(), trace, log, ...(schedulerName ? { schedulerName } : {}) };
  await writeStartedLabs(recordPath, [...started, lab]);

  const deadline = Date.now() + action.timeoutSeconds * 1000;
  for (;;) {
    const text = await readFile(trace, 'utf8').catch(() => '');
    const roles = electionRoles(entriesFromJsonl(text, startedAt));
    if (components.every((c) => roles.has(c))) {
      const lines = components.map((c) => {
        const r = roles.get(c)!;
        return `  ${c}${schedulerName ? ` (${schedulerName})` : ''}: ${r.role === 'leading' ? 'leading (nobody else led)' : `standby, ${shortIdentity(r.holder)} leads`}`;
      });
      return { command: `${command} → pid ${lab.pid}`, ok: true, output: [`lab run started: pid ${lab.pid} on ${host}, trace ${trace}, output ${log}`, ...lines].join('\n') };
    }
    if (exit !== undefined) return { command, ok: false, output: `the lab stopped (${exit}) before it stood by or led; its output (${log}):\n${await logTail(log)}` };
    if (Date.now() > deadline) {
      return { command, ok: false, output: `the lab (pid ${lab.pid}) has not stood by or led within ${action.timeoutSeconds} s (${[...roles.keys()].join(', ') || 'no component'} so far); its output (${log}):\n${await logTail(log)}` };
    }
    await sleep(500);
  }
}

export async function killLeader(action: Extract<Action, { type: 'killLeader' }>, command: string): Promise<ActionOutcome> {
  const coordination = clientsFor(loadKubeConfig(adminKubeconfigPath()), 'k8s-flow-lab/exercises').coordination;
  const target = leaderProcess(await readLabActivity(coordination), action.lease, hostname(), process.pid);
  if ('problem' in target) return { command, ok: false, badInput: true, output: `${target.problem}\n  fix: ${target.fix}` };
  const { pid, identity, command: labCommand } = target.process;
  const cmdline = systemProcessTable.commandLine(pid);
  if (cmdline !== undefined && !isLabCommandLine(cmdline)) {
    return { command, ok: false, badInput: true, output: `pid ${pid} runs "${cmdline.slice(0, 120)}", not the lab: the presence record names a pid that was reused\n  fix: stop the leading lab yourself (npx lab status lists it), or wait until the record goes stale (15 s) and try again` };
  }
  if (!signal(pid, action.signal)) return { command, ok: false, output: `pid ${pid} exited before the signal: its Leases run out by themselves` };
  const gone = await waitForExit(pid, action.signal === 'SIGKILL' ? 5_000 : 20_000);
  const what = `pid ${pid} (${labCommand}, ${shortIdentity(identity)}, leading ${target.leases.join(', ')})`;
  const then = action.signal === 'SIGKILL'
    ? 'it could not release its Leases: a standby takes over each once it has seen no renewal for the lease duration (15 s)'
    : 'a clean stop releases its Leases: a standby takes over at once';
  return { command: `kill -${action.signal.replace(/^SIG/, '')} ${pid}`, ok: gone, output: gone ? `${action.signal} sent to ${what}; ${then}` : `${action.signal} sent to ${what}, but it still runs` };
}

export async function stopLab(action: Extract<Action, { type: 'stopLab' }>, command: string): Promise<ActionOutcome> {
  const recordPath = startedLabsPath(stateDir());
  const labs = await readStartedLabs(recordPath);
  if (labs.length === 0) return { command, ok: true, output: 'no lab started by the exercises is running' };
  const host = hostname();
  const here = labs.filter((lab) => lab.host === host);
  const outcomes = new Map((await stopPids(here.map((lab) => ({ pid: lab.pid, command: 'lab run' })), { graceMs: action.timeoutSeconds * 1000 })).map((o) => [o.pid, o]));
  const lines = labs.map((lab) => (lab.host !== host ? `pid ${lab.pid} runs on ${lab.host}: stop it there` : stopLabLine(outcomes.get(lab.pid)!, action.timeoutSeconds)));
  const left = labs.filter((lab) => lab.host !== host || outcomes.get(lab.pid)!.stoppedBy === 'still running');
  await writeStartedLabs(recordPath, left);
  return { command, ok: here.every((lab) => outcomes.get(lab.pid)!.stoppedBy !== 'still running'), output: lines.join('\n') };
}
