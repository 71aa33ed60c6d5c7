/**
 * Pure helpers for the actions that start, kill and stop lab processes: which process holds a
 * Lease (from the presence records `lab status` reads) and the record of the labs the exercises
 * started (so reset stops them, and only them), and what stopLab says of each. Whether a pid
 * still runs the lab, and stopping it, is lab/run/lab-pids.ts's, shared with `lab stop`.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LAB_NAMESPACE } from '../run/components.js';
import type { StopOutcome } from '../base/stop-processes.js';
import type { LabProcessRecord, LeaderRecord } from '../run/presence.js';

export interface LeaderProcess {
  process: LabProcessRecord;
  /** Every Lease that process holds (killing it ends all of its terms). */
  leases: string[];
}

export type LeaderLookup = LeaderProcess | { problem: string; fix: string };

/** Which lab process on this host holds `lease`; or why the lab cannot (or must not) signal it. */
export function leaderProcess(activity: { processes: readonly LabProcessRecord[]; leaders: readonly LeaderRecord[] }, lease: string, thisHost: string, selfPid: number): LeaderLookup {
  const where = `Lease ${LAB_NAMESPACE}/${lease}`;
  const leader = activity.leaders.find((l) => l.lease === lease);
  const start = 'start one (`npx lab run` in another terminal) and wait until it says it leads';
  if (!leader) {
    const known = activity.leaders.map((l) => l.lease);
    return { problem: `there is no ${where}: no lab has led it on this cluster${known.length ? ` (Leases: ${known.join(', ')})` : ''}`, fix: start };
  }
  if (!leader.held) return { problem: `no lab leads ${where}: ${leader.holder ? `${leader.holder}'s lease expired` : 'it was released'}`, fix: start };
  const p = activity.processes.find((candidate) => candidate.identity === leader.holder);
  if (!p) return { problem: `${where} is held by ${leader.holder}, which has no presence record (not a lab process?)`, fix: 'stop it where it runs; `npx lab status` lists the lab processes' };
  if (!p.alive) return { problem: `${where}'s holder, pid ${p.pid} on ${p.host}, is already gone`, fix: 'wait: its lease runs out within its duration (15 s) and a standby takes over' };
  if (p.host !== thisHost) return { problem: `${where} is held by pid ${p.pid} on host ${p.host}, not this host (${thisHost}): the lab only signals its own host's processes`, fix: `kill it there: kill -9 ${p.pid} on ${p.host}` };
  if (p.pid === selfPid) return { problem: `${where} is held by this very process (pid ${p.pid})`, fix: 'run the exercise from another terminal than the leading lab' };
  const leases = activity.leaders.filter((l) => l.held && l.holder === p.identity).map((l) => l.lease);
  return { process: p, leases };
}

/** A lab the exercises started in the background. */
export interface StartedLab {
  pid: number;
  host: string;
  startedAt: string;
  trace: string;
  log: string;
  /** The spec.schedulerName of a scheduler-only lab; absent for a whole second lab (the standby). */
  schedulerName?: string;
}

export function startedLabsPath(stateDirectory: string): string {
  return join(stateDirectory, 'exercises', 'started-labs.json');
}

export function standbyLogPath(stateDirectory: string): string {
  return join(stateDirectory, 'exercises', 'standby-lab.log');
}

export function schedulerLogPath(stateDirectory: string, schedulerName: string): string {
  return join(stateDirectory, 'exercises', `scheduler-${schedulerName}.log`);
}

/** Pure: the started lab on this host that already plays this role (the standby, or the scheduler of that name). */
export function sameRole(labs: readonly StartedLab[], host: string, schedulerName: string | undefined): StartedLab | undefined {
  return labs.find((lab) => lab.host === host && lab.schedulerName === schedulerName);
}

export async function readStartedLabs(path: string): Promise<StartedLab[]> {
  try {
    const data: unknown = JSON.parse(await readFile(path, 'utf8'));
    return Array.isArray(data) ? data.filter((d): d is StartedLab => typeof (d as StartedLab)?.pid === 'number' && typeof (d as StartedLab).host === 'string') : [];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return []; // a torn file names no process
    throw error;
  }
}

export async function writeStartedLabs(path: string, labs: readonly StartedLab[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(labs, null, 2) + '\n', 'utf8');
}

/** What stopLab says about one lab it stopped on this host. */
export function stopLabLine(outcome: StopOutcome, timeoutSeconds: number): string {
  switch (outcome.stoppedBy) {
    case 'already gone':
      return `pid ${outcome.pid} had already stopped`;
    case 'SIGTERM':
      return `stopped pid ${outcome.pid} (SIGTERM: its Leases are released)`;
    case 'SIGKILL':
      return `pid ${outcome.pid} did not stop within ${timeoutSeconds} s: killed it (its Leases run out in 15 s)`;
    case 'still running':
      return `pid ${outcome.pid} still runs after SIGKILL`;
  }
}
