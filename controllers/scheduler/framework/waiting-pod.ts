/**
 * Permit Wait, after kube-scheduler's waitingPod: Permit plugins that answered Wait are collected
 * in the scheduling cycle; the binding cycle then waits until every one of them allows the pod,
 * any one rejects it, or one's timeout passes. The scheduler keeps placing other pods meanwhile.
 */
import { describeThrown, pluginError } from './plugin-error.js';
import { Code, Status, asStatus, success } from './status.js';

/** A Permit plugin that answered Wait: the promise of its verdict and how long it may take. */
export interface WaitingPermit {
  readonly plugin: string;
  readonly waitFor: Promise<Status>;
  readonly timeoutMs?: number;
}

/** A Permit plugin's own verdict, tagged with its name; an Error names the plugin in the message too. */
export function permitVerdict(plugin: string, status: Status): Status {
  if (status.isSuccess()) return status;
  if (status.code === Code.Error) return pluginError('Permit', plugin, status.message());
  return status.withPlugin(plugin);
}

function timeoutRejection(plugin: string, timeoutMs: number): Status {
  return new Status(Code.Unschedulable, [`rejected due to timeout after waiting ${timeoutMs} ms at plugin ${plugin}`], plugin);
}

/** One waiting plugin's verdict: what its promise settles with, or a rejection once its timeout passes. */
function verdictOf(waiting: WaitingPermit, timeoutMs: number, timers: ReturnType<typeof setTimeout>[]): Promise<Status> {
  const { plugin, waitFor } = waiting;
  return new Promise<Status>((resolve) => {
    timers.push(setTimeout(() => resolve(timeoutRejection(plugin, timeoutMs)), timeoutMs));
    waitFor.then(
      (status) => resolve(permitVerdict(plugin, asStatus(status))),
      (err) => resolve(pluginError('Permit', plugin, `wait failed: ${describeThrown(err)}`)),
    );
  });
}

/** Success once every verdict is a success; the first other verdict as soon as it arrives. */
function allAllowed(verdicts: readonly Promise<Status>[]): Promise<Status> {
  return new Promise<Status>((resolve) => {
    let allowed = 0;
    for (const verdict of verdicts) {
      void verdict.then((status) => {
        if (!status.isSuccess() || ++allowed === verdicts.length) resolve(status);
      });
    }
  });
}

/**
 * Wait for every waiting plugin to allow (upstream WaitOnPermit). The first rejection or timeout
 * decides at once, and all timers are stopped then, so nothing is left pending.
 */
export async function waitOnPermit(waiting: readonly WaitingPermit[], defaultTimeoutMs: number): Promise<Status> {
  if (waiting.length === 0) return success();
  const timers: ReturnType<typeof setTimeout>[] = [];
  try {
    return await allAllowed(waiting.map((w) => verdictOf(w, w.timeoutMs ?? defaultTimeoutMs, timers)));
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}
