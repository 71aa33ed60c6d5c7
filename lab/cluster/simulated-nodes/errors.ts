/**
 * What lab/cluster/simulated-nodes may use without reaching up into lab/cli (see
 * test/unit/layering.test.ts): an error that says whether the input was at fault, and the shape of
 * the CLI's Progress (lab/cli/output.ts), which it satisfies as it is.
 */

export class SimulatedNodesError extends Error {
  constructor(
    message: string,
    /** What the user can do about it. */
    readonly fix?: string,
    /** True when the user's input (or the cluster's absence) is at fault: the CLI exits 2; else 1. */
    readonly badInput = true,
  ) {
    super(message);
    this.name = 'SimulatedNodesError';
  }
}

/** A failure that is not the input's fault (exit code 1). */
export function failure(message: string, fix?: string): SimulatedNodesError {
  return new SimulatedNodesError(message, fix, false);
}

export interface StepProgress {
  step<T>(title: string, work: (update: (detail: string) => void) => Promise<T>): Promise<T>;
  info(message: string): void;
}
