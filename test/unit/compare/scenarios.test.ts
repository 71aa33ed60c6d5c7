import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../lab/base/errors.js';
import { WORKLOAD } from '../../../lab/cluster/workload-image.js';
import { deploymentManifest } from '../../../lab/cluster/workload-image.js';
import { runningPods } from '../../../lab/cluster/pods.js';
import { cordonTarget, kubectlFor, namespaceFor, scenarioNamed, SCENARIO_NAMES, SCENARIOS, schedulerNameFor } from '../../../lab/compare/scenarios.js';

describe('scenarios', () => {
  it('offers the five scenarios of the brief and delete', () => {
    expect(SCENARIO_NAMES).toEqual(['create', 'scale', 'rolling-update', 'rollback', 'cordon', 'delete']);
  });

  it('rejects an unknown scenario as bad input listing the valid ones', () => {
    expect(() => scenarioNamed('explode')).toThrow(BadInputError);
    expect(() => scenarioNamed('explode')).toThrow(/unknown scenario "explode"/);
    try {
      scenarioNamed('toString');
    } catch (err) {
      expect((err as BadInputError).fix).toBe('choose one of: create, scale, rolling-update, rollback, cordon, delete');
      expect((err as BadInputError).exitCode).toBe(2);
    }
  });

  it.each(SCENARIO_NAMES)('%s starts by creating the Deployment and waits for it before anything else', (name) => {
    const steps = scenarioNamed(name).steps;
    expect(steps[0]!.do).toBe('createDeployment');
    expect(steps[1]!.do).toBe('waitRollout');
  });

  it('rollback changes the template and then undoes it', () => {
    expect(SCENARIOS.rollback!.steps.map((s) => s.do)).toEqual(['createDeployment', 'waitRollout', 'setEnv', 'waitRollout', 'rolloutUndo', 'waitRollout']);
  });

  it('delete removes the rolled-out Deployment and ends only when its pods are gone', () => {
    expect(SCENARIOS.delete!.steps.map((s) => s.do)).toEqual(['createDeployment', 'waitRollout', 'deleteDeployment', 'waitPodsGone']);
  });

  it('cordon always ends by uncordoning the node', () => {
    const steps = SCENARIOS.cordon!.steps;
    expect(steps[steps.length - 1]!.do).toBe('uncordon');
  });

  it.each([
    ['builtin', 'create', 'cmp-builtin-create', 'default-scheduler'],
    ['lab', 'rolling-update', 'cmp-lab-rolling-update', 'lab-scheduler'],
  ] as const)('side %s of %s runs in %s with %s', (side, scenario, ns, scheduler) => {
    expect(namespaceFor(side, scenario)).toBe(ns);
    expect(schedulerNameFor(side)).toBe(scheduler);
  });
});

describe('kubectlFor', () => {
  it('creates the Deployment from a manifest on stdin with the side\'s scheduler', () => {
    const call = kubectlFor({ do: 'createDeployment', replicas: 3 }, 'cmp-lab-create', 'lab-scheduler', {})!;
    expect(call.args).toEqual(['create', '-f', '-']);
    const manifest = JSON.parse(call.input!);
    expect(manifest.metadata).toMatchObject({ name: 'web', namespace: 'cmp-lab-create' });
    expect(manifest.spec.replicas).toBe(3);
    expect(manifest.spec.template.spec.schedulerName).toBe('lab-scheduler');
    expect(manifest.spec.template.spec.containers[0].image).toBe(WORKLOAD.image);
    expect(manifest.spec.selector.matchLabels).toEqual(manifest.spec.template.metadata.labels);
  });

  it.each([
    [{ do: 'waitRollout' } as const, ['rollout', 'status', 'deployment/web', '-n', 'ns', '--timeout=180s']],
    [{ do: 'scale', replicas: 5 } as const, ['scale', 'deployment/web', '-n', 'ns', '--replicas=5']],
    [{ do: 'setEnv', name: 'A', value: '2' } as const, ['set', 'env', 'deployment/web', '-n', 'ns', 'A=2']],
    [{ do: 'rolloutUndo' } as const, ['rollout', 'undo', 'deployment/web', '-n', 'ns']],
    [{ do: 'deleteRememberedPod' } as const, ['delete', 'pod', 'web-1', '-n', 'ns', '--wait=false']],
    [{ do: 'uncordon' } as const, ['uncordon', 'lab-worker2']],
    [{ do: 'deleteDeployment' } as const, ['delete', 'deployment/web', '-n', 'ns', '--wait=false']],
  ])('%j → kubectl %j', (step, args) => {
    expect(kubectlFor(step, 'ns', 'default-scheduler', { node: 'lab-worker2', pod: 'web-1' })!.args).toEqual(args);
  });

  it('leaves the lookup steps to the runner', () => {
    expect(kubectlFor({ do: 'cordonNodeOfFirstPod' }, 'ns', 's', {})).toBeUndefined();
    expect(kubectlFor({ do: 'waitPodsRunning', count: 3 }, 'ns', 's', {})).toBeUndefined();
    expect(kubectlFor({ do: 'waitPodsGone' }, 'ns', 's', {})).toBeUndefined();
  });

  it('refuses to delete or uncordon before the cordon step remembered a target', () => {
    expect(() => kubectlFor({ do: 'deleteRememberedPod' }, 'ns', 's', {})).toThrow(/cordonNodeOfFirstPod/);
    expect(() => kubectlFor({ do: 'uncordon' }, 'ns', 's', {})).toThrow(/cordonNodeOfFirstPod/);
  });

  it('deploymentManifest is plain data (serialisable)', () => {
    expect(JSON.parse(JSON.stringify(deploymentManifest('a', 1, 'b')))).toEqual(deploymentManifest('a', 1, 'b'));
  });
});

describe('pod lookups', () => {
  const pods = [
    { metadata: { name: 'web-b' }, spec: { nodeName: 'lab-worker2' }, status: { phase: 'Running' } },
    { metadata: { name: 'web-a', deletionTimestamp: '2025-01-01T00:00:00Z' }, spec: { nodeName: 'lab-worker' }, status: { phase: 'Running' } },
    { metadata: { name: 'web-c' }, spec: {}, status: { phase: 'Pending' } },
    { metadata: { name: 'web-d' }, spec: { nodeName: 'lab-worker' }, status: { phase: 'Running' } },
  ];
  it('cordons the node of the first live, scheduled pod by name', () => {
    expect(cordonTarget(pods)).toEqual({ node: 'lab-worker2', pod: 'web-b' });
  });
  it('has no target without scheduled pods', () => expect(cordonTarget([pods[2]!])).toBeUndefined());
  it('counts Running pods that are not terminating', () => expect(runningPods(pods)).toBe(2));
});
