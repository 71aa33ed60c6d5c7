/**
 * NodeInfo: one node as the scheduler sees it in a cycle — the Node object, the pods on it
 * (bound or only assumed), and the totals plugins need without re-walking those pods.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import {
  addInto,
  nodeAllocatable,
  podHostPorts,
  podRequests,
  type HostPort,
  type ResourceAmounts,
} from './resources.js';

export interface PodOnNode {
  readonly pod: V1Pod;
  /** True while the scheduler has decided on this node but the informer has not yet seen the binding. */
  readonly assumed: boolean;
}

export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
}

/** Normalise an image reference so "nginx", "nginx:latest" and "docker.io/library/nginx:latest" compare equal. */
export function normalizeImageName(image: string): string {
  let name = image;
  const lastSlash = name.lastIndexOf('/');
  const hasTagOrDigest = name.includes('@') || name.slice(lastSlash + 1).includes(':');
  if (!hasTagOrDigest) name += ':latest';
  const firstPart = name.split('/')[0] ?? '';
  const hasRegistry = name.includes('/') && (firstPart.includes('.') || firstPart.includes(':') || firstPart === 'localhost');
  if (!hasRegistry) name = name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
  return name;
}

/** A pod with pod affinity or anti-affinity terms of any kind (upstream's NodeInfo.PodsWithAffinity). */
export function hasPodAffinity(pod: V1Pod): boolean {
  const affinity = pod.spec?.affinity;
  return affinity?.podAffinity !== undefined || affinity?.podAntiAffinity !== undefined;
}

/** A pod with required anti-affinity terms (upstream's NodeInfo.PodsWithRequiredAntiAffinity). */
export function hasRequiredAntiAffinity(pod: V1Pod): boolean {
  return (pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).length > 0;
}

export class NodeInfo {
  readonly node: V1Node;
  readonly pods: PodOnNode[] = [];
  /** Sum of the pods' effective requests (what the Fit filter compares with allocatable). */
  readonly requested: ResourceAmounts = {};
  /** Same, but with 100m/200Mi standing in for missing cpu/memory requests (used by scorers). */
  readonly nonZeroRequested: ResourceAmounts = {};
  readonly allocatable: ResourceAmounts;
  readonly usedPorts: HostPort[] = [];
  /**
   * The pods with pod (anti-)affinity terms, and those with required anti-affinity: kept as pods
   * come and go, as upstream's NodeInfo keeps them, so InterPodAffinity walks only these each
   * cycle rather than every pod on every node.
   */
  readonly podsWithAffinity: V1Pod[] = [];
  readonly podsWithRequiredAntiAffinity: V1Pod[] = [];
  /** Images present on the node (normalised name → size in bytes), from node.status.images. */
  readonly imageSizes: ReadonlyMap<string, number>;
  /**
   * Pending pods nominated to this node by an earlier preemption (status.nominatedNodeName): not
   * on the node yet, but the runtime counts those of equal or higher priority when filtering
   * other pods here, so the room preemption freed is kept for them (upstream's PodNominator).
   */
  readonly nominatedPods: readonly V1Pod[];

  /** `sameNode`: a NodeInfo of this very Node object, whose allocatable and images are taken as they are (copy()). */
  constructor(node: V1Node, pods: Iterable<PodOnNode> = [], nominatedPods: readonly V1Pod[] = [], sameNode?: NodeInfo) {
    this.node = node;
    this.nominatedPods = nominatedPods;
    if (sameNode) {
      this.allocatable = sameNode.allocatable;
      this.imageSizes = sameNode.imageSizes;
    } else {
      this.allocatable = nodeAllocatable(node);
      const images = new Map<string, number>();
      for (const image of node.status?.images ?? []) {
        for (const name of image.names ?? []) images.set(normalizeImageName(name), image.sizeBytes ?? 0);
      }
      this.imageSizes = images;
    }
    for (const p of pods) this.addPod(p.pod, p.assumed);
  }

  get name(): string {
    return this.node.metadata?.name ?? '';
  }

  addPod(pod: V1Pod, assumed = false): void {
    this.pods.push({ pod, assumed });
    addInto(this.requested, podRequests(pod));
    addInto(this.nonZeroRequested, podRequests(pod, { nonZero: true }));
    this.usedPorts.push(...podHostPorts(pod));
    if (hasPodAffinity(pod)) this.podsWithAffinity.push(pod);
    if (hasRequiredAntiAffinity(pod)) this.podsWithRequiredAntiAffinity.push(pod);
  }

  /** Remove a pod by namespace/name (the very object first, which needs no key built per pod); returns false if it was not here. */
  removePod(pod: V1Pod): boolean {
    const key = podKey(pod);
    let index = this.pods.findIndex((p) => p.pod === pod);
    if (index < 0) index = this.pods.findIndex((p) => podKey(p.pod) === key);
    if (index < 0) return false;
    const [removed] = this.pods.splice(index, 1);
    addInto(this.requested, podRequests(removed!.pod), -1);
    addInto(this.nonZeroRequested, podRequests(removed!.pod, { nonZero: true }), -1);
    for (const port of podHostPorts(removed!.pod)) {
      const i = this.usedPorts.findIndex((u) => u.hostIP === port.hostIP && u.protocol === port.protocol && u.port === port.port);
      if (i >= 0) this.usedPorts.splice(i, 1);
    }
    for (const list of [this.podsWithAffinity, this.podsWithRequiredAntiAffinity]) {
      const at = list.findIndex((p) => podKey(p) === key);
      if (at >= 0) list.splice(at, 1);
    }
    return true;
  }

  /** An independent copy (what-if analysis such as preemption mutates copies, never the snapshot). */
  clone(): NodeInfo {
    return this.copy(this.nominatedPods);
  }

  /**
   * A copy with its own pod list and totals, sharing the pod and Node objects (never mutated),
   * and nothing recomputed, as upstream's NodeInfo.Clone copies its Requested rather than summing
   * its pods again: the scheduler cache keeps one NodeInfo per node up to date pod by pod and
   * hands out copies of it, so a snapshot costs a copy of each changed node, not a walk of its pods.
   */
  copy(nominatedPods: readonly V1Pod[]): NodeInfo {
    const copy = new NodeInfo(this.node, [], nominatedPods, this);
    copy.pods.push(...this.pods);
    Object.assign(copy.requested, this.requested);
    Object.assign(copy.nonZeroRequested, this.nonZeroRequested);
    copy.usedPorts.push(...this.usedPorts);
    copy.podsWithAffinity.push(...this.podsWithAffinity);
    copy.podsWithRequiredAntiAffinity.push(...this.podsWithRequiredAntiAffinity);
    return copy;
  }
}
