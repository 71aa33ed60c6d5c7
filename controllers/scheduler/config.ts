/**
 * The scheduler's configuration file (YAML or JSON), validated with zod, and the Profile it
 * builds. Every field is optional; an empty file gives the defaults.
 *
 * ```yaml
 * schedulerName: lab-scheduler
 * pluginTimeoutMs: 5000
 * percentageOfNodesToScore: 0   # upstream's: 0 = adaptive (50 % less 1 % per 125 nodes, at least 5 %)
 * backoff: { initialMs: 1000, maxMs: 10000 }
 * scoringStrategy: { type: MostAllocated, resources: [{ name: cpu, weight: 1 }, { name: memory, weight: 1 }] }
 * plugins:
 *   score: { disabled: [ImageLocality], weights: { TaintToleration: 3 } }
 *   filter: { disabled: [NodePorts] }
 * pluginConfig:             # upstream's per-plugin args
 *   - name: PodTopologySpread
 *     args: { defaultingType: List, defaultConstraints: [{ maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway }] }
 *   - name: InterPodAffinity
 *     args: { hardPodAffinityWeight: 1 }
 *   - name: VolumeBinding
 *     args: { bindTimeoutSeconds: 600 }
 * ```
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { EXTENSION_POINTS, implementsPoint, POINT_MEMBERS, type ExtensionPoint, type Plugin, type Profile } from './framework/interfaces.js';
import { buildProfile } from './framework/profile.js';
import { DEFAULT_PLUGIN_NAMES, DEFAULT_SCORE_WEIGHTS, IN_TREE_PLUGINS, type PluginContext } from './plugins/registry.js';

export const DEFAULT_SCHEDULER_NAME = 'lab-scheduler';

const pluginName = z.string().min(1, 'a plugin name must not be empty');

const pointConfig = z
  .object({
    /** Plugins switched off at this point ('*' switches off every default plugin there). */
    disabled: z.array(pluginName).default([]),
    /** Extra plugins switched on at this point (must be in-tree or supplied as extra plugins). */
    enabled: z.array(pluginName).default([]),
    /** Score only: weight per plugin. */
    weights: z.record(z.string(), z.number().int('weights must be whole numbers').min(1, 'weights must be at least 1').max(100, 'weights must be at most 100')).optional(),
  })
  .strict();

/** One default constraint of PodTopologySpreadArgs; the selector is deduced per pod, so none may be given. */
const defaultConstraint = z
  .object({
    maxSkew: z.number().int().min(1, 'maxSkew must be at least 1'),
    topologyKey: z.string().min(1, 'topologyKey must not be empty'),
    whenUnsatisfiable: z.enum(['DoNotSchedule', 'ScheduleAnyway']),
    minDomains: z.number().int().min(1).optional(),
    nodeAffinityPolicy: z.enum(['Honor', 'Ignore']).optional(),
    nodeTaintsPolicy: z.enum(['Honor', 'Ignore']).optional(),
  })
  .strict();

