import { join } from 'node:path';
import type { Progress } from '../../base/progress.js';
import { buildGoGroup, goVersion, type GoBuildGroup } from '../image/go-build.js';

/** The registry server of the distribution project (the code behind Docker's `registry` image). */
export const REGISTRY_MODULE_VERSION = 'v3.1.2';

export const REGISTRY_GROUP: GoBuildGroup = {
  name: 'registry',
  packages: [`github.com/distribution/distribution/v3/cmd/registry@${REGISTRY_MODULE_VERSION}`],
  ldflags: '-s -w',
};

export interface RegistryBinary {
  path: string;
  cached: boolean;
  durationMs: number;
}

/** Builds `registry` from its Go module (about a minute cold), or finds it in the lab's Go cache. */
export async function buildRegistryBinary(progress: Progress): Promise<RegistryBinary> {
  const started = Date.now();
  const title = `building the registry (distribution ${REGISTRY_MODULE_VERSION}, Go module; cached after the first time)`;
  const { dir, cached } = await progress.step(title, async (update) => buildGoGroup(REGISTRY_GROUP, await goVersion(), update));
  if (cached) progress.info(`registry ${REGISTRY_MODULE_VERSION}: cached in ${dir}`);
  return { path: join(dir, 'registry'), cached, durationMs: Date.now() - started };
}
