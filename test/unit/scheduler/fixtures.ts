import type { V1Container, V1Node, V1Pod, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { NodeInfo } from '../../../controllers/scheduler/framework/node-info.js';

let counter = 0;

export function makeContainer(requests?: Record<string, string>, extra: Partial<V1Container> = {}): V1Container {
  return { name: `c${counter++}`, image: 'nginx', resources: requests ? { requests } : {}, ...extra };
}

export function makePod(opts: {
  name?: string;
  namespace?: string;
  requests?: Record<string, string>[];
  nodeName?: string;
  tolerations?: V1Toleration[];
  priority?: number;
  spec?: Partial<V1Pod['spec']>;
} = {}): V1Pod {
  return {
    metadata: { name: opts.name ?? `pod-${counter++}`, namespace: opts.namespace ?? 'default' },
    spec: {
      containers: (opts.requests ?? []).map((r) => makeContainer(r)),
      nodeName: opts.nodeName,
      tolerations: opts.tolerations,
      priority: opts.priority,
      ...(opts.spec ?? {}),
    } as V1Pod['spec'],
  };
}

export function makeNode(name: string, opts: { allocatable?: Record<string, string>; labels?: Record<string, string>; taints?: V1Taint[]; unschedulable?: boolean } = {}): V1Node {
  return {
    metadata: { name, labels: opts.labels },
    spec: { taints: opts.taints, unschedulable: opts.unschedulable },
    status: { allocatable: { pods: '110', ...(opts.allocatable ?? {}) } },
  };
}

export function nodeInfo(node: V1Node, pods: V1Pod[] = []): NodeInfo {
  return new NodeInfo(node, pods.map((pod) => ({ pod, assumed: false })));
}
