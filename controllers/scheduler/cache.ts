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
 *
 * snapshot() is incremental, as upstream's UpdateSnapshot (which copies only the NodeInfos whose
 * generation moved): the cache keeps one NodeInfo per node up to date pod by pod (`live`, never
 * handed out), and a snapshot copies it (NodeInfo.copy: the lists and totals, nothing summed
 * again) only for the nodes whose Node, pods or nominations changed since the last snapshot; the
 * others are handed out again as they are. That is safe because nothing mutates a snapshot's
 * NodeInfo (the runtime and preemption work on clone()s), and a change makes a new copy rather
 * than editing the old. Rebuilding every NodeInfo every cycle was, in a CPU profile of 300 pods
 * onto 10 nodes, the scheduler's largest cost of its own; rebuilding the changed ones from their
 * pods was still two thirds of a cycle there (60 pods a node, two or three nodes changed a cycle).
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
  /** The same pods by node name (then pod key), so a node's NodeInfo is built from its own pods only. */
  private readonly podsByNode = new Map<string, Map<string, PodState>>();
  /** Pending pods nominated to a node by a preemption: pod key → the pod and the node. */
  private readonly nominated = new Map<string, { pod: V1Pod; nodeName: string }>();
  /** Each known node's NodeInfo, kept up to date as pods come and go; snapshots copy it. */
  private readonly live = new Map<string, NodeInfo>();
  /** The NodeInfos of the last snapshot, and the nodes changed since (copied afresh at the next one). */
  private readonly infos = new Map<string, NodeInfo>();
  private readonly dirty = new Set<string>();
  /** The node names in snapshot order; undefined once a node came or went. */
  private sortedNames: string[] | undefined;
  private readonly clock: () => number;
  private readonly ttlMs: number;

  constructor(opts: SchedulerCacheOptions = {}) {
    this.clock = opts.clock ?? Date.now;
    this.ttlMs = opts.assumedTtlMs ?? 30_000;
  }

  addNode(node: V1Node): void {
    const name = node.metadata?.name ?? '';
    if (!this.nodes.has(name)) this.sortedNames = undefined;
    this.nodes.set(name, node);
    // A new Node object may change allocatable and images: summed once from its pods here.
    this.live.set(name, new NodeInfo(node, [...(this.podsByNode.get(name)?.values() ?? [])]));
    this.dirty.add(name);
  }

  updateNode(node: V1Node): void {
    this.addNode(node);
  }

  removeNode(node: V1Node): void {
    const name = node.metadata?.name ?? '';
    this.nodes.delete(name);
    this.live.delete(name);
    this.infos.delete(name);
    this.dirty.delete(name);
    this.sortedNames = undefined;
  }

  /** Every change of the pods goes through here and dropPod, so the by-node index and the dirty set follow. */
  private setPod(key: string, state: PodState): void {
    this.dropPod(key);
    this.pods.set(key, state);
    let onNode = this.podsByNode.get(state.nodeName);
    if (!onNode) this.podsByNode.set(state.nodeName, (onNode = new Map()));
    onNode.set(key, state);
    this.live.get(state.nodeName)?.addPod(state.pod, state.assumed);
    this.dirty.add(state.nodeName);
  }

  private dropPod(key: string): void {
    const state = this.pods.get(key);
    if (!state) return;
    this.pods.delete(key);
    const onNode = this.podsByNode.get(state.nodeName);
    onNode?.delete(key);
    if (onNode?.size === 0) this.podsByNode.delete(state.nodeName);
    this.live.get(state.nodeName)?.removePod(state.pod);
    this.dirty.add(state.nodeName);
  }

  private setNominated(key: string, entry: { pod: V1Pod; nodeName: string } | undefined): void {
    const before = this.nominated.get(key);
    if (before) this.dirty.add(before.nodeName);
    if (entry) {
      this.nominated.set(key, entry);
      this.dirty.add(entry.nodeName);
    } else {
      this.nominated.delete(key);
    }
  }

  /** Informer add/update: a pod with a nodeName counts on that node; an assumed one is confirmed. */
  addPod(pod: V1Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName;
    const terminal = isPodTerminal(pod);
    if (!nodeName || terminal) {
      // Unbound pods take no room; finished pods have given theirs back. Keep an assumption alive.
      const existing = this.pods.get(key);
      if (existing && !existing.assumed) this.dropPod(key);
      if (terminal) this.dropPod(key);
      return;
    }
    this.setPod(key, { pod, nodeName, assumed: false });
  }

  updatePod(_oldPod: V1Pod, newPod: V1Pod): void {
    this.addPod(newPod);
  }

  removePod(pod: V1Pod): void {
    this.dropPod(podKey(pod));
    this.setNominated(podKey(pod), undefined);
  }

  /**
   * Remember (or forget) that a pending pod waits for room on a node, from its
   * status.nominatedNodeName, or from `nodeName` when the scheduler has just nominated it and the
   * informer has not shown the patch yet. Bound, finished or deleting pods are never nominated.
   */
  updateNominatedPod(pod: V1Pod, nodeName = pod.status?.nominatedNodeName): void {
    const key = podKey(pod);
    const terminal = isPodTerminal(pod);
    if (!nodeName || pod.spec?.nodeName || terminal || pod.metadata?.deletionTimestamp) this.setNominated(key, undefined);
    else this.setNominated(key, { pod, nodeName });
  }

  deleteNominatedPod(pod: V1Pod): void {
    this.setNominated(podKey(pod), undefined);
  }

  /** The node a pending pod is nominated to, if any. */
  nominatedNodeOf(pod: V1Pod): string | undefined {
    return this.nominated.get(podKey(pod))?.nodeName;
  }

  /** Count the pod on the node now, before the binding is written. */
  assumePod(pod: V1Pod, nodeName: string): void {
    const key = podKey(pod);
    // Placed now: it no longer needs a nomination (upstream DeleteNominatedPodIfExists).
    this.setNominated(key, undefined);
    const existing = this.pods.get(key);
    if (existing && !existing.assumed) throw new Error(`pod ${key} is already bound to ${existing.nodeName}; cannot assume it`);
    this.setPod(key, { pod: { ...pod, spec: { ...pod.spec!, nodeName } }, nodeName, assumed: true });
  }

  /** The binding call returned: start the expiry clock for the unconfirmed assumption. */
  finishBinding(pod: V1Pod): void {
    const state = this.pods.get(podKey(pod));
    if (state?.assumed) state.deadline = this.clock() + this.ttlMs;
  }

  /** Binding failed: the pod no longer counts on the node. */
  forgetPod(pod: V1Pod): void {
    const key = podKey(pod);
    if (this.pods.get(key)?.assumed) this.dropPod(key);
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
        this.dropPod(key);
        expired.push(key);
      }
    }
    return expired;
  }

  /** NodeInfos for one scheduling cycle: fresh objects, safe for plugins to read while the cache moves on. */
  snapshot(): NodeInfo[] {
    if (this.dirty.size > 0) {
      const nominatedTo = (name: string) => [...this.nominated.values()].filter((n) => n.nodeName === name).map((n) => n.pod);
      const anyNominated = this.nominated.size > 0;
      for (const name of this.dirty) {
        const live = this.live.get(name);
        if (!live) continue; // pods on a node the cache has not seen (or no longer has) take no part
        this.infos.set(name, live.copy(anyNominated ? nominatedTo(name) : []));
      }
      this.dirty.clear();
    }
    this.sortedNames ??= [...this.nodes.keys()].sort((a, b) => a.localeCompare(b));
    return this.sortedNames.map((name) => this.infos.get(name)!);
  }

  nodeInfo(name: string): NodeInfo | undefined {
    if (!this.nodes.has(name)) return undefined;
    this.snapshot();
    return this.infos.get(name);
  }

  counts(): { nodes: number; pods: number; assumed: number } {
    const assumed = [...this.pods.values()].filter((s) => s.assumed).length;
    return { nodes: this.nodes.size, pods: this.pods.size, assumed };
  }
}
