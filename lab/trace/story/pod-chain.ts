/**
 * The steps a set of pods goes through, as drafts: created → stored → bound → sandbox → containers
 * started → Running → Ready; or deleted → marked terminating in etcd → containers stopped → deleted
 * for good by the kubelet → gone from etcd.
 */
import { isSimulatedNodeName } from '../../cluster/simulated-nodes/options.js';
import { namePattern } from '../export/mermaid.js';
import { nodeOfActor, objectKeyOf, type TraceEntry } from '../schema.js';
import { about, actorsOf, draft, laneOf, triggersOf, type Draft } from './drafts.js';
import {
  isContainerdStep, isContainerStop, isEtcd, isKillingEvent, isKubeletPodDelete, isKubeletStartEvent, isKubeletStatus, isPodBinding,
} from './evidence.js';
import { countedList, plural, who } from './words.js';

export interface PodSet {
  /** The requests that created (or deleted) the pods; may be empty when the trace missed them. */
  requests: TraceEntry[];
  /** The ReplicaSet they belong to, or undefined when unknown. */
  replicaSet?: string;
}

function podNames(requests: readonly TraceEntry[]): string[] {
  return [...new Set(requests.map((e) => e.object.name))];
}

function nodesOf(entries: readonly TraceEntry[]): string {
  return countedList([...new Map(entries.map((e) => [objectKeyOf(e.object), nodeOfActor(e.actor) ?? '?'])).values()]);
}

function setLabel(set: PodSet): string {
  const names = podNames(set.requests);
  if (names.length === 0) return set.replicaSet ? `the pods of ReplicaSet ${set.replicaSet}` : 'the pods';
  return `${plural(names.length, 'pod')} ${namePattern(names)}`;
}

/** What a step that no simulated node can show says instead of "missing". */
export const SIMULATED_BY_DESIGN = 'simulated node: no kubelet or containerd entries, by design';

/** Drafts for pods being created, their evidence searched in `tree` (entries after the request). */
export function creationDrafts(set: PodSet, tree: readonly TraceEntry[], byId: ReadonlyMap<number, TraceEntry>, after: Draft): Draft[] {
  const keys = new Set(set.requests.map((e) => objectKeyOf(e.object)));
  const pick = (test: (e: TraceEntry) => boolean) => about(tree, keys, test);
  const creators = actorsOf(set.requests);
  const owner = set.replicaSet ? `ReplicaSet ${set.replicaSet}` : 'the ReplicaSet';
  const label = setLabel(set);

  const created = draft(`${who(creators, 'the ReplicaSet controller')} sees ${owner} want more pods and creates ${label}`, laneOf(creators[0], 'replicaset-controller'), 'api-server', [...set.requests], triggersOf(set.requests, byId), after);
  const stored = draft(`The API server stores the new pods in etcd`, 'api-server', 'etcd', pick((e) => isEtcd(e, 'PUT', true)), [], created);
  const bindings = pick(isPodBinding);
  const binders = actorsOf(bindings);
  // A lab binding is seen twice (its client's write and the audit line): count the nodes once.
  const oneRecordEach = bindings.some((b) => b.tap === 'write') ? bindings.filter((b) => b.tap === 'write') : bindings;
  const boundTo = countedList(oneRecordEach.flatMap((e) => (typeof e.details.node === 'string' ? [e.details.node] : [])));
  const bound = draft(`${who(binders, 'the scheduler')} picks a node for each pod and binds it${boundTo ? ` (${boundTo})` : ''}`, laneOf(binders[0], 'scheduler'), 'api-server', bindings, triggersOf(bindings, byId), stored);
  // Pods bound only to simulated nodes (kwok's) have no sandbox or containers, and kwok, not a kubelet, reports them.
  const boundNodes = oneRecordEach.map((e) => e.details.node);
  const simulated = boundNodes.length > 0 && boundNodes.every((n) => typeof n === 'string' && isSimulatedNodeName(n));
  const reporter = simulated ? 'kwok (for the simulated nodes)' : 'The kubelet';
  const sandboxes = pick((e) => isContainerdStep(e, 'sandbox'));
  const sandbox = draft(`The kubelet on each pod's node has containerd start the pod's sandbox${sandboxes.length ? ` (${nodesOf(sandboxes)})` : ''}`, 'kubelet', 'containerd', sandboxes, [], bound);
  const containerSteps = pick((e) => isContainerdStep(e, 'container'));
  const startEvents = pick(isKubeletStartEvent);
  // Without the containerd tap, the kubelet's own Started events still show the step.
  const started = containerSteps.length > 0
    ? draft('containerd creates and starts the containers', 'kubelet', 'containerd', containerSteps, startEvents, sandbox)
    : draft('The kubelet has the containers started', 'kubelet', 'containerd', startEvents, [], sandbox);
  if (simulated) for (const d of [sandbox, started]) d.byDesign = SIMULATED_BY_DESIGN;
  const running = draft(`${reporter} reports the pods Running`, 'kubelet', 'api-server', pick((e) => isKubeletStatus(e, 'status.phase', 'Running')), [], started);
  const ready = draft(`${reporter} reports the pods Ready`, 'kubelet', 'api-server', pick((e) => isKubeletStatus(e, 'condition.Ready', 'True')), [], running);
  return [created, stored, bound, sandbox, started, running, ready];
}

/** Drafts for pods being deleted (by the ReplicaSet controller, or the garbage collector). */
export function deletionDrafts(set: PodSet, tree: readonly TraceEntry[], byId: ReadonlyMap<number, TraceEntry>, after: Draft): Draft[] {
  const keys = new Set(set.requests.map((e) => objectKeyOf(e.object)));
  const pick = (test: (e: TraceEntry) => boolean) => about(tree, keys, test);
  const deleters = actorsOf(set.requests);
  const deleted = draft(`${who(deleters, 'the ReplicaSet controller')} deletes ${setLabel(set)}`, laneOf(deleters[0], 'replicaset-controller'), 'api-server', [...set.requests], triggersOf(set.requests, byId), after);
  // A pod on a node is not removed at once: the delete stores it with a deletionTimestamp (the same
  // resourceVersion the request answered with), and its kubelet gets the grace period to stop it.
  const versions = new Set(set.requests.flatMap((e) => (e.resourceVersion === undefined ? [] : [e.resourceVersion])));
  const requestIds = new Set(set.requests.map((e) => e.id));
  const marks = pick((e) => isEtcd(e, 'PUT', false) && ((e.resourceVersion !== undefined && versions.has(e.resourceVersion)) || (e.causeId !== undefined && requestIds.has(e.causeId))));
  const marked = draft('The API server marks the pods terminating in etcd (deletionTimestamp)', 'api-server', 'etcd', marks, [], deleted);
  const exits = pick(isContainerStop);
  const stopped = draft(`The kubelet has containerd stop their containers${exits.length ? ` (${nodesOf(exits)})` : ''}`, 'kubelet', 'containerd', exits, pick(isKillingEvent), marked);
  // Then the kubelet deletes each pod for good (grace period 0): only that removes it from etcd.
  const released = draft('The kubelet, their containers stopped, deletes the pods for good', 'kubelet', 'api-server', pick(isKubeletPodDelete), [], stopped);
  const gone = draft('The API server removes the pods from etcd', 'api-server', 'etcd', pick((e) => isEtcd(e, 'DELETE')), [], released);
  return [deleted, marked, stopped, released, gone];
}
