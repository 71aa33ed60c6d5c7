/**
 * Loads a learner's scheduler file (`lab run --scheduler ./my-scheduler.ts`) without a build step:
 * the CLI loads TypeScript through lab/bin/typescript-loader.mjs, so a dynamic import of the file URL
 * strips its types on the fly (and a file that does not parse is reported with its line).
 *
 * The file exports ONE of:
 *   - `plugins`: an array of plugin objects; they join the default profile at every extension
 *     point they implement (see examples/schedulers/spread.ts);
 *   - `profile`: a whole profile, as a function of a ProfileContext or as an object
 *     (see examples/schedulers/bin-packing.ts);
 *   - a default export of either.
 * What was exported is validated with zod before the scheduler starts, so a typo is reported as
 * bad input naming the file, the export and the fix, not as a crash mid-cycle.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { BadInputError } from '../base/errors.js';
import { EXTENSION_POINTS, implementsPoint, PLUGIN_METHODS, POINT_MEMBERS, type ExtensionPoint, type Plugin, type Profile, type ProfilePlugins } from '../../controllers/scheduler/framework/interfaces.js';
import { buildProfile, type BuildProfileOptions } from '../../controllers/scheduler/framework/profile.js';
import type { Binder } from '../../controllers/scheduler/plugins/default-binder.js';


/** What a `profile` function receives: enough to start from the defaults and change a part. */
export interface ProfileContext {
  /** The name pods must set in spec.schedulerName for this scheduler to pick them up. */
  readonly schedulerName: string;
  /** Writes the Binding through the API (what DefaultBinder uses). */
  readonly binder: Binder;
  /** The default profile, per extension point: copy it and replace the parts you want. */
  defaultProfile(): Profile;
  /** The in-tree default plugins as a flat list (PrioritySort, filters, scorers, DefaultBinder). */
  defaultPlugins(): Plugin[];
  /** Place a flat list of plugins at every point each implements (exactly one QueueSort). */
  buildProfile(opts: BuildProfileOptions): Profile;
}

/** A profile given as an object: per point (like Profile), or a flat list like buildProfile takes. */
export type ProfileSpec =
  | { schedulerName?: string; plugins: Partial<Profile['plugins']> & Pick<Profile['plugins'], 'queueSort'>; pluginTimeoutMs?: number }
  | { schedulerName?: string; plugins: Plugin[]; scoreWeights?: Record<string, number>; pluginTimeoutMs?: number };

export type LoadedScheduler =
  | { kind: 'plugins'; file: string; exportName: string; plugins: Plugin[] }
  | { kind: 'profile'; file: string; exportName: string; makeProfile: (ctx: ProfileContext) => Promise<Profile> };

// ---- zod schemas -------------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

/** A plugin object. z.unknown() + superRefine keeps the original (class instances keep their methods). */
const pluginSchema = z.unknown().superRefine((value, ctx) => {
  if (!isObject(value) || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: `must be a plugin object, got ${describeValue(value)}` });
    return;
  }
  if (typeof value.name !== 'string' || value.name.trim() === '') {
    ctx.addIssue({ code: 'custom', path: ['name'], message: 'must be a non-empty string (every plugin needs a unique name)' });
  }
  for (const method of PLUGIN_METHODS) {
    if (value[method] !== undefined && typeof value[method] !== 'function') {
      ctx.addIssue({ code: 'custom', path: [method], message: `must be a function, got ${describeValue(value[method])}` });
    }
  }
  const hasReserve = typeof value.reserve === 'function';
  const hasUnreserve = typeof value.unreserve === 'function';
  if (hasReserve !== hasUnreserve) {
    ctx.addIssue({ code: 'custom', path: [hasReserve ? 'unreserve' : 'reserve'], message: 'Reserve plugins need both reserve() and unreserve()' });
  }
  const extensions = value.scoreExtensions;
  if (extensions !== undefined && (!isObject(extensions) || typeof extensions.normalizeScore !== 'function')) {
    ctx.addIssue({ code: 'custom', path: ['scoreExtensions'], message: 'must be an object with a normalizeScore(state, pod, scores) method' });
  }
  if (!EXTENSION_POINTS.some((point) => implementsPoint[point](value as unknown as Plugin))) {
    ctx.addIssue({
      code: 'custom',
      message: `implements no extension point: give it at least one of the methods ${PLUGIN_METHODS.join(', ')}`,
    });
  }
}).transform((value) => value as Plugin);

