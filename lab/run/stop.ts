/**
 * `lab stop`: stop every lab process on this host that runs against the cluster, found through
 * their presence records (not through a terminal: `npx lab run &` then `kill %1` stops only npm's
 * wrapper, and the lab it started goes on acting). SIGTERM first, so leases are released and a
 * standby elsewhere takes over at once; SIGKILL for any still alive after the grace period
 * (lab-pids.ts, shared with the exercises' stopLab; a pid reused by another program is left alone).
 */
import { hostname } from 'node:os';
import type { CoordinationV1Api } from '@kubernetes/client-node';
import type { StopOutcome } from '../base/stop-processes.js';
import { stopPids } from './lab-pids.js';
import { pruneGoneProcesses, readLabActivity, type LabProcessRecord } from './presence.js';

export interface StopResult {
  stopped: StopOutcome[];
  /** Alive lab processes on other hosts: they must be stopped there. */
  elsewhere: Array<Pick<LabProcessRecord, 'pid' | 'host' | 'command'>>;
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
