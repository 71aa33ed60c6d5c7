/** The doctor's real probes: processes, files and filesystems of this machine, and the cluster layer. */
import { existsSync } from 'node:fs';
import { readFile, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { readBuiltinControllers } from '../cluster/builtin-controllers.js';
import { clusterHealth } from '../cluster/health.js';
import { NODE_IMAGE } from '../cluster/image/build.js';
import { cacheDir, CLUSTER_NAME, kindPath } from '../cluster/paths.js';
import { probeRegistries } from '../cluster/registry-probe.js';
import { WORKLOAD } from '../cluster/workload-image.js';
import type { DoctorProbes, DoctorSettings } from './types.js';

/** The nearest existing directory at or above `path` (the cache dir may not exist yet). */
function existingAncestor(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

export const systemProbes: DoctorProbes = {
  nodeVersion: () => process.versions.node,
  async run(file, args) {
    try {
      const result = await execa(file, args, { reject: false, timeout: 30_000, stripFinalNewline: true });
      if ((result as { code?: string }).code === 'ENOENT') return undefined;
      return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  readFile: (path) => readFile(path, 'utf8').catch(() => undefined),
  exists: (path) => existsSync(path),
  async freeBytes(path) {
    try {
      const stats = await statfs(existingAncestor(path));
      return stats.bavail * stats.bsize;
    } catch {
      return undefined;
    }
  },
  clusterHealth: () => clusterHealth(),
  builtinControllers: () => readBuiltinControllers(),
  registries: () => probeRegistries(),
};

export function systemSettings(): DoctorSettings {
  return {
    clusterName: CLUSTER_NAME, kindPath: kindPath(), nodeImage: NODE_IMAGE, cacheDir: cacheDir(), dockerRootDir: '/var/lib/docker',
    ...(process.env.LAB_IMAGE_MODE ? { imageMode: process.env.LAB_IMAGE_MODE } : {}), workloadImage: WORKLOAD.image,
  };
}
