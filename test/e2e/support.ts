import { execa } from 'execa';
import { join } from 'node:path';
import { kubectl } from '../../lab/cluster/kubectl.js';
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

/** Polls `check` until it returns a value (not undefined/false) or the time runs out. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 180_000, intervalMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function kubectlJson<T = any>(args: string[]): Promise<T> {
  const { stdout } = await kubectl([...args, '-o', 'json']);
  return JSON.parse(stdout) as T;
}

export { kubectl };

/** A fresh namespace per test file, deleted afterwards. */
export async function freshNamespace(name: string): Promise<string> {
  await kubectl(['delete', 'namespace', name, '--ignore-not-found', '--wait=true'], { timeoutMs: 180_000 });
  await kubectl(['create', 'namespace', name]);
  return name;
}
