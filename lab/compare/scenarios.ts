/**
 * The scenarios `lab compare` runs, as data: each is a list of steps the runner performs with
 * kubectl (so the audit log shows "kubectl" as the one who asked). The same steps run on both
 * sides; only the namespace and the pods' schedulerName differ.
 */
import { BadInputError } from '../base/errors.js';
import type { PodLike } from '../cluster/pods.js';
import { DEPLOYMENT, deploymentManifest } from '../cluster/workload-image.js';

export type Step =
  | { do: 'createDeployment'; replicas: number }
  | { do: 'waitRollout' }
  | { do: 'scale'; replicas: number }
  /** Changing an env var changes the pod template: a rolling update to a new ReplicaSet. */
  | { do: 'setEnv'; name: string; value: string }
  | { do: 'rolloutUndo' }
  /** Cordon the node running the first pod (by name), remembering node and pod for later steps. */
  | { do: 'cordonNodeOfFirstPod' }
  | { do: 'deleteRememberedPod' }
  | { do: 'waitPodsRunning'; count: number }
  | { do: 'uncordon' }
  /** `kubectl delete deployment` (background cascade: the garbage collector deletes what it owns). */
  | { do: 'deleteDeployment' }
  /** Poll until the namespace holds no pod at all, terminating ones included. */
  | { do: 'waitPodsGone' };

export interface Scenario {
  name: string;
  description: string;
  steps: Step[];
}

export const SCENARIOS: Record<string, Scenario> = {
  create: {
    name: 'create',
    description: 'create a 3-replica Deployment and wait for the rollout',
    steps: [{ do: 'createDeployment', replicas: 3 }, { do: 'waitRollout' }],
  },
  scale: {
    name: 'scale',
    description: 'create 2 replicas, scale to 5, then down to 1',
    steps: [
      { do: 'createDeployment', replicas: 2 },
      { do: 'waitRollout' },
      { do: 'scale', replicas: 5 },
      { do: 'waitRollout' },
      { do: 'scale', replicas: 1 },
      { do: 'waitRollout' },
    ],
  },
  'rolling-update': {
    name: 'rolling-update',
    description: 'create 3 replicas, change an env var (new pod template), wait for the rolling update',
    steps: [{ do: 'createDeployment', replicas: 3 }, { do: 'waitRollout' }, { do: 'setEnv', name: 'LAB_STEP', value: '2' }, { do: 'waitRollout' }],
  },
  rollback: {
    name: 'rollback',
    description: 'create 3 replicas, roll out a change, then `kubectl rollout undo`',
    steps: [
      { do: 'createDeployment', replicas: 3 },
      { do: 'waitRollout' },
      { do: 'setEnv', name: 'LAB_STEP', value: '2' },
      { do: 'waitRollout' },
      { do: 'rolloutUndo' },
      { do: 'waitRollout' },
    ],
  },
  cordon: {
    name: 'cordon',
    description: 'create 3 replicas, cordon the node of one pod, delete that pod: its replacement goes elsewhere',
    steps: [
      { do: 'createDeployment', replicas: 3 },
      { do: 'waitRollout' },
      { do: 'cordonNodeOfFirstPod' },
      { do: 'deleteRememberedPod' },
      { do: 'waitPodsRunning', count: 3 },
      { do: 'uncordon' },
    ],
  },
  delete: {
    name: 'delete',
    description: 'create 3 replicas, then `kubectl delete deployment` and wait until its pods are gone',
    steps: [{ do: 'createDeployment', replicas: 3 }, { do: 'waitRollout' }, { do: 'deleteDeployment' }, { do: 'waitPodsGone' }],
  },
};

export const SCENARIO_NAMES = Object.keys(SCENARIOS);

/** The scenario called `name`, or bad input listing the valid ones (exit 2). */
export function scenarioNamed(name: string): Scenario {
  const scenario = Object.hasOwn(SCENARIOS, name) ? SCENARIOS[name] : undefined;
  if (!scenario) throw new BadInputError(`unknown scenario "${name}"`, `choose one of: ${SCENARIO_NAMES.join(', ')}`);
  return scenario;
}

export type Side = 'builtin' | 'lab';
export const SIDES: readonly Side[] = ['builtin', 'lab'];

/** cmp-builtin-<scenario> / cmp-lab-<scenario>. */
export function namespaceFor(side: Side, scenario: string): string {
  return `cmp-${side}-${scenario}`;
}

export function schedulerNameFor(side: Side): string {
  return side === 'lab' ? 'lab-scheduler' : 'default-scheduler';
}

/** What remembered-state steps need to know (filled in by cordonNodeOfFirstPod). */
export interface StepMemory {
  node?: string;
  pod?: string;
}

/**
 * The kubectl invocation for a step that needs no lookup, or undefined for the steps the runner
 * resolves itself (cordonNodeOfFirstPod, waitPodsRunning, waitPodsGone).
 */
export function kubectlFor(step: Step, namespace: string, schedulerName: string, memory: StepMemory, timeoutSeconds = 180): { args: string[]; input?: string } | undefined {
  const target = `deployment/${DEPLOYMENT}`;
  switch (step.do) {
    case 'createDeployment':
      return { args: ['create', '-f', '-'], input: JSON.stringify(deploymentManifest(namespace, step.replicas, schedulerName)) };
    case 'waitRollout':
      return { args: ['rollout', 'status', target, '-n', namespace, `--timeout=${timeoutSeconds}s`] };
    case 'scale':
      return { args: ['scale', target, '-n', namespace, `--replicas=${step.replicas}`] };
    case 'setEnv':
      return { args: ['set', 'env', target, '-n', namespace, `${step.name}=${step.value}`] };
    case 'rolloutUndo':
      return { args: ['rollout', 'undo', target, '-n', namespace] };
    case 'deleteRememberedPod':
      if (!memory.pod) throw new Error('deleteRememberedPod needs cordonNodeOfFirstPod first');
      return { args: ['delete', 'pod', memory.pod, '-n', namespace, '--wait=false'] };
    case 'uncordon':
      if (!memory.node) throw new Error('uncordon needs cordonNodeOfFirstPod first');
      return { args: ['uncordon', memory.node] };
    case 'deleteDeployment':
      // --wait=false: kubectl returns once the Deployment is marked deleted; waitPodsGone waits for its pods.
      return { args: ['delete', target, '-n', namespace, '--wait=false'] };
    case 'cordonNodeOfFirstPod':
    case 'waitPodsRunning':
    case 'waitPodsGone':
      return undefined;
  }
}

/** The pod (first by name, not terminating, on a node) whose node the cordon step cordons. */
export function cordonTarget(pods: readonly PodLike[]): { node: string; pod: string } | undefined {
  const candidates = pods
    .filter((p) => p.metadata?.name && p.spec?.nodeName && !p.metadata.deletionTimestamp)
    .sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
  const first = candidates[0];
  return first ? { node: first.spec!.nodeName!, pod: first.metadata!.name! } : undefined;
}
