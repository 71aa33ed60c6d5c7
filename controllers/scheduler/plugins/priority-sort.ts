import type { V1Pod } from '@kubernetes/client-node';
import type { QueuedPodInfo, QueueSortPlugin } from '../framework/interfaces.js';

export function podPriority(pod: V1Pod): number {
  return pod.spec?.priority ?? 0;
}

/** QueueSort: higher spec.priority first, then whoever has waited longer. */
export const PrioritySort: QueueSortPlugin = {
  name: 'PrioritySort',
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const pa = podPriority(a.pod);
    const pb = podPriority(b.pod);
    return pa > pb || (pa === pb && a.timestamp < b.timestamp);
  },
};
