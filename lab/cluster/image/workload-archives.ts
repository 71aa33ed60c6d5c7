import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cacheDir } from '../paths.js';

/**
 * `docker save` archives of the workload images (agnhost), kept in the cache: `lab up` loads
 * every one of them into the nodes. `lab image build` writes them, and so does `lab image load`.
 */
export function workloadArchiveDir(): string {
  return join(cacheDir(), 'images', 'workloads');
}

export function workloadArchivesPresent(): string[] {
  const dir = workloadArchiveDir();
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tar')).map((f) => join(dir, f)) : [];
}

/** The file name prefix of an image's archives: registry.k8s.io/e2e-test-images/agnhost:2.56 → agnhost-2.56- */
export function workloadArchivePrefix(image: string): string {
  const colon = image.lastIndexOf(':');
  const repository = colon > image.lastIndexOf('/') ? image.slice(0, colon) : image;
  const tag = colon > image.lastIndexOf('/') ? image.slice(colon + 1) : 'latest';
  return `${repository.split('/').pop()}-${tag}-`;
}

/** Older archives of the same image would be loaded too (and the last one would win); keep only `keep`. */
export function removeOtherWorkloadArchives(image: string, keep: string): void {
  const prefix = workloadArchivePrefix(image);
  for (const file of workloadArchivesPresent()) {
    if (basename(file).startsWith(prefix) && file !== keep) rmSync(file, { force: true });
  }
}

/** Archives of images the lab no longer runs (lab.local/web before agnhost replaced it): `lab up` would load them for nothing. */
export function removeRetiredWorkloadArchives(): void {
  for (const file of workloadArchivesPresent()) {
    if (basename(file).startsWith('web-1.0-')) rmSync(file, { force: true });
  }
}
