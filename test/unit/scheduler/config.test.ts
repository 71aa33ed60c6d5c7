import { describe, expect, it } from 'vitest';
import { defaultProfile, parseSchedulerConfigText, profileFromConfig, SchedulerConfigError } from '../../../controllers/scheduler/config.js';
import { describeProfile } from '../../../controllers/scheduler/framework/profile.js';
import type { FilterPlugin } from '../../../controllers/scheduler/framework/interfaces.js';

const ctx = { binder: { bind: async () => {} } };

describe('scheduler config', () => {
  it('an empty file gives the defaults', () => {
    const config = parseSchedulerConfigText('');
    expect(config).toMatchObject({ schedulerName: 'lab-scheduler', pluginTimeoutMs: 5000, backoff: { initialMs: 1000, maxMs: 10000 }, scoringStrategy: { type: 'LeastAllocated' } });
  });

  it('the default profile has upstream plugins and weights (v1.34 default_plugins.go, without VolumeZone and DynamicResources)', () => {
    const d = describeProfile(defaultProfile(ctx));
    expect(d.preEnqueue).toEqual(['SchedulingGates']);
    expect(d.queueSort).toEqual(['PrioritySort']);
    expect(d.filter).toEqual(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'VolumeRestrictions', 'NodeVolumeLimits', 'VolumeBinding', 'PodTopologySpread', 'InterPodAffinity']);
    expect(d.score).toEqual([
      'TaintToleration×3',
      'NodeAffinity×2',
      'NodeResourcesFit×1',
      'VolumeBinding×1',
      'PodTopologySpread×2',
      'InterPodAffinity×2',
      'NodeResourcesBalancedAllocation×1',
      'ImageLocality×1',
    ]);
    expect(d.preScore).toEqual(['VolumeBinding', 'PodTopologySpread', 'InterPodAffinity']);
    expect(d.reserve).toEqual(['VolumeBinding']);
    expect(d.preBind).toEqual(['VolumeBinding']);
    expect(d.bind).toEqual(['DefaultBinder']);
    expect(d.preFilter).toEqual(['NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'VolumeRestrictions', 'NodeVolumeLimits', 'VolumeBinding', 'PodTopologySpread', 'InterPodAffinity']);
    expect(d.postFilter).toEqual(['DefaultPreemption']);
  });

  it('reads YAML: name, strategy, disabled plugins, weights', () => {
    const config = parseSchedulerConfigText(`
schedulerName: bin-packer
scoringStrategy: { type: MostAllocated }
plugins:
  score: { disabled: [ImageLocality, NodeResourcesBalancedAllocation], weights: { NodeResourcesFit: 5 } }
  filter: { disabled: [NodePorts] }
`);
    const profile = profileFromConfig(config, ctx);
    const d = describeProfile(profile);
    expect(profile.schedulerName).toBe('bin-packer');
    expect(d.score).toEqual(['TaintToleration×3', 'NodeAffinity×2', 'NodeResourcesFit×5', 'VolumeBinding×1', 'PodTopologySpread×2', 'InterPodAffinity×2']);
    expect(d.filter).not.toContain('NodePorts');
    expect(d.preFilter).toContain('NodePorts'); // disabled only at filter
  });

  it('DefaultPreemption can be switched off at postFilter', () => {
    const profile = profileFromConfig(parseSchedulerConfigText('plugins: { postFilter: { disabled: [DefaultPreemption] } }'), ctx);
    expect(describeProfile(profile).postFilter).toEqual([]);
  });

  it('reads JSON and adds a learner plugin', () => {
    const mine: FilterPlugin = { name: 'Mine', filter: () => undefined };
    const profile = profileFromConfig(parseSchedulerConfigText('{"pluginTimeoutMs": 200}'), ctx, [mine]);
    expect(profile.pluginTimeoutMs).toBe(200);
    expect(describeProfile(profile).filter?.at(-1)).toBe('Mine');
  });

  it.each([
    ['schedulerName: Bad_Name', /schedulerName: must be a lowercase DNS name/],
    ['pluginTimeoutMs: -1', /pluginTimeoutMs: must be a positive number/],
    ['scoringStrategy: { type: Random }', /scoringStrategy\.type/],
    ['backoff: { initialMs: 5000, maxMs: 1000 }', /maxMs must be >= initialMs/],
    ['plugins: { score: { weights: { NodeAffinity: 0 } } }', /plugins\.score\.weights\.NodeAffinity: weights must be at least 1/],
    ['plugins: { filter: { disabled: [NodePort] } }', /plugins\.filter\.disabled: unknown plugin "NodePort"/],
    ['plugins: { filtr: {} }', /unknown field\(s\) "filtr"/],
    ['schedulerNam: x', /unknown field\(s\) "schedulerNam"/],
    ['a: [1', /not valid YAML/],
  ])('rejects %j', (text, message) => {
    expect(() => parseSchedulerConfigText(text, 'my.yaml')).toThrow(SchedulerConfigError);
    expect(() => parseSchedulerConfigText(text, 'my.yaml')).toThrow(message);
  });

  it('rejects enabling an unknown plugin when building the profile', () => {
    const config = parseSchedulerConfigText('plugins: { filter: { enabled: [Nope] } }');
    expect(() => profileFromConfig(config, ctx)).toThrow(/unknown plugin "Nope"/);
  });
});
