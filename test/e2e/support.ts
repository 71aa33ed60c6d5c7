import { execa, type ResultPromise } from 'execa';
import { join } from 'node:path';
import { pollUntil } from '../../lab/base/poll.js';
import { kubectl, kubectlJson } from '../../lab/cluster/kubectl.js';
import { recreateNamespace } from '../../lab/cluster/namespaces.js';
import { REPO_ROOT } from '../../lab/cluster/paths.js';

/** Runs the real `lab` CLI (as a user would) and returns its exit code and output. */
export async function lab(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}) {
  const result = await execa(process.execPath, [join(REPO_ROOT, 'lab', 'bin', 'lab.mjs'), ...args], {
    reject: false,
    env: opts.env,
    timeout: opts.timeoutMs ?? 20 * 60_000,
    cwd: REPO_ROOT,
  });
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Polls `check` until it returns a value (not undefined/false) or the time runs out; a throwing check is asked again. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 180_000, intervalMs = 1000): Promise<T> {
  let lastError: unknown;
  const probe = async () => {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      return undefined;
    }
  };
  return pollUntil(probe, { timeoutMs, intervalMs, timedOut: () => new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`) });
}

export { kubectl, kubectlJson };

/** A fresh namespace per test file, deleted afterwards. */
export async function freshNamespace(name: string): Promise<string> {
  await recreateNamespace(name);
  return name;
}

/** `lab run ...` as a child process (as a learner starts it), resolved once every component says it is ready. */
export interface LabRunProcess {
  child: ResultPromise;
  output: () => string;
  /** Stops it with a signal and returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | undefined>;
}

/**
 * `until` replaces the readiness check, e.g. for a second `lab run` that waits as a standby and
 * never says ready until it leads.
 */
export async function startLabRun(args: string[], expectReady: string[], timeoutMs = 120_000, until?: (output: string) => boolean): Promise<LabRunProcess> {
  const child = execa(process.execPath, [join(REPO_ROOT, 'lab', 'bin', 'lab.mjs'), 'run', ...args], {
    reject: false,
    cwd: REPO_ROOT,
    all: true,
    buffer: false,
  });
  let text = '';
  child.all?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  await waitFor(`lab run ready (${expectReady.join(', ')})`, async () => {
    if (child.exitCode !== null) throw new Error(`lab run exited early (${child.exitCode}):\n${text}`);
    return until ? until(text) : expectReady.every((name) => text.includes(`${name} ready`));
  }, timeoutMs, 200);
  return {
    child,
    output: () => text,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      const result = await child;
      // execa SIGKILLs a child still running 5 s after the signal: say so, the exit code alone is undefined.
      if (result.exitCode !== 0) console.error(`lab run did not stop cleanly: exit ${result.exitCode}, signal ${result.signal}: ${result.message?.slice(0, 300)}`);
      return result.exitCode;
    },
  };
}
