import { registryAnswers } from './api.js';
import { processRunsBinary } from './process.js';
import { judgeState, readState, removeState, type RegistryState, type StateVerdict } from './state.js';

/** The lab registry as found: what state.json says, whether its process lives, whether it answers. */
export interface ObservedRegistry {
  verdict: StateVerdict;
  /** Its process lives and `GET /v2/` answers. */
  running: boolean;
  state?: RegistryState;
}

export async function observeRegistry(): Promise<ObservedRegistry> {
  const verdict = judgeState(readState(), (s) => processRunsBinary(s.pid, s.binary));
  if (verdict.kind !== 'alive') return { verdict, running: false };
  return { verdict, running: await registryAnswers(verdict.state.url), state: verdict.state };
}

/**
 * Removes a state.json that describes no registry (unreadable, or its process is gone: SIGKILLed,
 * or the machine restarted) and says what it removed.
 */
export function cleanStaleState(verdict: StateVerdict): string | undefined {
  if (verdict.kind === 'bad') {
    removeState();
    return `removed an unreadable registry state (${verdict.problem})`;
  }
  if (verdict.kind === 'stale') {
    removeState();
    return `removed a stale registry state: pid ${verdict.state.pid} (port ${verdict.state.port}) is no longer running`;
  }
  return undefined;
}
