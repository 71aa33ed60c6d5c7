/**
 * random.ts — a random score for every node, from a SEEDABLE random number generator.
 *
 * Why teach this? A random scheduler is the baseline every real scoring strategy should beat,
 * and "seedable" shows how to keep a plugin deterministic enough to test: with the same seed
 * you get the same sequence of scores, so a unit test (or a replayed trace) is exact.
 *
 * Run it:   LAB_RANDOM_SEED=42 npx lab run --only scheduler --scheduler examples/schedulers/random.ts
 *
 * It exports a default function (a profile): the default filters stay, the only scorer is the
 * random one, so the choice among feasible nodes is pure chance.
 */
import type { ScorePlugin } from '../../controllers/scheduler/framework/index.js';
import type { ProfileContext } from '../../lab/run/plugin-loader.js';
import { seededRandom } from '../../controllers/shared/seeded-random.js';

// The generator is controllers/shared/seeded-random.ts (mulberry32); re-exported for tests.
export { seededRandom };

/** A plugin factory: each call gets its own generator, so two schedulers do not share a sequence. */
export function createRandomScore(random: () => number): ScorePlugin {
  return {
    name: 'RandomScore',
    // Integer 0..100 inclusive: already in range, no NormalizeScore needed.
    score: () => Math.floor(random() * 101),
  };
}

const seed = Number(process.env.LAB_RANDOM_SEED ?? Date.now());

export default function profile(ctx: ProfileContext) {
  const defaults = ctx.defaultProfile();
  return { ...defaults, plugins: { ...defaults.plugins, score: [{ plugin: createRandomScore(seededRandom(seed)), weight: 1 }] } };
}
