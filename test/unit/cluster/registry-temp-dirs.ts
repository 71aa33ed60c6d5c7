import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { useTempDir } from '../../support/temp-dir.js';

/**
 * For each test: a fresh temporary directory (useTempDir), with LAB_STATE_DIR and LAB_CACHE_DIR
 * inside it (the lab's .lab and cache, so the real ones are never touched); PATH and both
 * variables are put back afterwards. Returns the directory of the running test.
 */
export function useTempLabDirs(prefix: string): () => string {
  const keys = ['LAB_STATE_DIR', 'LAB_CACHE_DIR', 'PATH'] as const;
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  const dir = useTempDir(prefix);
  beforeEach(() => {
    process.env.LAB_STATE_DIR = join(dir(), 'state');
    process.env.LAB_CACHE_DIR = join(dir(), 'cache');
  });
  afterEach(() => {
    for (const key of keys) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });
  return dir;
}
