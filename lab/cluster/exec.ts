import { execa, type Options } from 'execa';
import { BadInputError, LabError } from '../base/errors.js';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const installHints: Record<string, string> = {
  docker: 'install and start a Docker engine: `sudo bash scripts/setup-docker.sh` (Debian) or https://docs.docker.com/engine/install/',
  go: 'install Go 1.24 or newer (`apt-get install golang` or https://go.dev/dl/); the lab builds Kubernetes from Go modules',
  debootstrap: 'install debootstrap: `apt-get install debootstrap`',
  kind: 'run `npx lab image build` (it builds kind v0.30.0 from Go modules) or install kind v0.30.0',
  tar: 'install tar',
};

/**
 * Runs a program and returns its output. A missing program becomes a BadInputError that says how
 * to install it; a non-zero exit becomes a LabError with the program's stderr, unless `reject` is
 * false.
 */
export async function run(
  file: string,
  args: readonly string[],
  options: Options & { reject?: boolean } = {},
): Promise<RunResult> {
  try {
    const result = await execa(file, args, { ...options, reject: false, stripFinalNewline: true });
    if ((result as { failed?: boolean }).failed && (result as { code?: string }).code === 'ENOENT') throw enoent(file);
    const out: RunResult = {
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      exitCode: result.exitCode ?? 1,
    };
    if (options.reject !== false && out.exitCode !== 0) {
      const detail = (out.stderr || out.stdout).trim().split('\n').slice(-15).join('\n');
      throw new LabError(`\`${[file, ...args].join(' ').slice(0, 200)}\` failed (exit ${out.exitCode}):\n${detail}`);
    }
    return out;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') throw enoent(file);
    throw error;
  }
}

function enoent(file: string): BadInputError {
  const name = file.split('/').pop() ?? file;
  return new BadInputError(`\`${name}\` was not found on this machine`, installHints[name] ?? `install ${name}`);
}

/** True when `file --version`-like probing succeeds. */
export async function commandWorks(file: string, args: readonly string[]): Promise<boolean> {
  try {
    const result = await execa(file, args, { reject: false, timeout: 20_000 });
    return result.exitCode === 0;
  } catch {
    return false;
  }
}
