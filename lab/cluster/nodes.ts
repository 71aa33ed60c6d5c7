import { execa } from 'execa';
import { LabError } from '../base/errors.js';
import { run, type RunResult } from './exec.js';
import { CLUSTER_NAME } from './paths.js';

/** A kind node: a Docker container labelled by kind with its cluster and role. */
export interface NodeContainer {
  name: string;
  role: 'control-plane' | 'worker';
  running: boolean;
  image: string;
}

export async function listNodeContainers(cluster = CLUSTER_NAME): Promise<NodeContainer[]> {
  const { stdout } = await run('docker', [
    'ps', '-a',
    '--filter', `label=io.x-k8s.kind.cluster=${cluster}`,
    '--format', '{{.Names}}\t{{.Label "io.x-k8s.kind.role"}}\t{{.State}}\t{{.Image}}',
  ]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name = '', role = '', state = '', image = ''] = line.split('\t');
      return { name, role: role === 'control-plane' ? 'control-plane' : 'worker', running: state === 'running', image } as NodeContainer;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function controlPlaneContainer(cluster = CLUSTER_NAME): Promise<string> {
  const node = (await listNodeContainers(cluster)).find((n) => n.role === 'control-plane');
  if (!node) throw new LabError(`cluster "${cluster}" has no control-plane node`, 'run `npx lab up`');
  return node.name;
}

/** Runs a command inside a node container (like `docker exec`). Never rejects on a non-zero exit. */
export async function execInNode(
  node: string,
  argv: string[],
  opts: { input?: string | Buffer; timeoutMs?: number } = {},
): Promise<RunResult> {
  return run('docker', ['exec', ...(opts.input !== undefined ? ['-i'] : []), node, ...argv], {
    reject: false,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
  });
}

/** Pure: `docker exec` arguments for a command run in the foreground: stdin passed on, a TTY when we have one. */
export function foregroundExecArgs(node: string, argv: readonly string[], stdinIsTty: boolean): string[] {
  return ['exec', stdinIsTty ? '-it' : '-i', node, ...argv];
}

/** Runs a command inside a node in the foreground (`lab node exec`): stdin, stdout and stderr are ours. Returns its exit code. */
export async function execInNodeForeground(node: string, argv: readonly string[]): Promise<number> {
  return (await run('docker', foregroundExecArgs(node, argv, !!process.stdin.isTTY), { stdio: 'inherit', reject: false })).exitCode;
}

/**
 * Imports an image archive (`docker save` output) into containerd's k8s.io namespace on each node,
 * so pods can use the image with imagePullPolicy IfNotPresent and no registry.
 */
export async function loadImageArchive(tarPath: string, nodes?: string[]): Promise<void> {
  const targets = nodes ?? (await listNodeContainers()).filter((n) => n.running).map((n) => n.name);
  await Promise.all(
    targets.map(async (node) => {
      const result = await execa('docker', ['exec', '-i', node, 'ctr', '--namespace', 'k8s.io', 'images', 'import', '--all-platforms', '-'], {
        inputFile: tarPath,
        reject: false,
      });
      if (result.exitCode !== 0) {
        throw new LabError(`loading ${tarPath} into ${node} failed: ${String(result.stderr || result.message).trim()}`);
      }
    }),
  );
}
