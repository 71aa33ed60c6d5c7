/**
 * The scheduler's view of the cluster: nodes and the pods on them, from informers, plus pods the
 * scheduler has *assumed* onto a node but whose binding the informer has not shown yet. Counting
 * assumed pods at once is what stops two quick decisions from overfilling one node.
 *
 * Life of an assumed pod: assume() → finishBinding() (the POST returned; the TTL starts) →
 * confirmed when the informer delivers the pod with spec.nodeName set, or forget() if the bind
 * failed, or dropped by cleanupExpired() if the informer never confirms it within the TTL.
 *
 * It also keeps the pending pods a preemption nominated to a node (status.nominatedNodeName), which
 * snapshot() hands to that node's NodeInfo so other pods do not take the room freed for them.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { isPodTerminal } from '../shared/pods.js';
import { NodeInfo, podKey } from './framework/node-info.js';

interface PodState {
  pod: V1Pod;
  nodeName: string;
  assumed: boolean;
  /** Set once binding finished: the assumed pod expires at this time if still unconfirmed. */
  deadline?: number;
}

export interface SchedulerCacheOptions {
  clock?: () => number;
  /** How long an assumed pod may stay unconfirmed after its bind returned (default 30 s). */
  assumedTtlMs?: number;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, V1Node>();
  private readonly pods = new Map<string, PodState>();
  /** Pending pods nominated to a node by a preemption: pod key → the pod and the node. */
  private readonly nominated = new Map<string, { pod: V1Pod; nodeName: string }>();
  private readonly clock: () => number;
  private readonly ttlMs: number;

  constructor(opts: SchedulerCacheOptions = {}) {
    this.clock = opts.clock ?? Date.now;
    this.ttlMs = opts.assumedTtlMs ?? 30_000;
  }

  addNode(node: V1Node): void {
    this.nodes.set(node.metadata?.name ?? '', node);
  }

  updateNode(node: V1Node): void {
    this.addNode(node);
  }

  removeNode(node: V1Node): void {
    this.nodes.delete(node.metadata?.name ?? '');
  }

  /** Informer add/update: a pod with a nodeName counts on that node; an assumed one is confirmed. */
  addPod(pod: V1Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName;
    const terminal = isPodTerminal(pod);
    if (!nodeName || terminal) {
      // Unbound pods take no room; finished pods have given theirs back. Keep an assumption alive.
      const existing = this.pods.get(key);
      if (existing && !existing.assumed) this.pods.delete(key);
      if (terminal) this.pods.delete(key);
      return;
    }
    this.pods.set(key, { pod, nodeName, assumed: false });
  }

  updatePod(_oldPod: V1Pod, newPod: V1Pod): void {
    this.addPod(newPod);
  }

  removePod(pod: V1Pod): void {
    this.pods.delete(podKey(pod));
    this.nominated.delete(podKey(pod));
  }

  /**
   * Remember (or forget) that a pending pod waits for room on a node, from its
   * status.nominatedNodeName, or from `nodeName` when the scheduler has just nominated it and the
   * informer has not shown the patch yet. Bound, finished or deleting pods are never nominated.
   */
  updateNominatedPod(pod: V1Pod, nodeName = pod.status?.nominatedNodeName): void {
    const key = podKey(pod);
    const terminal = isPodTerminal(pod);
    if (!nodeName || pod.spec?.nodeName || terminal || pod.metadata?.deletionTimestamp) this.nominated.delete(key);
    else this.nominated.set(key, { pod, nodeName });
  }

  deleteNominatedPod(pod: V1Pod): void {
    this.nominated.delete(podKey(pod));
  }

  /** The node a pending pod is nominated to, if any. */
  nominatedNodeOf(pod: V1Pod): string | undefined {
    return this.nominated.get(podKey(pod))?.nodeName;
  }

  /** Count the pod on the node now, before the binding is written. */
  assumePod(pod: V1Pod, nodeName: string): void {
    const key = podKey(pod);
    // Placed now: it no longer needs a nomination (upstream DeleteNominatedPodIfExists).
    this.nominated.delete(key);
    const existing = this.pods.get(key);
    if (existing && !existing.assumed) throw new Error(`pod ${key} is already bound to ${existing.nodeName}; cannot assume it`);
    this.pods.set(key, { pod: { ...pod, spec: { ...pod.spec!, nodeName } }, nodeName, assumed: true });
  }

  /** The binding call returned: start the expiry clock for the unconfirmed assumption. */
  finishBinding(pod: V1Pod): void {
    const state = this.pods.get(podKey(pod));
    if (state?.assumed) state.deadline = this.clock() + this.ttlMs;
  }

  /** Binding failed: the pod no longer counts on the node. */
  forgetPod(pod: V1Pod): void {
    const key = podKey(pod);
    if (this.pods.get(key)?.assumed) this.pods.delete(key);
  }

  isAssumed(pod: V1Pod): boolean {
    return this.pods.get(podKey(pod))?.assumed ?? false;
  }

  /** Drop assumed pods whose binding finished more than the TTL ago without confirmation. Returns their keys. */
  cleanupExpired(): string[] {
    const now = this.clock();
    const expired: string[] = [];
    for (const [key, state] of this.pods) {
      if (state.assumed && state.deadline !== undefined && now >= state.deadline) {
        this.pods.delete(key);
        expired.push(key);
      }
    }
    return expired;
  }

  /** NodeInfos for one scheduling cycle: fresh objects, safe for plugins to read while the cache moves on. */
  snapshot(): NodeInfo[] {
    const byNode = new Map<string, PodState[]>();
    for (const state of this.pods.values()) {
      const list = byNode.get(state.nodeName) ?? [];
      list.push(state);
      byNode.set(state.nodeName, list);
    }
    const nominatedByNode = new Map<string, V1Pod[]>();
    for (const { pod, nodeName } of this.nominated.values()) nominatedByNode.set(nodeName, [...(nominatedByNode.get(nodeName) ?? []), pod]);
    return [...this.nodes.values()]
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
      .map((node) => {
        const name = node.metadata?.name ?? '';
        return new NodeInfo(node, (byNode.get(name) ?? []).map((s) => ({ pod: s.pod, assumed: s.assumed })), nominatedByNode.get(name));
      });
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.snapshot().find((n) => n.name === name);
  }

  counts(): { nodes: number; pods: number; assumed: number } {
    const assumed = [...this.pods.values()].filter((s) => s.assumed).length;
    return { nodes: this.nodes.size, pods: this.pods.size, assumed };
  }
}
