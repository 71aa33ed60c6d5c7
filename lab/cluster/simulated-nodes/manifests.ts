/**
 * Pure: the Node objects `lab nodes add --simulated` creates. A simulated node is an ordinary Node
 * object with no machine behind it: kwok (told to manage nodes annotated kwok.x-k8s.io/node=fake)
 * keeps its Lease and status fresh and plays the kubelet's part for the pods bound to it.
 */
import {
  HOSTNAME_LABEL, KWOK_ANNOTATION, SIMULATED_LABEL, simulatedNodeIndex, simulatedNodeName, ZONE_LABEL, type SimulatedNodeSpec, type Taint,
} from './options.js';

export interface NodeManifest {
  apiVersion: 'v1';
  kind: 'Node';
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: { taints?: Taint[] };
  status: {
    capacity: Record<'cpu' | 'memory' | 'pods', string>;
    allocatable: Record<'cpu' | 'memory' | 'pods', string>;
    nodeInfo: Record<string, string>;
  };
}

/**
 * The indexes the next `count` nodes get: after the highest one in use, so that names are never
 * reused while an older node of the same name may still be being deleted.
 */
export function nextIndexes(existingNames: readonly string[], count: number): number[] {
  const used = existingNames.map(simulatedNodeIndex).filter((i): i is number => i !== undefined);
  const start = used.length ? Math.max(...used) + 1 : 1;
  return Array.from({ length: count }, (_, i) => start + i);
}

/** Round-robin by the node's number, so that nodes added in several batches stay spread evenly. */
export function zoneOf(index: number, zones: readonly string[]): string | undefined {
  return zones.length ? zones[(index - 1) % zones.length] : undefined;
}

export function nodeManifest(index: number, spec: Omit<SimulatedNodeSpec, 'count'>, kwokVersion: string): NodeManifest {
  const name = simulatedNodeName(index);
  const zone = zoneOf(index, spec.zones);
  const resources = { cpu: spec.cpu, memory: spec.memory, pods: spec.pods };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        ...spec.labels,
        [SIMULATED_LABEL.key]: SIMULATED_LABEL.value,
        [HOSTNAME_LABEL]: name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...(zone ? { [ZONE_LABEL]: zone } : {}),
      },
      annotations: { [KWOK_ANNOTATION.key]: KWOK_ANNOTATION.value },
    },
    spec: spec.taints.length ? { taints: spec.taints.map((t) => ({ ...t })) } : {},
    // A Node's status is kept as given when it is created (the kubelet registers its node the same way).
    status: {
      capacity: { ...resources },
      allocatable: { ...resources },
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: `kwok-${kwokVersion}`,
        kubeProxyVersion: `kwok-${kwokVersion}`,
        containerRuntimeVersion: `kwok-${kwokVersion}`,
        kernelVersion: `kwok-${kwokVersion}`,
        osImage: 'simulated by kwok (no kubelet, no containers)',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    },
  };
}

/** The manifests of the next `spec.count` simulated nodes, given the names of those that exist. */
export function nodeManifests(spec: SimulatedNodeSpec, existingNames: readonly string[], kwokVersion: string): NodeManifest[] {
  return nextIndexes(existingNames, spec.count).map((i) => nodeManifest(i, spec, kwokVersion));
}

/** Which simulated nodes `remove --simulated N` takes: the N highest-numbered (the newest). */
export function nodesToRemove(existingNames: readonly string[], count: number | 'all'): string[] {
  const simulated = existingNames
    .map((name) => ({ name, index: simulatedNodeIndex(name) }))
    .filter((n): n is { name: string; index: number } => n.index !== undefined)
    .sort((a, b) => b.index - a.index)
    .map((n) => n.name);
  return count === 'all' ? simulated : simulated.slice(0, count);
}

/** `items` cut into consecutive groups of at most `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + Math.max(1, size)));
  return out;
}
