/**
 * The objects the bench creates, and the arithmetic on what it observed. Pods nobody should
 * schedule say `schedulerName: nobody` (no scheduler serves that name, so they stay Pending and
 * cost the nodes nothing); tiny requests keep them cheap for the scheduler runs.
 */
import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { workloadContainer } from '../cluster/workload-image.js';

export const UNSCHEDULED = 'nobody';
const tinyContainer = workloadContainer({ resources: { requests: { cpu: '1m', memory: '1Mi' } } });

export function benchPod(namespace: string, name: string, schedulerName: string, labels: Record<string, string> = { bench: 'pod' }): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { schedulerName, terminationGracePeriodSeconds: 0, containers: [{ ...tinyContainer }] },
  };
}

/** A ReplicaSet of `replicas` pods that no scheduler serves: measures the controller's create rate only. */
export function benchReplicaSet(namespace: string, name: string, replicas: number): V1ReplicaSet {
  const labels = { bench: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { schedulerName: UNSCHEDULED, terminationGracePeriodSeconds: 0, containers: [{ ...tinyContainer }] } },
    },
  };
}

/** `${prefix}-0001`...: sortable names for n objects. */
export function numberedNames(prefix: string, n: number): string[] {
  const width = String(n).length;
  return Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(width, '0')}`);
}

/**
 * Pods bound per second: how many were bound, over the span from the first pod's creation to the
 * last binding. Undefined when nothing was bound or the span is empty.
 */
export function bindRate(createdAtMs: readonly number[], boundAtMs: readonly number[]): number | undefined {
  if (boundAtMs.length === 0 || createdAtMs.length === 0) return undefined;
  const span = Math.max(...boundAtMs) - Math.min(...createdAtMs);
  return span > 0 ? boundAtMs.length / (span / 1000) : undefined;
}

/** Entries per second over a span; never divides by zero. */
export function perSecond(count: number, spanMs: number): number | undefined {
  return spanMs > 0 ? count / (spanMs / 1000) : undefined;
}

/** Run `work` over `items`, at most `concurrency` at a time, in order of start. */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

export function parseRuns(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new RangeError(`--runs must be a whole number from 1 to 50, not "${value}"`);
  return n;
}
