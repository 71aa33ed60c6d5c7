/**
 * upstream's e2e.test for the cluster's Kubernetes version, built with the node image's Go build
 * machinery (lab/cluster/image/go-build.ts): keyed by its inputs, so a second run finds it built.
 */
import { join } from 'node:path';
import { BadInputError } from '../base/errors.js';
import type { Progress } from '../base/progress.js';
import { commandWorks } from '../cluster/exec.js';
import { buildGoGroup, E2E_GROUP, goVersion } from '../cluster/image/go-build.js';
import { KUBERNETES_VERSION } from '../cluster/paths.js';

/** Measured on the lab's 2-core machine: 17.5 min with the node image building beside it (Go's build cache shared). */
export const COLD_BUILD_ESTIMATE = '~15-18 min';

export interface E2eBinary {
  path: string;
  cached: boolean;
  buildMs: number;
}

export async function ensureE2eBinary(progress: Progress): Promise<E2eBinary> {
  if (!(await commandWorks('go', ['version']))) {
    throw new BadInputError('Go is not installed: the e2e binary is built from the k8s.io/kubernetes module', '`npx lab doctor` says how to install it (the offline node image build needs it too)');
  }
  const go = await goVersion();
  const started = Date.now();
  let cached = true;
  const dir = await progress.step(`upstream's e2e.test for Kubernetes ${KUBERNETES_VERSION} (a cold build takes ${COLD_BUILD_ESTIMATE} on 2 cores)`, async (update) => {
    const built = await buildGoGroup(E2E_GROUP, go, update);
    cached = built.cached;
    update(built.cached ? 'already built (cached by its inputs)' : 'built');
    return built.dir;
  });
  return { path: join(dir, E2E_GROUP.testBinary!), cached, buildMs: Date.now() - started };
}
