/**
 * The refusal `lab demo`, `lab compare` and `lab bench` give while another lab process is alive:
 * their scenario needs this process to be the writer, and a second writer is never started.
 */
import { hostname } from 'node:os';
import type { CoordinationV1Api } from '@kubernetes/client-node';
import { ExitCode, LabError } from '../base/errors.js';
import { howToStop, readLabActivity, type LabProcessRecord } from './presence.js';

export class AnotherLabRunningError extends LabError {
  constructor(readonly running: readonly LabProcessRecord[]) {
    super(
      `another lab is already running against this cluster: ${running.map((p) => `pid ${p.pid} on ${p.host} (${p.command}, since ${p.startedAt})`).join('; ')}; ` +
        'a second one would only wait as a standby (one writer at a time)',
      `stop it first (${running.map((p) => howToStop(p)).join(', ')}; \`npx lab status\` lists the lab processes), then run this again`,
      ExitCode.BadInput,
    );
    this.name = 'AnotherLabRunningError';
  }
}

/**
 * Refuse before touching the cluster (demo, compare and bench switch the built-in controllers
 * first) when another lab process is alive. runLab checks again when it starts.
 */
export async function refuseIfAnotherLabRuns(client: Pick<CoordinationV1Api, 'listNamespacedLease'>): Promise<void> {
  refuseIfAlive((await readLabActivity(client)).processes);
}

/** Throws AnotherLabRunningError when any of these records is of another lab process that is alive. */
export function refuseIfAlive(processes: readonly LabProcessRecord[]): void {
  const alive = processes.filter((p) => p.alive && !(p.pid === process.pid && p.host === hostname()));
  if (alive.length > 0) throw new AnotherLabRunningError(alive);
}
