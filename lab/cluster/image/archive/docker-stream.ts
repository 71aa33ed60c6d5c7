import { execa } from 'execa';
import { pipeline, Transform, type Readable, type Writable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { LabError } from '../../../base/errors.js';
import type { ArchiveManifest } from './manifest.js';

/**
 * `docker save` and `docker load` as streams, so a 1 GB image goes from Docker to the archive (and
 * back) without a temporary file and without being held in memory.
 */

/** `docker save IMAGE`, gzip-compressed or not; `onInput` sees the uncompressed bytes (for progress). */
export async function* dockerSave(image: string, compression: ArchiveManifest['compression'], onInput: (bytes: number) => void): AsyncGenerator<Buffer> {
  const child = execa('docker', ['save', image], { reject: false, buffer: { stdout: false, stderr: true } });
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onInput(chunk.length);
      done(null, chunk);
    },
  });
  const streams: (Readable | Writable)[] = [child.stdout!, counted, ...(compression === 'gzip' ? [createGzip({ level: 1 })] : [])];
  const output = pipeline(streams, () => undefined) as unknown as Readable; // errors surface through the iteration and the exit code
  try {
    for await (const chunk of output) yield chunk as Buffer;
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const result = await child;
  if (result.exitCode !== 0) throw new LabError(`docker save ${image} failed: ${String(result.stderr).trim() || result.message}`);
}

/** Streams `source` into `docker load` and returns the image names Docker says it loaded. */
export async function dockerLoad(source: Readable): Promise<string[]> {
  const child = execa('docker', ['load'], { reject: false, stdin: 'pipe' });
  source.on('error', (error) => child.stdin?.destroy(error));
  child.stdin?.on('error', () => undefined); // docker load quitting early (EPIPE) is reported by its exit code
  source.pipe(child.stdin!);
  const result = await child;
  if (result.exitCode !== 0) throw new LabError(`docker load failed: ${String(result.stderr).trim() || result.message}`);
  return [...String(result.stdout).matchAll(/^Loaded image(?: ID)?: (\S+)/gm)].map((m) => m[1]!);
}

/** The uncompressed tar of an archived image (for `ctr import` in the nodes, which wants a plain tar). */
export function decompressed(source: Readable, compression: ArchiveManifest['compression']): Readable {
  return compression === 'gzip' ? pipeline(source, createGunzip(), () => undefined) : source;
}
