/**
 * Pods of a namespace as the lab's kubectl shows them, and waiting on them: one home for everyone
 * who waits for pods to run or to go (compare's steps, the demo, the e2e tests).
 */
import { pollUntil } from '../base/poll.js';
import { kubectlJson } from './kubectl.js';

/** The fields of a pod these helpers read (kubectl's JSON has them all). */
export interface PodLike {
  metadata?: { name?: string; deletionTimestamp?: string };
  spec?: { nodeName?: string };
  status?: { phase?: string };
}

export async function listPods<P extends PodLike = PodLike>(namespace: string): Promise<P[]> {
  return (await kubectlJson<{ items: P[] }>(['get', 'pods', '-n', namespace])).items;
}

/** Pure: how many pods are Running and not terminating. */
export function runningPods(pods: readonly PodLike[]): number {
  return pods.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp).length;
}

/** Poll until `count` pods in the namespace are Running (terminating ones do not count), or time out. */
export async function waitPodsRunning(namespace: string, count: number, timeoutMs: number, onProgress?: (running: number) => void): Promise<void> {
  let running = 0;
  await pollUntil(
    async () => {
      running = runningPods(await listPods(namespace));
      onProgress?.(running);
      return running >= count;
    },
    { timeoutMs, timedOut: () => new Error(`only ${running} of ${count} pods Running in ${namespace} after ${Math.round(timeoutMs / 1000)} s`) },
  );
}

/** Poll until the namespace holds no pod (terminating ones count: they are not gone yet), or time out. */
export async function waitPodsGone(namespace: string, timeoutMs: number): Promise<void> {
  let left = 0;
  await pollUntil(
    async () => {
      left = (await listPods(namespace)).length;
      return left === 0;
    },
    { timeoutMs, timedOut: () => new Error(`${left} pod${left === 1 ? '' : 's'} still in ${namespace} after ${Math.round(timeoutMs / 1000)} s`) },
  );
}
