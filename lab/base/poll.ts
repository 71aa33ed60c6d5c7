/**
 * The one polling loop for "wait until the cluster shows X": ask, and if the answer is not there
 * yet, ask again after `intervalMs` until `timeoutMs` has passed. The caller words the timeout,
 * since only it knows what was last seen (how many pods ran, which error came back).
 */
export interface PollOptions {
  timeoutMs: number;
  /** Default 500 ms. */
  intervalMs?: number;
  /** The error thrown once the time is up, made after the last probe. */
  timedOut: () => Error;
}

/** Calls `probe` until it returns a value (not undefined or false); a probe that throws ends the poll. */
export async function pollUntil<T>(probe: () => Promise<T | undefined | false>, opts: PollOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw opts.timedOut();
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
  }
}
