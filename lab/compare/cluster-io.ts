/**
 * The cluster side of `lab compare`: scenario steps through kubectl and end-state snapshots; the
 * waits for pods are lab/cluster/pods.ts's.
 */
import { kubectl, kubectlJson } from '../cluster/kubectl.js';
import { listPods, waitPodsGone, waitPodsRunning } from '../cluster/pods.js';
import type { RawObject, RawState } from './end-state.js';
import { cordonTarget, kubectlFor, type Step, type StepMemory } from './scenarios.js';

export async function snapshot(namespace: string): Promise<RawState> {
  const get = async (resource: string) => (await kubectlJson<{ items: RawObject[] }>(['get', resource, '-n', namespace])).items;
  return { deployments: await get('deployments'), replicaSets: await get('replicasets'), pods: await get('pods') };
}

/**
 * Where a cordon is written down before it is made (compare's undo journal), so that a killed
 * compare leaves no node unschedulable that the next start does not uncordon.
 */
export interface CordonJournal {
  cordoning<T>(node: string, cordon: () => Promise<T>): Promise<T>;
  uncordoned(node: string): void;
}

/** Perform one scenario step; `memory` carries the cordoned node and deleted pod between steps. */
export async function performStep(step: Step, namespace: string, schedulerName: string, memory: StepMemory, journal: CordonJournal, timeoutSeconds = 180): Promise<void> {
  if (step.do === 'cordonNodeOfFirstPod') {
    const target = cordonTarget(await listPods(namespace));
    if (!target) throw new Error(`no scheduled pod in ${namespace} to cordon the node of`);
    Object.assign(memory, target);
    await journal.cordoning(target.node, () => kubectl(['cordon', target.node]));
    return;
  }
  if (step.do === 'waitPodsRunning') return waitPodsRunning(namespace, step.count, timeoutSeconds * 1000);
  if (step.do === 'waitPodsGone') return waitPodsGone(namespace, timeoutSeconds * 1000);
  const call = kubectlFor(step, namespace, schedulerName, memory, timeoutSeconds)!;
  await kubectl(call.args, call.input !== undefined ? { input: call.input } : {});
  if (step.do === 'uncordon' && memory.node) journal.uncordoned(memory.node);
}

/**
 * The audit log reaches the tap a little after the requests (the API server batches its writes):
 * give it time before reading the timeline.
 */
export async function settle(ms = 3000): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
