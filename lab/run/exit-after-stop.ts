/**
 * `lab run` ends once nothing is left on Node's event loop. A learner's scheduler plugin can
 * leave something behind that the scheduler cannot cancel: a call that did not return within
 * pluginTimeoutMs is abandoned (its pod fails with "did not return within ..."), but the timer,
 * socket or interval it waits on still holds the process open. Without this, `lab run` printed
 * "✓ stopped" on SIGTERM and then did not exit until that timer fired, possibly never.
 *
 * armExitAfterStop arms an unref'd timer: it never keeps the process alive itself, so a clean
 * stop still exits at once; a process still alive after `graceMs` says why and exits with the
 * exit code already set (process.exitCode).
 */
export const EXIT_GRACE_MS = 2000;

export function armExitAfterStop(
  graceMs = EXIT_GRACE_MS,
  write: (line: string) => void = (line) => process.stderr.write(line),
): NodeJS.Timeout {
  const timer = setTimeout(() => {
    write(
      `· still running ${graceMs} ms after stopping: something a scheduler plugin started (a timer, a socket, ` +
        `a call that never returned) is still pending; exiting without waiting for it\n`,
    );
    process.exit();
  }, graceMs);
  timer.unref();
  return timer;
}
