import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run, type RunResult } from './exec.js';
import { adminKubeconfigPath, toolsBinDir } from './paths.js';

/** The kubectl the image build produced (same version as the cluster), else the one on PATH. */
export function kubectlPath(): string {
  const built = join(toolsBinDir(), 'kubectl');
  return existsSync(built) ? built : 'kubectl';
}

/** Runs kubectl against the lab's cluster with the lab's admin kubeconfig. */
export async function kubectl(
  args: string[],
  opts: { input?: string; kubeconfig?: string; reject?: boolean; timeoutMs?: number } = {},
): Promise<RunResult> {
  return run(kubectlPath(), ['--kubeconfig', opts.kubeconfig ?? adminKubeconfigPath(), ...args], {
    reject: opts.reject ?? true,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
  });
}

/** kubectl get ... -o json, parsed. */
export async function kubectlJson<T = unknown>(args: string[], opts: { kubeconfig?: string } = {}): Promise<T> {
  const { stdout } = await kubectl([...args, '-o', 'json'], opts);
  return JSON.parse(stdout) as T;
}
