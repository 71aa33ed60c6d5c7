import { join } from 'node:path';
import { cacheDir, stateDir } from '../paths.js';

/**
 * Where the lab registry keeps its files. The running process's record (pid, port, url) and its
 * log are per checkout, under .lab/registry; the images it stores are machine-wide, in the build
 * cache, so they outlive `lab registry down` and serve every checkout.
 */
export const DEFAULT_REGISTRY_PORT = 5001;

export function registryStateDir(): string {
  return join(stateDir(), 'registry');
}

export function registryStatePath(): string {
  return join(registryStateDir(), 'state.json');
}

export function registryLogPath(): string {
  return join(registryStateDir(), 'registry.log');
}

export function registryConfigPath(): string {
  return join(registryStateDir(), 'config.yml');
}

/** The registry's filesystem storage: images persist across `down` and `up`. */
export function registryDataDir(): string {
  return join(cacheDir(), 'registry', 'data');
}
