// How the scheduler writes a pod's status (upstream's util.PatchPodStatus): a strategic merge patch
// of the status subresource, tried again when the API server answers 500 or 503 or refuses the
// connection (util.Retriable), with client-go's DefaultBackoff. Any other error is the caller's.
import { PatchStrategy, setHeaderOptions, type CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { DEFAULT_BACKOFF, isRetriableForScheduler, retryOnError, type Backoff } from '../shared/retry.js';

export type PodStatusClient = Pick<CoreV1Api, 'patchNamespacedPodStatus'>;

export function patchPodStatus(core: PodStatusClient, pod: V1Pod, status: Record<string, unknown>, backoff: Backoff = DEFAULT_BACKOFF, sleep?: (ms: number) => Promise<void>): Promise<unknown> {
  const request = { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? 'default', body: { status } };
  return retryOnError(
    () => core.patchNamespacedPodStatus(request, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch)),
    isRetriableForScheduler,
    backoff,
    sleep,
  );
}