const pluginListSchema = z
  .array(pluginSchema)
  .min(1, 'is an empty list: export at least one plugin')
  .superRefine((plugins, ctx) => {
    const seen = new Set<string>();
    plugins.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${p.name}" is used twice; plugin names must be unique` });
      seen.add(p.name);
    });
  });

/** A plugin that must implement one given point (for per-point profiles). */
const pluginAt = (point: ExtensionPoint) =>
  pluginSchema.superRefine((p, ctx) => {
    // Only judge the point once the object itself is valid (its own issues are already reported).
    const candidate: unknown = p;
    if (!isObject(candidate) || typeof candidate.name !== 'string') return;
    if (!implementsPoint[point](p)) ctx.addIssue({ code: 'custom', message: `plugin "${candidate.name}" is listed under ${point} but has no ${POINT_MEMBERS[point].filter((m) => PLUGIN_METHODS.includes(m)).join('/')} method` });
  });

const perPointPluginsSchema = z
  .object({
    preEnqueue: z.array(pluginAt('preEnqueue')).default([]),
    queueSort: pluginAt('queueSort'),
    preFilter: z.array(pluginAt('preFilter')).default([]),
    filter: z.array(pluginAt('filter')).default([]),
    postFilter: z.array(pluginAt('postFilter')).default([]),
    preScore: z.array(pluginAt('preScore')).default([]),
    score: z.array(z.object({ plugin: pluginAt('score'), weight: z.number().int().min(1).max(100) })).default([]),
    reserve: z.array(pluginAt('reserve')).default([]),
    permit: z.array(pluginAt('permit')).default([]),
    preBind: z.array(pluginAt('preBind')).default([]),
    bind: z
      .array(pluginAt('bind'))
      .optional()
      .refine((v) => v !== undefined && v.length > 0, 'needs at least one Bind plugin (ctx.defaultProfile().plugins.bind has DefaultBinder)')
      .transform((v) => v ?? []),
    postBind: z.array(pluginAt('postBind')).default([]),
  })
  .strict();

/** `plugins` is a flat list or per point; picking the schema by shape gives clearer messages than a union. */
const profileSpecSchema = z
  .object({
    schedulerName: z.string().min(1).optional(),
    plugins: z.unknown().transform((value, ctx) => {
      const schema = Array.isArray(value) ? pluginListSchema : perPointPluginsSchema;
      const result = schema.safeParse(value);
      if (result.success) return result.data;
      for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      return z.NEVER;
    }),
    scoreWeights: z.record(z.string(), z.number().int().min(1).max(100)).optional(),
    pluginTimeoutMs: z.number().int().positive().optional(),
  })
  .strict();

type ParsedProfileSpec = z.infer<typeof profileSpecSchema>;

// ---- messages ----------------------------------------------------------------------------------

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return `an object with keys ${Object.keys(value).join(', ') || '(none)'}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function formatIssues(exportName: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      return `  - ${exportName}${path}: ${issue.message}`;
    })
    .join('\n');
}

const SHAPE_FIX =
  'export `plugins` (an array of plugin objects, each with a `name` and at least one extension-point method such as filter() or score()), ' +
  'or `profile` (a function (ctx) => profile, or a profile object); see examples/schedulers/README.md';

function shapeError(file: string, exportName: string, detail: string): BadInputError {
  return new BadInputError(`${file}: export \`${exportName}\` is not a valid scheduler:\n${detail}`, SHAPE_FIX);
}

// ---- loading -----------------------------------------------------------------------------------

