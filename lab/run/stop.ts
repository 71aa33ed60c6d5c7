/**
 * `lab stop`: stop every lab process on this host that runs against the cluster, found through
 * their presence records (not through a terminal: `npx lab run &` then `kill %1` stops only npm's
 * wrapper, and the lab it started goes on acting). SIGTERM first, so leases are released and a
 * standby elsewhere takes over at once; SIGKILL for any still alive after the grace period.
 */
import { hostname } from 'node:os';
import type { CoordinationV1Api } from '@kubernetes/client-node';
import { pidAlive, pruneGoneProcesses, readLabActivity, type LabProcessRecord } from './presence.js';

export interface StopOutcome {
  pid: number;
  command: string;
  /** How it ended: after SIGTERM, or only after SIGKILL. */
  stoppedBy: 'SIGTERM' | 'SIGKILL' | 'still running';
  waitedMs: number;
}

export interface StopResult {
  stopped: StopOutcome[];
  /** Alive lab processes on other hosts: they must be stopped there. */
  elsewhere: Array<Pick<LabProcessRecord, 'pid' | 'host' | 'command'>>;
}

type Kill = (pid: number, signal: NodeJS.Signals | 0) => void;

/** Pure loop, I/O injected: signal each pid, wait for it to exit, escalate after graceMs. */
export async function stopPids(
  targets: ReadonlyArray<Pick<LabProcessRecord, 'pid' | 'command'>>,
  opts: { graceMs: number; kill?: Kill; sleep?: (ms: number) => Promise<void>; now?: () => number },
): Promise<StopOutcome[]> {
  const kill: Kill = opts.kill ?? ((pid, signal) => process.kill(pid, signal));
  const sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const now = opts.now ?? Date.now;
  const alive = (pid: number) => pidAlive(pid, (p) => kill(p, 0));
  const started = now();
  const send = (pid: number, signal: NodeJS.Signals) => {
    try {
      kill(pid, signal);
    } catch {
      // gone already
    }
  };
  for (const t of targets) send(t.pid, 'SIGTERM');
  const outcomes = new Map<number, StopOutcome>();
  while (now() - started < opts.graceMs && targets.some((t) => !outcomes.has(t.pid))) {
    for (const t of targets) if (!outcomes.has(t.pid) && !alive(t.pid)) outcomes.set(t.pid, { pid: t.pid, command: t.command, stoppedBy: 'SIGTERM', waitedMs: now() - started });
    if (targets.every((t) => outcomes.has(t.pid))) break;
    await sleep(200);
  }
  for (const t of targets) {
    if (outcomes.has(t.pid)) continue;
    send(t.pid, 'SIGKILL');
    await sleep(200);
    outcomes.set(t.pid, { pid: t.pid, command: t.command, stoppedBy: alive(t.pid) ? 'still running' : 'SIGKILL', waitedMs: now() - started });
  }
  return targets.map((t) => outcomes.get(t.pid)!);
}

export async function stopLabProcesses(client: Pick<CoordinationV1Api, 'listNamespacedLease' | 'deleteNamespacedLease'>, graceMs: number): Promise<StopResult> {
  const host = hostname();
  const { processes } = await readLabActivity(client);
  const alive = processes.filter((p) => p.alive && p.pid !== process.pid);
  const here = alive.filter((p) => p.host === host);
  const stopped = await stopPids(here, { graceMs });
  // Records of the processes that had to be killed stay behind: remove them now.
  await pruneGoneProcesses(client, (await readLabActivity(client)).processes);
  return { stopped, elsewhere: alive.filter((p) => p.host !== host).map(({ pid, host: h, command }) => ({ pid, host: h, command })) };
}
