/**
 * The profile `lab run` schedules with: the configured defaults, plus a learner's plugins, or a
 * learner's whole profile. Everything here is pure given the loaded file, so it is unit-tested.
 */
import { BadInputError } from '../base/errors.js';
import { implementsPoint, type Plugin, type Profile } from '../../controllers/scheduler/framework/interfaces.js';
import { buildProfile } from '../../controllers/scheduler/framework/profile.js';
import { profileFromConfig, SchedulerConfigError, type SchedulerConfig } from '../../controllers/scheduler/config.js';
import { DEFAULT_PLUGIN_NAMES, IN_TREE_PLUGINS, type PluginContext } from '../../controllers/scheduler/plugins/registry.js';
import type { Binder } from '../../controllers/scheduler/plugins/default-binder.js';
import { profileFromSpec, type LoadedScheduler, type ProfileContext } from './plugin-loader.js';

/**
 * A profile has exactly one QueueSort, and the first Bind plugin that does not Skip wins. So a
 * learner's plugin implementing either point takes the default's place there (PrioritySort,
 * DefaultBinder) instead of clashing with it or never being called.
 */
export function configMakingRoomFor(config: SchedulerConfig, plugins: readonly Plugin[]): { config: SchedulerConfig; replaced: string[] } {
  const replacements: Array<{ point: 'queueSort' | 'bind'; defaultName: string }> = [];
  if (plugins.some((p) => implementsPoint.queueSort(p) && p.name !== 'PrioritySort')) replacements.push({ point: 'queueSort', defaultName: 'PrioritySort' });
  if (plugins.some((p) => implementsPoint.bind(p) && p.name !== 'DefaultBinder')) replacements.push({ point: 'bind', defaultName: 'DefaultBinder' });
  if (replacements.length === 0) return { config, replaced: [] };
  const pluginsConfig = { ...config.plugins };
  for (const { point, defaultName } of replacements) {
    const current = pluginsConfig[point] ?? { enabled: [], disabled: [] };
    if (!current.disabled.includes(defaultName)) pluginsConfig[point] = { ...current, disabled: [...current.disabled, defaultName] };
  }
  return { config: { ...config, plugins: pluginsConfig }, replaced: replacements.map((r) => `${r.defaultName} (${r.point})`) };
}

export interface SchedulerProfileOptions {
  config: SchedulerConfig;
  binder: Binder;
  loaded?: LoadedScheduler;
  log?: (line: string) => void;
}

/** The context a learner's `profile(ctx)` function is called with. */
export function profileContext(config: SchedulerConfig, binder: Binder): ProfileContext {
  const pluginCtx: PluginContext = { binder, nodeResourcesFit: { scoringStrategy: config.scoringStrategy } };
  return {
    schedulerName: config.schedulerName,
    binder,
    defaultProfile: () => profileFromConfig(config, { binder }),
    defaultPlugins: () => DEFAULT_PLUGIN_NAMES.map((name) => IN_TREE_PLUGINS[name]!(pluginCtx)),
    buildProfile,
  };
}

export async function buildSchedulerProfile(opts: SchedulerProfileOptions): Promise<Profile> {
  const { config, binder, loaded } = opts;
  try {
    if (!loaded) return profileFromConfig(config, { binder });
    if (loaded.kind === 'plugins') {
      const { config: roomy, replaced } = configMakingRoomFor(config, loaded.plugins);
      if (replaced.length > 0) opts.log?.(`${loaded.file}: your plugins replace ${replaced.join(', ')}`);
      return profileFromConfig(roomy, { binder }, loaded.plugins);
    }
    const profile = await loaded.makeProfile(profileContext(config, binder));
    // Re-validated here too: a function's result is only known once it has run.
    return profileFromSpec(loaded.file, loaded.exportName, profile, config, profile.pluginTimeoutMs ?? config.pluginTimeoutMs);
  } catch (err) {
    if (err instanceof SchedulerConfigError) throw new BadInputError(err.message, 'check --scheduler-config and the plugin names your file exports');
    throw err;
  }
}
