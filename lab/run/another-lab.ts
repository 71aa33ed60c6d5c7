/**
 * The refusal `lab demo`, `lab compare` and `lab bench` give while another lab process is alive:
 * their scenario needs this process to be the writer, and a second writer is never started.
 */
import { ExitCode, LabError } from '../cli/errors.js';
import { howToStop, type LabProcessRecord } from './presence.js';

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
