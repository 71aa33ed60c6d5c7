import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BadInputError } from '../../../lab/base/errors.js';
import { loadSchedulerFile } from '../../../lab/run/plugin-loader.js';
import { buildSchedulerProfile, configMakingRoomFor } from '../../../lab/run/scheduler-profile.js';
import { parseSchedulerConfig } from '../../../controllers/scheduler/config.js';
import { describeProfile } from '../../../controllers/scheduler/framework/profile.js';
import { LabScheduler } from '../../../controllers/scheduler/scheduler.js';
import type { Binder } from '../../../controllers/scheduler/plugins/default-binder.js';
import { makeNode, makePod } from '../scheduler/fixtures.js';

let dir: string;
async function fixture(name: string, source: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, source);
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-plugins-'));
});

const binder: Binder = { bind: async () => {} };
const config = parseSchedulerConfig({});

async function loadError(file: string): Promise<BadInputError> {
  try {
    await loadSchedulerFile(file);
  } catch (err) {
    expect(err).toBeInstanceOf(BadInputError);
    return err as BadInputError;
  }
  throw new Error('expected loadSchedulerFile to fail');
}

describe('loadSchedulerFile: valid files', () => {
  it('a `plugins` export joins the default profile', async () => {
    const file = await fixture(
      'plugins.ts',
      `export const plugins = [{ name: 'Mine', score: (_s: unknown, _p: unknown, n: { name: string }): number => n.name.length }];`,
    );
    const loaded = await loadSchedulerFile(file);
    expect(loaded).toMatchObject({ kind: 'plugins', exportName: 'plugins' });
    const profile = await buildSchedulerProfile({ config, binder, loaded });
    expect(describeProfile(profile).score).toContain('Mine×1');
    expect(describeProfile(profile).filter).toContain('NodeResourcesFit');
  });

  it('a class instance keeps its prototype methods', async () => {
    const file = await fixture('class.ts', `class Gate { name = 'Gate'; filter() { return undefined; } }\nexport const plugins = [new Gate()];`);
    const loaded = await loadSchedulerFile(file);
    const profile = await buildSchedulerProfile({ config, binder, loaded });
    expect(describeProfile(profile).filter).toContain('Gate');
  });

  it('a `profile` function replaces the whole profile', async () => {
    const file = await fixture(
      'profile.ts',
      `export function profile(ctx: any) {
         const d = ctx.defaultProfile();
         return { ...d, plugins: { ...d.plugins, score: [{ plugin: { name: 'Only', score: () => 50 }, weight: 2 }] } };
       }`,
    );
    const loaded = await loadSchedulerFile(file);
    expect(loaded.kind).toBe('profile');
    const profile = await buildSchedulerProfile({ config: parseSchedulerConfig({ schedulerName: 'mine' }), binder, loaded });
    expect(profile.schedulerName).toBe('mine');
    expect(describeProfile(profile).score).toEqual(['Only×2']);
    expect(describeProfile(profile).bind).toEqual(['DefaultBinder']);
  });

  it('a default export: an array is a plugin list, a function a profile', async () => {
    const list = await loadSchedulerFile(await fixture('default-list.ts', `export default [{ name: 'A', filter: () => undefined }];`));
    expect(list).toMatchObject({ kind: 'plugins', exportName: 'default' });
    const fn = await loadSchedulerFile(
      await fixture('default-fn.ts', `export default (ctx: any) => ({ plugins: ctx.defaultPlugins(), scoreWeights: { ImageLocality: 4 } });`),
    );
    expect(fn).toMatchObject({ kind: 'profile', exportName: 'default' });
    const profile = await buildSchedulerProfile({ config, binder, loaded: fn });
    expect(describeProfile(profile).score).toContain('ImageLocality×4');
  });

  it('a QueueSort or Bind plugin takes the default one\'s place', () => {
    const mine = [{ name: 'Fifo', less: () => true }, { name: 'MyBinder', bind: () => undefined }];
    const { config: roomy, replaced } = configMakingRoomFor(config, mine);
    expect(replaced).toEqual(['PrioritySort (queueSort)', 'DefaultBinder (bind)']);
    expect(roomy.plugins.queueSort?.disabled).toEqual(['PrioritySort']);
    expect(roomy.plugins.bind?.disabled).toEqual(['DefaultBinder']);
    expect(configMakingRoomFor(config, [{ name: 'S', score: () => 1 }]).replaced).toEqual([]);
  });
});