/** Import the file; a missing file or one that does not compile/evaluate is bad input. */
async function importModule(file: string): Promise<Record<string, unknown>> {
  const abs = resolve(file);
  try {
    await access(abs);
  } catch {
    throw new BadInputError(`scheduler file ${file} does not exist (looked at ${abs})`, 'check the path, e.g. `npx lab run --scheduler examples/schedulers/spread.ts`');
  }
  try {
    return (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new BadInputError(`could not load scheduler file ${file}: ${message}`, 'fix the error above (the file must be a TypeScript or JavaScript ES module), then run again');
  }
}

/** Which export to use, and what it is meant to be. */
function pickExport(file: string, mod: Record<string, unknown>): { exportName: string; value: unknown; as: 'plugins' | 'profile' } {
  const hasPlugins = mod.plugins !== undefined;
  const hasProfile = mod.profile !== undefined;
  if (hasPlugins && hasProfile) {
    throw new BadInputError(`${file} exports both \`plugins\` and \`profile\``, 'export only one: `plugins` to add to the default profile, or `profile` to replace it');
  }
  if (hasPlugins) return { exportName: 'plugins', value: mod.plugins, as: 'plugins' };
  if (hasProfile) return { exportName: 'profile', value: mod.profile, as: 'profile' };
  const fallback = mod.default;
  if (fallback === undefined) {
    const found = Object.keys(mod).filter((k) => k !== '__esModule');
    throw new BadInputError(`${file} exports neither \`plugins\`, \`profile\` nor a default export (found: ${found.join(', ') || 'nothing'})`, SHAPE_FIX);
  }
  // A default export is a plugin list if it is an array, otherwise a profile (function or object).
  return { exportName: 'default', value: fallback, as: Array.isArray(fallback) ? 'plugins' : 'profile' };
}

export async function loadSchedulerFile(file: string): Promise<LoadedScheduler> {
  const mod = await importModule(file);
  const { exportName, value, as } = pickExport(file, mod);
  if (as === 'plugins') {
    const parsed = pluginListSchema.safeParse(value);
    if (!parsed.success) throw shapeError(file, exportName, formatIssues(exportName, parsed.error));
    return { kind: 'plugins', file, exportName, plugins: parsed.data };
  }
  if (typeof value === 'function') {
    const factory = value as (ctx: ProfileContext) => unknown;
    return {
      kind: 'profile',
      file,
      exportName,
      makeProfile: async (ctx) => {
        let spec: unknown;
        try {
          spec = await factory(ctx);
        } catch (err) {
          throw new BadInputError(`${file}: \`${exportName}(ctx)\` threw ${err instanceof Error ? err.message : String(err)}`, 'fix the profile function so it returns a profile');
        }
        return profileFromSpec(file, `${exportName}(ctx)`, spec, ctx);
      },
    };
  }
  // An object profile is validated now, so a bad shape is reported before anything starts.
  const checked = profileSpecSchema.safeParse(value);
  if (!checked.success) throw shapeError(file, exportName, formatIssues(exportName, checked.error));
  return { kind: 'profile', file, exportName, makeProfile: async (ctx) => profileFromSpec(file, exportName, value, ctx) };
}

/** Validate a profile spec and turn it into a Profile serving ctx.schedulerName. */
export function profileFromSpec(file: string, exportName: string, spec: unknown, ctx: Pick<ProfileContext, 'schedulerName'>, defaultTimeoutMs?: number): Profile {
  const parsed = profileSpecSchema.safeParse(spec);
  if (!parsed.success) throw shapeError(file, exportName, formatIssues(exportName, parsed.error));
  const data: ParsedProfileSpec = parsed.data;
  if (data.schedulerName && data.schedulerName !== ctx.schedulerName) {
    throw new BadInputError(
      `${file}: the profile serves schedulerName "${data.schedulerName}" but this scheduler runs as "${ctx.schedulerName}"`,
      `remove schedulerName from the profile, or run with --scheduler-name ${data.schedulerName}`,
    );
  }
  const pluginTimeoutMs = data.pluginTimeoutMs ?? defaultTimeoutMs;
  if (Array.isArray(data.plugins)) {
    if (!data.plugins.some(implementsPoint.bind)) {
      throw shapeError(file, exportName, `  - ${exportName}.plugins: no plugin implements bind(); include the default binder (it is in ctx.defaultPlugins())`);
    }
    try {
      return buildProfile({ schedulerName: ctx.schedulerName, plugins: data.plugins, scoreWeights: data.scoreWeights, pluginTimeoutMs });
    } catch (err) {
      throw shapeError(file, exportName, `  - ${exportName}.plugins: ${(err as Error).message}`);
    }
  }
  return { schedulerName: ctx.schedulerName, plugins: data.plugins as ProfilePlugins, ...(pluginTimeoutMs !== undefined ? { pluginTimeoutMs } : {}) };
}
