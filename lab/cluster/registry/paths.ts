import { join } from 'node:path';
import { cacheDir, stateDir } from '../paths.js';

/**
 * Where the lab registry keeps its files. The running process's record (pid, port, url) and its
 * log are per checkout, under .lab/registry; the images it stores are machine-wide, in the build
 * cache, so they outlive `lab registry down` and serve every checkout.
 */
export const DEFAULT_REGISTRY_PORT = 5001;

/** The registry's files; read at each call, as LAB_STATE_DIR and LAB_CACHE_DIR may change. */
export function registryPaths() {
  const dir = join(stateDir(), 'registry');
  return {
    stateDir: dir,
    /** The running process's record: pid, port, url. */
    statePath: join(dir, 'state.json'),
    logPath: join(dir, 'registry.log'),
    configPath: join(dir, 'config.yml'),
    /** The registry's filesystem storage: images persist across `down` and `up`. */
    dataDir: join(cacheDir(), 'registry', 'data'),
  };
}