/** Upstream's pluginConfig entries for the plugins that take args, validated as upstream's validation.go does. */
const pluginConfigEntry = z.discriminatedUnion('name', [
  z
    .object({
      name: z.literal('PodTopologySpread'),
      args: z
        .object({ defaultingType: z.enum(['System', 'List']).default('System'), defaultConstraints: z.array(defaultConstraint).default([]) })
        .strict()
        .refine((a) => a.defaultingType === 'List' || a.defaultConstraints.length === 0, {
          message: 'defaultConstraints must be empty when defaultingType is System (set defaultingType: List to give your own)',
        })
        .refine((a) => new Set(a.defaultConstraints.map((c) => `${c.topologyKey}/${c.whenUnsatisfiable}`)).size === a.defaultConstraints.length, {
          message: 'defaultConstraints: each topologyKey and whenUnsatisfiable pair may appear once',
        }),
    })
    .strict(),
  z
    .object({
      name: z.literal('InterPodAffinity'),
      args: z
        .object({
          hardPodAffinityWeight: z.number().int().min(0, 'hardPodAffinityWeight must be in 0..100').max(100, 'hardPodAffinityWeight must be in 0..100').default(1),
          ignorePreferredTermsOfExistingPods: z.boolean().default(false),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      name: z.literal('VolumeBinding'),
      args: z.object({ bindTimeoutSeconds: z.number().int().min(0, 'invalid BindTimeoutSeconds, should not be a negative value').default(600) }).strict(),
    })
    .strict(),
]);

const pluginsShape = Object.fromEntries(EXTENSION_POINTS.map((p) => [p, pointConfig.optional()])) as Record<ExtensionPoint, z.ZodOptional<typeof pointConfig>>;

export const schedulerConfigSchema = z
  .object({
    schedulerName: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a lowercase DNS name such as "lab-scheduler"')
      .default(DEFAULT_SCHEDULER_NAME),
    pluginTimeoutMs: z.number().int().positive('must be a positive number of milliseconds').default(5000),
    percentageOfNodesToScore: z.number().int('must be a whole number').min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100').optional(),
    backoff: z
      .object({
        initialMs: z.number().int().positive().default(1000),
        maxMs: z.number().int().positive().default(10_000),
      })
      .strict()
      .refine((b) => b.maxMs >= b.initialMs, { message: 'maxMs must be >= initialMs' })
      .default({ initialMs: 1000, maxMs: 10_000 }),
    scoringStrategy: z
      .object({
        type: z.enum(['LeastAllocated', 'MostAllocated']).default('LeastAllocated'),
        resources: z
          .array(z.object({ name: z.string().min(1), weight: z.number().int().min(1).max(100) }).strict())
          .min(1, 'list at least one resource')
          .optional(),
      })
      .strict()
      .default({ type: 'LeastAllocated' }),
    plugins: z.object(pluginsShape).strict().default({}),
    pluginConfig: z
      .array(pluginConfigEntry)
      .default([])
      .refine((entries) => new Set(entries.map((e) => e.name)).size === entries.length, { message: 'each plugin may appear once in pluginConfig' }),
  })
  .strict();

export type SchedulerConfig = z.infer<typeof schedulerConfigSchema>;

export class SchedulerConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`invalid scheduler config ${source}:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'SchedulerConfigError';
  }
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return `${path}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling (known: schedulerName, pluginTimeoutMs, percentageOfNodesToScore, backoff, scoringStrategy, plugins.<extensionPoint>.{enabled,disabled,weights}, pluginConfig[].{name,args})`;
  }
  if (issue.code === 'invalid_union' && issue.path[0] === 'pluginConfig') {
    return `${path}: name must be PodTopologySpread, InterPodAffinity or VolumeBinding (the plugins that take args), each with its own args`;
  }
  return `${path}: ${issue.message}`;
}

/** Validate an already-parsed object. Throws SchedulerConfigError listing every problem. */
export function parseSchedulerConfig(raw: unknown, source = '(inline)'): SchedulerConfig {
  const result = schedulerConfigSchema.safeParse(raw ?? {});
  if (!result.success) throw new SchedulerConfigError(source, result.error.issues.map(formatIssue));
  const config = result.data;
  const known = new Set(Object.keys(IN_TREE_PLUGINS));
  const problems: string[] = [];
  for (const point of EXTENSION_POINTS) {
    for (const name of config.plugins[point]?.disabled ?? []) {
      if (name !== '*' && !known.has(name)) problems.push(`plugins.${point}.disabled: unknown plugin "${name}" (known: ${[...known].join(', ')})`);
    }
  }
  if (problems.length) throw new SchedulerConfigError(source, problems);
  return config;
}

/** Parse YAML or JSON text (JSON is valid YAML). */
export function parseSchedulerConfigText(text: string, source = '(inline)'): SchedulerConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new SchedulerConfigError(source, [`not valid YAML/JSON: ${(err as Error).message}`]);
  }
  return parseSchedulerConfig(raw, source);
}

export async function loadSchedulerConfig(path: string): Promise<SchedulerConfig> {
  return parseSchedulerConfigText(await readFile(path, 'utf8'), path);
}

/**
 * Build the profile a config describes. Each default plugin is placed at the points it
 * implements unless disabled there; `extraPlugins` (e.g. a learner's file) are added after the
 * defaults of each point and may be named in `enabled` lists and weights.
 */
export function profileFromConfig(config: SchedulerConfig, ctx: PluginContext, extraPlugins: readonly Plugin[] = []): Profile {
  const pluginCtx: PluginContext = { ...ctx, nodeResourcesFit: { scoringStrategy: config.scoringStrategy } };
  for (const entry of config.pluginConfig) {
    if (entry.name === 'PodTopologySpread') pluginCtx.podTopologySpread = entry.args;
    else if (entry.name === 'VolumeBinding') pluginCtx.volumeBinding = entry.args;
    else pluginCtx.interPodAffinity = entry.args;
  }
  const all = new Map<string, Plugin>();
  for (const name of DEFAULT_PLUGIN_NAMES) all.set(name, IN_TREE_PLUGINS[name]!(pluginCtx));
  for (const plugin of extraPlugins) all.set(plugin.name, plugin);

  const enabledAt = (point: ExtensionPoint, plugin: Plugin, isDefault: boolean): boolean => {
    const pc = config.plugins[point];
    if (pc?.disabled.includes(plugin.name)) return false;
    if (isDefault) return !pc?.disabled.includes('*');
    return true; // extra plugins are on wherever they implement a point, unless disabled
  };

  for (const point of EXTENSION_POINTS) {
    for (const name of config.plugins[point]?.enabled ?? []) {
      const plugin = all.get(name) ?? (IN_TREE_PLUGINS[name] ? IN_TREE_PLUGINS[name](pluginCtx) : undefined);
      if (!plugin) throw new SchedulerConfigError('(profile)', [`plugins.${point}.enabled: unknown plugin "${name}"`]);
      if (!implementsPoint[point](plugin)) throw new SchedulerConfigError('(profile)', [`plugins.${point}.enabled: plugin "${name}" does not implement ${point}`]);
      all.set(name, plugin);
    }
  }

  // A plugin object takes part in all its points; we wrap it so disabled points are hidden.
  const defaults = new Set<string>(DEFAULT_PLUGIN_NAMES);
  const selected: Plugin[] = [];
  for (const plugin of all.values()) {
    const view = restrictToPoints(plugin, (point) => enabledAt(point, plugin, defaults.has(plugin.name)));
    if (view) selected.push(view);
  }
  return buildProfile({
    schedulerName: config.schedulerName,
    plugins: selected,
    scoreWeights: { ...DEFAULT_SCORE_WEIGHTS, ...config.plugins.score?.weights },
    pluginTimeoutMs: config.pluginTimeoutMs,
    ...(config.percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore: config.percentageOfNodesToScore } : {}),
  });
}

/** A view of the plugin exposing only the methods of the allowed points (undefined if none remain). */
function restrictToPoints(plugin: Plugin, allowed: (point: ExtensionPoint) => boolean): Plugin | undefined {
  const view: Record<string, unknown> = { name: plugin.name };
  let any = false;
  for (const point of EXTENSION_POINTS) {
    if (!implementsPoint[point](plugin) || !allowed(point)) continue;
    any = true;
    for (const method of POINT_MEMBERS[point]) {
      const value = (plugin as unknown as Record<string, unknown>)[method];
      if (value !== undefined) view[method] = typeof value === 'function' ? value.bind(plugin) : value;
    }
  }
  return any ? (view as unknown as Plugin) : undefined;
}

/** The default profile: every in-tree plugin with upstream's default weights. */
export function defaultProfile(ctx: PluginContext, schedulerName = DEFAULT_SCHEDULER_NAME): Profile {
  return profileFromConfig(parseSchedulerConfig({ schedulerName }), ctx);
}
