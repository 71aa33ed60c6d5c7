import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Options } from 'execa';
import { LabError } from '../base/errors.js';
import { run, type RunResult } from './exec.js';
import { adminKubeconfigPath, toolsBinDir } from './paths.js';

/** The kubectl the image build produced (same version as the cluster), else the one on PATH. */
export function kubectlPath(): string {
  const built = join(toolsBinDir(), 'kubectl');
  return existsSync(built) ? built : 'kubectl';
}

/** kubectl's arguments: the lab's kubeconfig, then the caller's. */
export function kubectlArgv(args: readonly string[], kubeconfig: string = adminKubeconfigPath()): string[] {
  return ['--kubeconfig', kubeconfig, ...args];
}

/** Runs kubectl against the lab's cluster with the lab's admin kubeconfig. */
export async function kubectl(
  args: string[],
  opts: { input?: string; kubeconfig?: string; reject?: boolean; timeoutMs?: number } = {},
): Promise<RunResult> {
  return run(kubectlPath(), kubectlArgv(args, opts.kubeconfig), {
    reject: opts.reject ?? true,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
  });
}

/**
 * How `lab kubectl` runs kubectl: attached to this process's stdin, stdout and stderr, so
 * `... | npx lab kubectl -- apply -f -` reads the pipe, output streams as kubectl writes it, and a
 * non-zero exit is kubectl's to report (not a lab error).
 */
export function passthroughInvocation(
  args: readonly string[],
  where: { kubectl: string; kubeconfig: string },
): { file: string; args: string[]; options: Options & { reject: false } } {
  return { file: where.kubectl, args: kubectlArgv(args, where.kubeconfig), options: { stdio: 'inherit', reject: false } };
}

/** Runs kubectl in the foreground (`lab kubectl`) and returns its exit code. */
export async function kubectlPassthrough(args: readonly string[]): Promise<number> {
  const call = passthroughInvocation(args, { kubectl: kubectlPath(), kubeconfig: adminKubeconfigPath() });
  return (await run(call.file, call.args, call.options)).exitCode;
}

/** kubectl get ... -o json, parsed; a failure is a lab error with kubectl's own words. */
export async function kubectlJson<T = unknown>(args: string[], opts: { kubeconfig?: string } = {}): Promise<T> {
  const { stdout, stderr, exitCode } = await kubectl([...args, '-o', 'json'], { ...opts, reject: false });
  if (exitCode !== 0) throw new LabError(`kubectl ${args.join(' ')} failed: ${stderr.trim()}`, 'is the cluster up? npx lab status');
  return JSON.parse(stdout) as T;
}