describe('loadSchedulerFile: clear errors', () => {
  it('a missing file', async () => {
    const err = await loadError(join(dir, 'nope.ts'));
    expect(err.message).toMatch(/nope\.ts does not exist/);
    expect(err.exitCode).toBe(2);
  });

  it('a syntax error carries the underlying message', async () => {
    const err = await loadError(await fixture('syntax.ts', 'export const plugins = [ { name: "x", score( } ];'));
    expect(err.message).toMatch(/could not load scheduler file .*syntax\.ts: .+/);
  });

  it('a file that throws while loading', async () => {
    const err = await loadError(await fixture('throws.ts', 'throw new Error("top-level kaboom"); export const plugins = [];'));
    expect(err.message).toMatch(/top-level kaboom/);
  });

  it.each([
    ['no-export.ts', 'export const helpers = 1;', /exports neither `plugins`, `profile` nor a default export \(found: helpers\)/],
    ['both.ts', 'export const plugins = []; export const profile = {};', /exports both/],
    ['empty.ts', 'export const plugins = [];', /plugins: is an empty list/],
    ['not-array.ts', 'export const plugins = { name: "x", score: () => 1 };', /plugins: .*expected array/i],
    ['no-name.ts', 'export const plugins = [{ score: () => 1 }];', /plugins\[0\]\.name: must be a non-empty string/],
    ['no-point.ts', 'export const plugins = [{ name: "Lazy", helper: () => 1 }];', /plugins\[0\]: implements no extension point/],
    ['not-fn.ts', 'export const plugins = [{ name: "X", score: 5 }];', /plugins\[0\]\.score: must be a function, got number 5/],
    ['dup.ts', 'export const plugins = [{ name: "X", filter() {} }, { name: "X", score: () => 1 }];', /plugins\[1\]\.name: "X" is used twice/],
    ['reserve.ts', 'export const plugins = [{ name: "R", reserve() {} }];', /unreserve: Reserve plugins need both/],
    ['profile-obj.ts', 'export const profile = { plugins: [{ name: "F", filter() {} }], typo: 1 };', /profile: .*typo/],
    ['profile-point.ts', 'export const profile = { plugins: { queueSort: { name: "Q", less: () => true }, filter: [{ name: "S", score: () => 1 }], bind: [{ name: "B", bind() {} }] } };', /profile\.plugins\.filter\[0\]: plugin "S" is listed under filter but has no filter method/],
    ['profile-nobind.ts', 'export const profile = { plugins: { queueSort: { name: "Q", less: () => true } } };', /profile\.plugins\.bind: .*Bind plugin/],
  ])('%s', async (name, source, message) => {
    const err = await loadError(await fixture(name, source));
    expect(err.message).toMatch(message);
    expect(err.message).toContain(name);
    expect(err.fix).toBeTruthy();
  });

  it('a profile function returning a bad shape fails when the profile is built', async () => {
    const loaded = await loadSchedulerFile(await fixture('fn-bad.ts', 'export const profile = () => ({ plugins: [{ name: "F", filter() {} }] });'));
    await expect(buildSchedulerProfile({ config, binder, loaded })).rejects.toThrow(/no plugin implements bind/);
  });

  it('a profile naming another schedulerName is refused with the fix', async () => {
    const loaded = await loadSchedulerFile(
      await fixture('name.ts', 'export const profile = (ctx: any) => ({ ...ctx.defaultProfile(), schedulerName: "other" });'),
    );
    await expect(buildSchedulerProfile({ config, binder, loaded })).rejects.toThrow(/serves schedulerName "other"/);
  });
});

describe('runtime guards reach the pod through LabScheduler', () => {
  /** Run one scheduling attempt of `pod` over two nodes, with the given loaded plugin file. */
  async function attempt(source: string, name: string, pluginTimeoutMs = 5000) {
    const loaded = await loadSchedulerFile(await fixture(name, source));
    const profile = await buildSchedulerProfile({ config: parseSchedulerConfig({ pluginTimeoutMs }), binder, loaded });
    const events: Array<{ type: string; reason: string; message: string }> = [];
    const patches: unknown[] = [];
    const core = {
      listNode: vi.fn(),
      listPodForAllNamespaces: vi.fn(),
      createNamespacedPodBinding: vi.fn(),
      patchNamespacedPodStatus: vi.fn(async (p: unknown) => {
        patches.push(p);
        return {};
      }),
    };
    const recorder = { event: async (_o: unknown, type: string, reason: string, message: string) => void events.push({ type, reason, message }) };
    const scheduler = new LabScheduler({ kc: new KubeConfig(), clients: { core: core as never }, recorder: recorder as never, profile, log: { info() {}, warn() {}, error() {}, debug() {} } });
    scheduler.cache.addNode(makeNode('w1', { allocatable: { cpu: '4', memory: '8Gi' } }));
    scheduler.cache.addNode(makeNode('w2', { allocatable: { cpu: '4', memory: '8Gi' } }));
    const pod: V1Pod = makePod({ name: 'victim', spec: { schedulerName: 'lab-scheduler' } as never });
    scheduler.queue.add(pod);
    const popped = await scheduler.queue.pop();
    await (scheduler as unknown as { scheduleOne(p: unknown, i: unknown): Promise<void> }).scheduleOne(popped, { get: () => undefined });
    // The binding cycle and the event writes run in the background; let them finish.
    await scheduler.waitForInFlight();
    return { events, patches };
  }

  it.each([
    ['throw.ts', `export const plugins = [{ name: 'Thrower', score() { throw new TypeError('oops'); } }];`, /running Score plugin "Thrower": threw TypeError: oops/],
    ['nan.ts', `export const plugins = [{ name: 'NotANumber', score: () => NaN }];`, /Score plugin "NotANumber": returned score NaN/],
    ['range.ts', `export const plugins = [{ name: 'TooBig', score: () => 250 }];`, /Score plugin "TooBig": returned an invalid score 250/],
    ['hang.ts', `export const plugins = [{ name: 'Sleepy', filter: () => new Promise(() => {}) }];`, /Filter plugin "Sleepy": did not return within 30 ms/],
  ])('%s → FailedScheduling naming the plugin, PodScheduled=False SchedulerError', async (name, source, message) => {
    const { events, patches } = await attempt(source, name, 30);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'Warning', reason: 'FailedScheduling' });
    expect(events[0]!.message).toMatch(message);
    expect(patches[0]).toMatchObject({ name: 'victim', body: { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulerError' }] } } });
  });

  it('a well-behaved plugin file binds the pod', async () => {
    const { events } = await attempt(`export const plugins = [{ name: 'Fine', score: () => 10 }];`, 'fine.ts');
    expect(events).toEqual([{ type: 'Normal', reason: 'Scheduled', message: expect.stringMatching(/Successfully assigned default\/victim to w[12]/) }]);
  });
});

