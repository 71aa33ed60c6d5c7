/**
 * The cluster side of `lab compare`: scenario steps through kubectl, end-state snapshots, waiting
 * for pods (`lab demo` waits the same way).
 */
import { kubectl, kubectlJson } from '../cluster/kubectl.js';
import type { RawObject, RawState } from './end-state.js';
import { cordonTarget, kubectlFor, runningPods, type Step, type StepMemory } from './scenarios.js';

export async function listPods(namespace: string): Promise<RawObject[]> {
  return (await kubectlJson<{ items: RawObject[] }>(['get', 'pods', '-n', namespace])).items;
}

export async function snapshot(namespace: string): Promise<RawState> {
  const get = async (resource: string) => (await kubectlJson<{ items: RawObject[] }>(['get', resource, '-n', namespace])).items;
  return { deployments: await get('deployments'), replicaSets: await get('replicasets'), pods: await get('pods') };
}

/** Poll until `count` pods in the namespace are Running (and only that many remain), or time out. */
export async function waitPodsRunning(namespace: string, count: number, timeoutMs: number, onProgress?: (running: number) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pods = await listPods(namespace);
    const running = runningPods(pods);
    onProgress?.(running);
    if (running >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${running} of ${count} pods Running in ${namespace} after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Poll until the namespace holds no pod (terminating ones count: they are not gone yet), or time out. */
export async function waitPodsGone(namespace: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = (await listPods(namespace)).length;
    if (left === 0) return;
    if (Date.now() > deadline) throw new Error(`${left} pod${left === 1 ? '' : 's'} still in ${namespace} after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Perform one scenario step; `memory` carries the cordoned node and deleted pod between steps. */
export async function performStep(step: Step, namespace: string, schedulerName: string, memory: StepMemory, timeoutSeconds = 180): Promise<void> {
  if (step.do === 'cordonNodeOfFirstPod') {
    const target = cordonTarget(await listPods(namespace));
    if (!target) throw new Error(`no scheduled pod in ${namespace} to cordon the node of`);
    Object.assign(memory, target);
    await kubectl(['cordon', target.node]);
    return;
  }
  if (step.do === 'waitPodsRunning') return waitPodsRunning(namespace, step.count, timeoutSeconds * 1000);
  if (step.do === 'waitPodsGone') return waitPodsGone(namespace, timeoutSeconds * 1000);
  const call = kubectlFor(step, namespace, schedulerName, memory, timeoutSeconds)!;
  await kubectl(call.args, call.input !== undefined ? { input: call.input } : {});
}

/** A trace session on the cluster's taps (audit, etcd, kubelet, containerd). */
/**
 * The audit log reaches the tap a little after the requests (the API server batches its writes):
 * give it time before reading the timeline.
 */
export async function settle(ms = 3000): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
