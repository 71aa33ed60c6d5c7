/**
 * The lab's exit codes and the errors that carry them.
 *
 * 0: success. 1: the operation failed (a cluster that did not come up, a check that did not pass).
 * 2: bad input (a malformed manifest, config, exercise or plugin; a missing prerequisite the user
 * must install). Every error says what is wrong and how to fix it.
 */
export const ExitCode = { Success: 0, Failure: 1, BadInput: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class LabError extends Error {
  constructor(
    message: string,
    /** What the user can do about it, printed on its own line. */
    readonly fix?: string,
    readonly exitCode: ExitCode = ExitCode.Failure,
  ) {
    super(message);
    this.name = 'LabError';
  }
}

/** Input the user gave (or a prerequisite they must install) is wrong: exit code 2. */
export class BadInputError extends LabError {
  constructor(message: string, fix?: string) {
    super(message, fix, ExitCode.BadInput);
    this.name = 'BadInputError';
  }
}

export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof LabError ? error.exitCode : ExitCode.Failure;
}

export function describeError(error: unknown): { message: string; fix?: string } {
  if (error instanceof LabError) return { message: error.message, ...(error.fix ? { fix: error.fix } : {}) };
  if (error instanceof Error) return { message: error.message };
  return { message: String(error) };
}
