/**
 * A `lab run` that another lab command started as its child (the bench's schedulers and
 * controllers) stops when that command is gone, however it went: a SIGKILL of the bench runs no
 * clean-up, and an orphaned `lab run` would keep leading its Leases, so the next bench or
 * `lab run` would refuse to start. The parent names itself in LAB_STOP_WITH_PARENT; the child
 * checks once a second whether it has been handed to another parent (init or a subreaper).
 */

/** The environment variable the parent sets to its own pid. */
export const STOP_WITH_PARENT_ENV = 'LAB_STOP_WITH_PARENT';

/** Pure: the pid to watch, from the environment; undefined when unset or not a pid. */
export function parentToWatch(env: NodeJS.ProcessEnv): number | undefined {
  const value = env[STOP_WITH_PARENT_ENV];
  if (!value || !/^\d+$/.test(value)) return undefined;
  const pid = Number(value);
  return pid > 1 ? pid : undefined;
}

/**
 * Calls `stop` once, the first time `currentParent()` is no longer `parent`. Returns a function
 * that stops watching. The timer does not keep the process alive.
 */
export function stopWhenParentExits(parent: number, stop: () => void, currentParent: () => number = () => process.ppid, intervalMs = 1000): () => void {
  const timer = setInterval(() => {
    if (currentParent() === parent) return;
    clearInterval(timer);
    stop();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
