// The pod a ReplicaSet creates: its template, named `<rs-name>-<random>` by the apiserver
// (generateName), controlled by the ReplicaSet (upstream controller.GetPodFromTemplate).
import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { newControllerRef } from '../shared/owner-refs.js';

export const REPLICASET_GVK = { apiVersion: 'apps/v1', kind: 'ReplicaSet' } as const;

/** Pod names are DNS subdomains of at most 253 characters; generateName leaves room for 5 random chars. */
const MAX_GENERATE_NAME_PREFIX = 253 - 5;

export function podFromTemplate(rs: V1ReplicaSet): V1Pod {
  const template = rs.spec?.template;
  const labels = { ...(template?.metadata?.labels ?? {}) };
  // Without labels the pod could never match the selector, and the ReplicaSet would create forever.
  if (Object.keys(labels).length === 0) throw new Error('unable to create pods, no labels');
  const name = rs.metadata?.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${name}-`.slice(0, MAX_GENERATE_NAME_PREFIX),
      namespace: rs.metadata?.namespace,
      labels,
      ...(template?.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ...(template?.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
      ownerReferences: [newControllerRef(rs, REPLICASET_GVK)],
    },
    // structuredClone keeps Date objects and never shares nested arrays with the cached template.
    spec: structuredClone(template?.spec) as V1Pod['spec'],
  };
}
