/**
 * Build a Profile from a flat list of plugin objects: each plugin is placed at every extension
 * point it implements, in list order. This is how a learner's own plugin joins the defaults.
 */
import {
  EXTENSION_POINTS,
  implementsPoint,
  type Plugin,
  type Profile,
  type ProfilePlugins,
  type QueueSortPlugin,
} from './interfaces.js';

export interface BuildProfileOptions {
  schedulerName: string;
  plugins: readonly Plugin[];
  /** Weight per Score plugin name (default 1). Must be a positive integer. */
  scoreWeights?: Readonly<Record<string, number>>;
  pluginTimeoutMs?: number;
  /** Profile.percentageOfNodesToScore. */
  percentageOfNodesToScore?: number;
}

export function buildProfile(opts: BuildProfileOptions): Profile {
  const names = new Set<string>();
  for (const plugin of opts.plugins) {
    if (!plugin.name) throw new Error('every plugin needs a non-empty name');
    if (names.has(plugin.name)) throw new Error(`plugin "${plugin.name}" is listed twice; plugin names must be unique`);
    names.add(plugin.name);
  }
  const queueSorts = opts.plugins.filter(implementsPoint.queueSort) as QueueSortPlugin[];
  if (queueSorts.length !== 1) {
    throw new Error(`a profile needs exactly one QueueSort plugin, got ${queueSorts.length} (${queueSorts.map((p) => p.name).join(', ') || 'none'})`);
  }
  const at = <K extends Exclude<keyof ProfilePlugins, 'queueSort' | 'score'>>(point: K) =>
    opts.plugins.filter(implementsPoint[point] as (p: Plugin) => boolean) as unknown as ProfilePlugins[K];
  const plugins: ProfilePlugins = {
    preEnqueue: at('preEnqueue'),
    queueSort: queueSorts[0]!,
    preFilter: at('preFilter'),
    filter: at('filter'),
    postFilter: at('postFilter'),
    preScore: at('preScore'),
    score: opts.plugins.filter(implementsPoint.score).map((plugin) => {
      const weight = opts.scoreWeights?.[plugin.name] ?? 1;
      if (!Number.isInteger(weight) || weight < 1) throw new Error(`score weight of "${plugin.name}" must be a positive integer, got ${weight}`);
      return { plugin, weight };
    }),
    reserve: at('reserve'),
    permit: at('permit'),
    preBind: at('preBind'),
    bind: at('bind'),
    postBind: at('postBind'),
  };
  return {
    schedulerName: opts.schedulerName,
    plugins,
    pluginTimeoutMs: opts.pluginTimeoutMs,
    ...(opts.percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore: opts.percentageOfNodesToScore } : {}),
  };
}

/** Which extension points each plugin of a profile is registered at (for `lab` listings and traces). */
export function describeProfile(profile: Profile): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const point of EXTENSION_POINTS) {
    const entry = profile.plugins[point];
    if (point === 'queueSort') out[point] = [profile.plugins.queueSort.name];
    else if (point === 'score') out[point] = profile.plugins.score.map((s) => `${s.plugin.name}×${s.weight}`);
    else out[point] = (entry as { name: string }[]).map((p) => p.name);
  }
  return out;
}
