/**
 * The scheduler's informer handlers (upstream's eventhandlers.go): every pod event updates the
 * cache (bound pods hold room on their node, the cache drops the others); a pending pod of our
 * schedulerName goes through PreEnqueue into the queue; a pod that stops being ours leaves it.
 * Node events and bound-pod events move parked pods back when they may fit now, as upstream's
 * queueing hints do. No API calls here: the handlers only touch the cache and the queue.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { Informer } from '../shared/informer.js';
import type { Logger } from '../shared/log.js';
import { isPodTerminal } from '../shared/pods.js';
import type { SchedulerCache } from './cache.js';
import { podKey } from './framework/node-info.js';
import { podName } from './pod-name.js';
import type { Status } from './framework/status.js';
import { affinityMayHelp, INTER_POD_AFFINITY } from './plugins/inter-pod-affinity.js';
import { POD_TOPOLOGY_SPREAD, spreadMayHelp } from './plugins/pod-topology-spread.js';
import type { SchedulingQueue } from './queue.js';

/** Ours to schedule (upstream's responsibleForPod plus its unassigned-pod filter): our schedulerName, no node yet, not finished, not being deleted. */
export function responsibleForPod(pod: V1Pod, schedulerName: string): boolean {
  return (
    (pod.spec?.schedulerName ?? 'default-scheduler') === schedulerName &&
    !pod.spec?.nodeName &&
    !isPodTerminal(pod) &&
    !pod.metadata?.deletionTimestamp
  );
}

/** Plugins a bound pod's arrival (or relabelling) can change the verdict of: upstream registers Pod/Add and Pod/UpdatePodLabel for them. */
const PLUGINS_HELPED_BY_ASSIGNED_PODS = [POD_TOPOLOGY_SPREAD, INTER_POD_AFFINITY] as const;

/** Their queueing hints for a change of a bound pod (`oldPod` undefined: it was added). */
function assignedPodChangeMayHelp(oldPod: V1Pod | undefined, newPod: V1Pod): (target: V1Pod, plugin: string) => boolean {
  return (target, plugin) => (plugin === POD_TOPOLOGY_SPREAD ? spreadMayHelp(target, oldPod, newPod) : affinityMayHelp(target, oldPod, newPod));
}

function labelsChanged(oldPod: V1Pod, newPod: V1Pod): boolean {
  return JSON.stringify(oldPod.metadata?.labels ?? {}) !== JSON.stringify(newPod.metadata?.labels ?? {});
}

/** Does this node change matter to pending pods? (labels, taints, cordon, allocatable) */
export function nodeSchedulingChanged(oldNode: V1Node, newNode: V1Node): boolean {
  const relevant = (n: V1Node) =>
    JSON.stringify([n.metadata?.labels, n.spec?.taints, n.spec?.unschedulable, n.status?.allocatable, n.status?.images?.length]);
  return relevant(oldNode) !== relevant(newNode);
}

export interface EventHandlerDeps {
  schedulerName: string;
  cache: Pick<SchedulerCache, 'addNode' | 'updateNode' | 'removeNode' | 'addPod' | 'updatePod' | 'removePod' | 'updateNominatedPod' | 'deleteNominatedPod'>;
  queue: Pick<SchedulingQueue, 'add' | 'update' | 'addGated' | 'delete' | 'moveAllToActiveOrBackoff' | 'moveRejectedBy'>;
  /** The profile's PreEnqueue plugins (FrameworkRuntime.runPreEnqueue). */
  preEnqueue: (pod: V1Pod) => Promise<Status>;
  log: Logger;
}

/** The part of an informer the handlers register on. */
export type HandlerRegistry<T extends V1Node | V1Pod> = Pick<Informer<T>, 'onAdd' | 'onUpdate' | 'onDelete'>;

export class SchedulerEventHandlers {
  /** Per pod key, the number of the PreEnqueue run whose verdict is awaited (see enqueue). */
  private readonly preEnqueueGeneration = new Map<string, number>();
  private preEnqueueCount = 0;

  constructor(private readonly deps: EventHandlerDeps) {}

  /** Registers the handlers on the node and pod informers (upstream's addAllEventHandlers). */
  addAllEventHandlers(informers: { nodes?: HandlerRegistry<V1Node>; pods?: HandlerRegistry<V1Pod> }): void {
    informers.nodes?.onAdd((node) => this.addNode(node));
    informers.nodes?.onUpdate((oldNode, newNode) => this.updateNode(oldNode, newNode));
    informers.nodes?.onDelete((node) => this.deleteNode(node));
    informers.pods?.onAdd((pod) => this.addPod(pod));
    informers.pods?.onUpdate((oldPod, newPod) => this.updatePod(oldPod, newPod));
    informers.pods?.onDelete((pod) => this.deletePod(pod));
  }

