/**
 * pluginConfig: upstream's per-plugin args for PodTopologySpread (defaultingType,
 * defaultConstraints) and InterPodAffinity (hardPodAffinityWeight,
 * ignorePreferredTermsOfExistingPods), validated as upstream's validation.go, and used.
 */
import { describe, expect, it } from 'vitest';
import { parseSchedulerConfigText, profileFromConfig, SchedulerConfigError } from '../../../controllers/scheduler/config.js';
import type { NodeScore, ScorePlugin, PreScorePlugin } from '../../../controllers/scheduler/framework/interfaces.js';
import { asStatus } from '../../../controllers/scheduler/framework/status.js';
import { cycleState, node, pod, snapshot } from './upstream-fixtures.js';

const ctx = { binder: { bind: async () => {} } };
const scorer = (yaml: string, name: string) => {
  const profile = profileFromConfig(parseSchedulerConfigText(yaml), ctx);
  return profile.plugins.score.find((s) => s.plugin.name === name)!.plugin as ScorePlugin & PreScorePlugin;
};

async function scores(plugin: ScorePlugin & PreScorePlugin, incoming: ReturnType<typeof pod>, all: ReturnType<typeof snapshot>) {
  const state = cycleState(all);
  const status = asStatus(await plugin.preScore(state, incoming, all));
  if (status.isSkip()) return 'skip';
  const list: NodeScore[] = [];
  for (const info of all) list.push({ name: info.name, score: (await plugin.score(state, incoming, info)) as number });
  await plugin.scoreExtensions!.normalizeScore(state, incoming, list);
  return list.map((s) => s.score);
}

describe('pluginConfig', () => {
  it('PodTopologySpread with List defaulting and no constraints: pods without their own get none (PreScore skips)', async () => {
    const plugin = scorer('pluginConfig: [{ name: PodTopologySpread, args: { defaultingType: List } }]', 'PodTopologySpread');
    const all = snapshot([node('a', { zone: 'z1' }), node('b', { zone: 'z2' })]);
    expect(await scores(plugin, pod('p', { labels: { app: 'x' } }), all)).toBe('skip');
  });

  it('InterPodAffinity hardPodAffinityWeight 0 ignores existing pods\' required affinity in Score; the default 1 counts it', async () => {
    const all = snapshot(
      [node('a', { zone: 'z1' }), node('b', { zone: 'z2' })],
      [pod('e', { node: 'a', podAffinity: { required: [{ labelSelector: { matchLabels: { app: 'x' } }, topologyKey: 'zone' }] } })],
    );
    const incoming = pod('p', { labels: { app: 'x' } });
    expect(await scores(scorer('pluginConfig: [{ name: InterPodAffinity, args: { hardPodAffinityWeight: 0 } }]', 'InterPodAffinity'), incoming, all)).toBe('skip');
    expect(await scores(scorer('{}', 'InterPodAffinity'), incoming, all)).toEqual([100, 0]);
  });

  it.each([
    ['pluginConfig: [{ name: PodTopologySpread, args: { defaultConstraints: [{ maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway }] } }]', /defaultConstraints must be empty when defaultingType is System/],
    ['pluginConfig: [{ name: PodTopologySpread, args: { defaultingType: List, defaultConstraints: [{ maxSkew: 0, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway }] } }]', /maxSkew must be at least 1/],
    ['pluginConfig: [{ name: PodTopologySpread, args: { defaultingType: List, defaultConstraints: [{ maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {} }] } }]', /unknown field\(s\) "labelSelector"/],
    ['pluginConfig: [{ name: PodTopologySpread, args: { defaultingType: List, defaultConstraints: [{ maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway }, { maxSkew: 2, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway }] } }]', /each topologyKey and whenUnsatisfiable pair may appear once/],
    ['pluginConfig: [{ name: InterPodAffinity, args: { hardPodAffinityWeight: 101 } }]', /hardPodAffinityWeight must be in 0\.\.100/],
    ['pluginConfig: [{ name: NodeAffinity, args: {} }]', /name must be PodTopologySpread, InterPodAffinity or VolumeBinding/],
    ['pluginConfig: [{ name: InterPodAffinity, args: {} }, { name: InterPodAffinity, args: {} }]', /each plugin may appear once in pluginConfig/],
  ])('rejects %s', (text, message) => {
    expect(() => parseSchedulerConfigText(text, 'my.yaml')).toThrow(SchedulerConfigError);
    expect(() => parseSchedulerConfigText(text, 'my.yaml')).toThrow(message);
  });
});
