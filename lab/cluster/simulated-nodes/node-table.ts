/**
 * Pure: the cluster's nodes as `lab nodes list` shows them — real (a kind node container with a
 * kubelet) or simulated (kwok's) — with zone, allocatable resources, taints and pods.
 */
import { isSimulatedNodeName, SIMULATED_LABEL, ZONE_LABEL } from './options.js';

export interface NodeObject {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: { taints?: Array<{ key: string; value?: string; effect: string }>; unschedulable?: boolean };
  status?: {
    conditions?: Array<{ type: string; status: string }>;
    allocatable?: Record<string, string>;
  };
}

export interface PodObject {
  metadata: { name: string; namespace?: string };
  spec?: { nodeName?: string };
  status?: { phase?: string };
}

export interface NodeRow {
  name: string;
  kind: 'real' | 'simulated';
  ready: boolean;
  zone?: string;
  cpu?: string;
  memory?: string;
  maxPods?: string;
  /** Pods bound to it that have not finished. */
  pods: number;
  taints: string[];
}

/** A simulated node: the lab's name and label both (a node someone else labelled type=kwok is not the lab's). */
export function isSimulatedNode(node: NodeObject): boolean {
  return isSimulatedNodeName(node.metadata.name) && node.metadata.labels?.[SIMULATED_LABEL.key] === SIMULATED_LABEL.value;
}

export function taintText(t: { key: string; value?: string; effect: string }): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

export function nodeRows(nodes: readonly NodeObject[], pods: readonly PodObject[]): NodeRow[] {
  const podsOn = new Map<string, number>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (!node || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    podsOn.set(node, (podsOn.get(node) ?? 0) + 1);
  }
  return nodes
    .map((n): NodeRow => {
      const zone = n.metadata.labels?.[ZONE_LABEL];
      const allocatable = n.status?.allocatable ?? {};
      return {
        name: n.metadata.name,
        kind: isSimulatedNode(n) ? 'simulated' : 'real',
        ready: n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
        ...(zone ? { zone } : {}),
        ...(allocatable.cpu ? { cpu: allocatable.cpu } : {}),
        ...(allocatable.memory ? { memory: allocatable.memory } : {}),
        ...(allocatable.pods ? { maxPods: allocatable.pods } : {}),
        pods: podsOn.get(n.metadata.name) ?? 0,
        taints: (n.spec?.taints ?? []).map(taintText),
      };
    })
    .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'real' ? -1 : 1));
}

/** How many nodes in each zone ('(none)' for nodes without one). */
export function zoneCounts(rows: readonly NodeRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.zone ?? '(none)'] = (counts[row.zone ?? '(none)'] ?? 0) + 1;
  return counts;
}
