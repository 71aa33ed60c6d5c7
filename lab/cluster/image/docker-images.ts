import { execa } from 'execa';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LabError } from '../../base/errors.js';
import { run } from '../exec.js';

/**
 * Building images without a registry and without a Dockerfile: a staging directory becomes one
 * image layer (`docker import`), or is copied onto a base image and committed (`docker create` +
 * `docker cp` + `docker commit`). Both take Dockerfile-like `changes` (ENTRYPOINT, ENV, ...).
 */

export interface StagedFile {
  /** Absolute path inside the image. */
  path: string;
  /** Copy from this host file ... */
  from?: string;
  /** ... or write this content ... */
  content?: string;
  /** ... or make a symlink to this target. */
  symlink?: string;
  mode?: number;
}

/** Lays files out in a fresh temporary directory, as they will be in the image. */
export function stage(files: StagedFile[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-stage-'));
  for (const file of files) {
    const target = join(dir, file.path);
    mkdirSync(dirname(target), { recursive: true });
    if (file.symlink !== undefined) symlinkSync(file.symlink, target);
    else if (file.from !== undefined) cpSync(file.from, target, { recursive: true, dereference: true });
    else writeFileSync(target, file.content ?? '');
    if (file.mode !== undefined && file.symlink === undefined) chmodSync(target, file.mode);
  }
  return dir;
}

/**
 * Feeds a tar of `dir` (files owned by root) to `docker ...args` on stdin. The tar goes through a
 * temporary file: the node image's stage is hundreds of MB, too much to hold in memory.
 */
async function pipeTarInto(dir: string, dockerArgs: string[]): Promise<void> {
  const tarFile = `${dir}.tar`;
  try {
    await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', dir, '-cf', tarFile, '.']);
    const result = await execa('docker', dockerArgs, { inputFile: tarFile, reject: false });
    if (result.exitCode !== 0) throw new LabError(`docker ${dockerArgs.join(' ')} failed: ${String(result.stderr).trim()}`);
  } finally {
    rmSync(tarFile, { force: true });
  }
}

function changeArgs(changes: string[]): string[] {
  return changes.flatMap((change) => ['--change', change]);
}

/** One-layer image from a staged directory. */
export async function importImage(stageDir: string, tag: string, changes: string[]): Promise<void> {
  await pipeTarInto(stageDir, ['import', ...changeArgs(changes), '-', tag]);
}

/** One-layer image from a root filesystem tar already on disk. */
export async function importRootfs(tarPath: string, tag: string, changes: string[]): Promise<void> {
  await run('docker', ['import', ...changeArgs(changes), tarPath, tag]);
}

/** Copies a staged directory onto `base` and commits the result as `tag`. */
export async function commitOnto(base: string, stageDir: string, tag: string, changes: string[], opts: { stopSignal?: string } = {}): Promise<void> {
  // The stop signal goes in at create time: older engines cannot set it with `commit --change`,
  // and commit keeps the container's config.
  const { stdout: id } = await run('docker', ['create', ...(opts.stopSignal ? ['--stop-signal', opts.stopSignal] : []), base, '/bin/true']);
  const container = id.trim();
  try {
    await pipeTarInto(stageDir, ['cp', '-', `${container}:/`]);
    await run('docker', ['commit', ...changeArgs(changes), container, tag]);
  } finally {
    await run('docker', ['rm', '-f', container], { reject: false });
  }
}

export async function imageLabel(tag: string, label: string): Promise<string | undefined> {
  const result = await run('docker', ['image', 'inspect', '--format', `{{ index .Config.Labels "${label}" }}`, tag], { reject: false });
  if (result.exitCode !== 0) return undefined;
  const value = result.stdout.trim();
  return value && value !== '<no value>' ? value : undefined;
}

export interface ImageFacts {
  id: string;
  /** Docker's size of the image: its layers, uncompressed (about what `docker save` writes). */
  bytes: number;
  labels: Record<string, string>;
}

export async function inspectImage(tag: string): Promise<ImageFacts | undefined> {
  const result = await run('docker', ['image', 'inspect', '--format', '{{json .Id}}\t{{json .Size}}\t{{json .Config.Labels}}', tag], { reject: false });
  if (result.exitCode !== 0) return undefined;
  const [id, bytes, labels] = result.stdout.trim().split('\t').map((field) => JSON.parse(field) as unknown);
  return { id: String(id), bytes: Number(bytes), labels: (labels ?? {}) as Record<string, string> };
}

export async function imageId(tag: string): Promise<string | undefined> {
  return (await inspectImage(tag))?.id;
}

export async function imageExists(tag: string): Promise<boolean> {
  return (await run('docker', ['image', 'inspect', tag], { reject: false })).exitCode === 0;
}

export async function saveImage(tag: string, tarPath: string): Promise<void> {
  mkdirSync(dirname(tarPath), { recursive: true });
  await run('docker', ['save', '-o', tarPath, tag]);
}

export function removeStage(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function requireDocker(): Promise<void> {
  const result = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false });
  if (result.exitCode !== 0) {
    throw new LabError(
      'Docker is installed but no Docker engine answers',
      'start one: `sudo bash scripts/setup-docker.sh` (installs and starts dockerd, with the capability filter where needed)',
      2,
    );
  }
}
