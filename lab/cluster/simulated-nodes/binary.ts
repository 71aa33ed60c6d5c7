import { join } from 'node:path';
import { buildGoGroup, goVersion, type GoBuildGroup } from '../image/go-build.js';
import type { Progress } from '../../base/progress.js';

/**
 * kwok (sigs.k8s.io/kwok): a controller that plays the kubelet for nodes it is told to manage —
 * it keeps their Lease and status fresh and moves their pods through the phases — with no
 * container behind them. v0.8.0 is the newest on the Go module proxy and builds with Go ≥ 1.26
 * (its go.mod says so); its go.mod has no replace directives, so `go install pkg@version` builds
 * it exactly as pinned there, like the registry.
 */
export const KWOK_VERSION = 'v0.8.0';

export const KWOK_GROUP: GoBuildGroup = {
  name: 'kwok',
  packages: [`sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}`],
  ldflags: '-s -w',
};

export interface KwokBinary {
  path: string;
  cached: boolean;
  durationMs: number;
}

/** Builds kwok from its Go module (a few minutes cold on 2 cores), or finds it in the lab's Go cache. */
export async function buildKwokBinary(progress: Progress): Promise<KwokBinary> {
  const started = Date.now();
  const title = `building kwok ${KWOK_VERSION} (Go module sigs.k8s.io/kwok; cached after the first time)`;
  const { dir, cached } = await progress.step(title, async (update) => buildGoGroup(KWOK_GROUP, await goVersion(), update));
  if (cached) progress.info(`kwok ${KWOK_VERSION}: cached in ${dir}`);
  return { path: join(dir, 'kwok'), cached, durationMs: Date.now() - started };
}