  addNode(node: V1Node): void {
    this.deps.cache.addNode(node);
    this.deps.queue.moveAllToActiveOrBackoff('NodeAdd');
  }

  updateNode(oldNode: V1Node, newNode: V1Node): void {
    this.deps.cache.updateNode(newNode);
    if (nodeSchedulingChanged(oldNode, newNode)) this.deps.queue.moveAllToActiveOrBackoff('NodeUpdate');
  }

  deleteNode(node: V1Node): void {
    this.deps.cache.removeNode(node);
  }

  addPod(pod: V1Pod): void {
    const { cache, queue } = this.deps;
    cache.addPod(pod);
    if (this.responsibleFor(pod)) {
      cache.updateNominatedPod(pod);
      this.enqueue(pod, 'add');
    } else if (pod.spec?.nodeName && !isPodTerminal(pod)) {
      queue.moveRejectedBy('AssignedPodAdd', PLUGINS_HELPED_BY_ASSIGNED_PODS, assignedPodChangeMayHelp(undefined, pod));
    }
  }

  updatePod(oldPod: V1Pod, newPod: V1Pod): void {
    const { cache, queue } = this.deps;
    cache.updatePod(oldPod, newPod);
    if (this.responsibleFor(newPod)) {
      // Neither copy names a node: keep a nomination made here whose patch is not visible yet.
      if (oldPod.status?.nominatedNodeName || newPod.status?.nominatedNodeName) cache.updateNominatedPod(newPod);
      this.enqueue(newPod, 'update');
    } else {
      cache.deleteNominatedPod(newPod);
      this.forgetPending(newPod);
    }
    // A pod that finished gave its resources back: parked pods may fit now.
    if (oldPod.spec?.nodeName && !isPodTerminal(oldPod) && isPodTerminal(newPod)) queue.moveAllToActiveOrBackoff('AssignedPodUpdate');
    // Bound just now, or relabelled while bound: spread counts and affinity matches may change.
    else if (newPod.spec?.nodeName && !isPodTerminal(newPod) && (!oldPod.spec?.nodeName || labelsChanged(oldPod, newPod))) {
      // Bound just now counts as an add (the unbound copy never counted), as upstream's AssignedPodAdd.
      const before = oldPod.spec?.nodeName ? oldPod : undefined;
      queue.moveRejectedBy(before ? 'AssignedPodUpdate' : 'AssignedPodAdd', PLUGINS_HELPED_BY_ASSIGNED_PODS, assignedPodChangeMayHelp(before, newPod));
    }
  }

  deletePod(pod: V1Pod): void {
    this.deps.cache.removePod(pod);
    this.forgetPending(pod);
    if (pod.spec?.nodeName) this.deps.queue.moveAllToActiveOrBackoff('AssignedPodDelete');
  }

  private responsibleFor(pod: V1Pod): boolean {
    return responsibleForPod(pod, this.deps.schedulerName);
  }

  /**
   * Every added or updated pending pod passes the PreEnqueue plugins first (upstream runs them in
   * moveToActiveQ): one that does not (SchedulingGates: spec.schedulingGates not empty) is parked
   * as gated and never tried; the update that removes its gates brings it to the active queue.
   * PreEnqueue is asynchronous, so only the verdict on the newest copy of a pod counts.
   */
  private enqueue(pod: V1Pod, how: 'add' | 'update'): void {
    const key = podKey(pod);
    const generation = ++this.preEnqueueCount;
    this.preEnqueueGeneration.set(key, generation);
    void this.deps.preEnqueue(pod).then((status) => {
      if (this.preEnqueueGeneration.get(key) !== generation) return; // a newer copy (or a delete) came since
      this.preEnqueueGeneration.delete(key);
      if (status.isSuccess()) {
        if (how === 'add') this.deps.queue.add(pod);
        else this.deps.queue.update(pod);
        return;
      }
      this.deps.queue.addGated(pod);
      this.deps.log.info('pod gated by PreEnqueue', { pod: podName(pod), status: status.toString() });
    });
  }

  /** The pod is no longer ours to schedule: out of the queue, and any PreEnqueue verdict still coming is void. */
  private forgetPending(pod: V1Pod): void {
    this.preEnqueueGeneration.delete(podKey(pod));
    this.deps.queue.delete(pod);
  }
}
