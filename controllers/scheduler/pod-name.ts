import type { V1Pod } from '@kubernetes/client-node';

/** "namespace/name" as the scheduler's log lines, events and decisions show a pod. */
export function podName(pod: V1Pod): string {
  return `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}
