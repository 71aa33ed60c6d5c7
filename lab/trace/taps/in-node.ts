/**
 * Commands the taps run inside kind nodes through `docker exec`. Killing `docker exec` does not
 * end the process it started in the container, so each long-running command is wrapped to end
 * when its stdin closes: the tap's SupervisedProcess holds that pipe open and closes it on stop,
 * and the OS closes it if the lab dies. Without this, every trace session left its `ctr events`
 * and etcdctl watchers streaming in the nodes (dozens after a test run, each one loading
 * containerd or etcd).
 */

/**
 * sh script: run "$@" with stdin from /dev/null, and a watcher that reads the real stdin (saved as
 * fd 3: a background job's stdin would otherwise be /dev/null) and TERMs the command at EOF. When
 * the command exits on its own, the watcher is killed and the command's status returned, so the
 * supervisor sees the exit and restarts it. The watcher's output goes to /dev/null so it does not
 * hold the exec's stdout open after the command is gone.
 */
export const STOP_ON_STDIN_EOF =
  'exec 3<&0; "$@" </dev/null & child=$!; ' +
  '{ cat <&3 >/dev/null; kill -TERM $child 2>/dev/null; } >/dev/null 2>&1 & watcher=$!; ' +
  'wait $child; status=$?; kill $watcher 2>/dev/null; exit $status';

/** `docker exec -i NODE sh -c STOP_ON_STDIN_EOF sh COMMAND...`: COMMAND ends when our stdin closes. */
export function untilStdinCloses(node: string, command: readonly string[]): string[] {
  return ['exec', '-i', node, 'sh', '-c', STOP_ON_STDIN_EOF, 'sh', ...command];
}

/** `docker exec -i NODE COMMAND...` for a command that reads its own stdin and ends at its EOF. */
export function readingStdin(node: string, command: readonly string[]): string[] {
  return ['exec', '-i', node, ...command];
}
