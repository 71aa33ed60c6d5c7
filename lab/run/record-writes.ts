/**
 * With `lab run --trace`, every API write a component makes becomes a trace entry (verb, object,
 * resourceVersion, latency). The controllers take their clients from us, so we hand them clients
 * wrapped in a Proxy that times each write method and reports it; reads pass through untouched.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { WriteRecorder } from '../trace/taps/write.js';

const WRITE_VERBS: Record<string, string> = { create: 'create', replace: 'update', patch: 'patch', delete: 'delete' };

/** Events are traced from the cluster side (kubelet tap); recording their writes would only add noise. */
const IGNORED = /Event$/;

export interface DescribedWrite {
  verb: string;
  object: KubernetesObject & Record<string, unknown>;
  resourceVersion?: string;
}

/**
 * Pure: what a client method call wrote, e.g. replaceNamespacedReplicaSetStatus → update of the
 * ReplicaSet returned; deleteNamespacedPod → delete of the pod named in the parameters.
 * Undefined for reads and for Event writes.
 */
export function describeWrite(method: string, params: unknown, result: unknown): DescribedWrite | undefined {
  const match = /^(create|replace|patch|delete)(?:Namespaced)?([A-Z]\w*)$/.exec(method);
  if (!match || IGNORED.test(match[2]!)) return undefined;
  const verb = WRITE_VERBS[match[1]!]!;
  const kind = match[2]!.replace(/Status$/, '').replace(/ServiceAccountToken$/, 'ServiceAccount');
  const returned = result as (KubernetesObject & Record<string, unknown>) | undefined;
  const p = (params ?? {}) as { name?: string; namespace?: string; body?: KubernetesObject };
  // A delete may return a Status rather than the object; the binding subresource returns the Binding.
  const isObject = returned?.metadata?.name && returned.kind !== 'Status';
  const object: KubernetesObject & Record<string, unknown> = isObject
    ? { ...returned, kind: returned.kind ?? kind }
    : { kind: p.body?.kind ?? kind, ...(p.body ?? {}), metadata: { name: p.name ?? p.body?.metadata?.name, namespace: p.namespace ?? p.body?.metadata?.namespace } };
  const resourceVersion = isObject ? returned.metadata?.resourceVersion : undefined;
  return { verb, object, ...(resourceVersion ? { resourceVersion } : {}) };
}

/** A view of `api` whose write methods report to `record` after they succeed. */
export function recordingClient<T extends object>(api: T, record: WriteRecorder, now: () => number = () => performance.now()): T {
  return new Proxy(api, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== 'string' || typeof value !== 'function' || !/^(create|replace|patch|delete)/.test(property)) return value;
      return async (...args: unknown[]) => {
        const started = now();
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        const write = describeWrite(property, args[0], result);
        if (write) record(write.verb, write.object, write.resourceVersion, now() - started);
        return result;
      };
    },
  });
}
