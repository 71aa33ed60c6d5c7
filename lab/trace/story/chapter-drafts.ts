/**
 * The drafts of one chapter, built from what the request caused: the request and its etcd write;
 * then, per ReplicaSet a controller touched, what was done to it (created, scaled, deleted) and
 * the chain of the pods it gained or lost. A rolling update thus shows the new ReplicaSet scaling
 * up and the old one down, a delete the garbage collector's work, with whichever actors acted.
 */
import type { OwnerIndex } from '../correlate.js';
import { objectKeyOf, type TraceEntry } from '../schema.js';
import type { ChapterScope } from './chapters.js';
import { actorsOf, draft, laneOf, triggersOf, type Draft } from './drafts.js';
import { changeOf, isEtcd, isSpecWrite, replicasWritten } from './evidence.js';
import type { Scenario } from './model.js';
import { creationDrafts, deletionDrafts, type PodSet } from './pod-chain.js';
import { who } from './words.js';

const REPLICASET_CONTROLLERS = new Set(['replicaset-controller', 'kube-controller-manager/replicaset-controller']);

interface ReplicaSetActions {
  name: string;
  key: string;
  created: TraceEntry[];
  scaled: TraceEntry[];
  deleted: TraceEntry[];
  podsCreated: TraceEntry[];
  podsDeleted: TraceEntry[];
}

function requestVerb(request: TraceEntry): string {
  if (request.details.subresource === 'scale') return 'scale';
  if (request.verb === 'patch' || request.verb === 'update') return 'change';
  return request.verb;
}

/** ' to 5 replicas' for a scale request whose body the audit log kept. */
function scaleTarget(request: TraceEntry): string {
  const replicas = requestVerb(request) === 'scale' ? replicasWritten(request) : undefined;
  return replicas === undefined ? '' : ` to ${replicas} replica${replicas === 1 ? '' : 's'}`;
}

/**
 * spec.replicas before and after a scale write: from a watch event of the same resourceVersion
 * where the lab's informers saw it, else from the count the write itself carried (the audit log's
 * body) and the last count written before it. An empty change: the write left the count as it was.
 */
function replicasChange(write: TraceEntry, scope: Pick<ChapterScope, 'tree' | 'earlier'>): { from?: string; to?: string } | undefined {
  const key = objectKeyOf(write.object);
  const seen = scope.tree.find((e) => e.tap === 'informer' && e.resourceVersion !== undefined && e.resourceVersion === write.resourceVersion && objectKeyOf(e.object) === key);
  if (seen) return changeOf(seen, 'spec.replicas') ?? {};
  const to = replicasWritten(write);
  if (to === undefined) return undefined;
  const before = [...scope.earlier, ...scope.tree].filter((e) => objectKeyOf(e.object) === key && e.id !== write.id && (e.tMs < write.tMs || (e.tMs === write.tMs && e.id < write.id)));
  const from = before.map(replicasWritten).filter((n) => n !== undefined).at(-1);
  if (from === to) return {};
  return from === undefined ? { to: String(to) } : { from: String(from), to: String(to) };
}

function replicaSetActions(scope: ChapterScope, owners: OwnerIndex): ReplicaSetActions[] {
  const inWindow = scope.tree.filter((e) => e.tMs < scope.untilMs);
  const byKey = new Map<string, ReplicaSetActions>();
  const slot = (name: string, key: string) => {
    const existing = byKey.get(key);
    if (existing) return existing;
    const fresh: ReplicaSetActions = { name, key, created: [], scaled: [], deleted: [], podsCreated: [], podsDeleted: [] };
    byKey.set(key, fresh);
    return fresh;
  };
  for (const e of inWindow) {
    const key = objectKeyOf(e.object);
    if (e.object.kind === 'ReplicaSet' && !REPLICASET_CONTROLLERS.has(e.actor)) {
      if (isSpecWrite(e, 'ReplicaSet', ['create'])) slot(e.object.name, key).created.push(e);
      else if (isSpecWrite(e, 'ReplicaSet', ['delete'])) slot(e.object.name, key).deleted.push(e);
      else if (isSpecWrite(e, 'ReplicaSet', ['update', 'patch'])) {
        // A write that changed no replica count (labels, annotations) is not a step of the chain.
        const change = replicasChange(e, scope);
        if (!change || change.to !== undefined) slot(e.object.name, key).scaled.push(e);
      }
    } else if (e.object.kind === 'Pod') {
      const ownerKey = owners.ownerOf(key);
      const ownerName = ownerKey ? ownerKey.slice(ownerKey.lastIndexOf('/') + 1) : '';
      if (isSpecWrite(e, 'Pod', ['create'])) slot(ownerName, ownerKey ?? '').podsCreated.push(e);
      else if (isSpecWrite(e, 'Pod', ['delete'])) slot(ownerName, ownerKey ?? '').podsDeleted.push(e);
    }
  }
  return [...byKey.values()];
}

export function scenarioOf(request: TraceEntry, actions: readonly ReplicaSetActions[]): Scenario {
  if (request.verb === 'create') return 'create';
  if (request.verb === 'delete') return 'delete';
  const grew = actions.some((a) => a.podsCreated.length > 0);
  const shrank = actions.some((a) => a.podsDeleted.length > 0);
  if (actions.some((a) => a.created.length > 0) || (grew && shrank)) return 'rolling-update';
  if (grew) return 'scale-up';
  if (shrank) return 'scale-down';
  return 'update';
}

interface Scaling {
  direction?: 'up' | 'down';
  /** '1→3' when a watch event showed the counts. */
  counts?: string;
}

/** Which way a ReplicaSet was scaled: from the watched replica counts, else from what happened to its pods. */
function scalingOf(rs: ReplicaSetActions, scope: ChapterScope): Scaling {
  const changes = rs.scaled.map((e) => replicasChange(e, scope)).filter((c) => c?.to !== undefined);
  const firstFrom = changes[0]?.from;
  // A count written before the trace began: where it went is known, not where it came from.
  if (changes.length > 0 && firstFrom === undefined && rs.created.length === 0) {
    return { ...podDirection(rs), counts: `to ${changes.at(-1)!.to}` };
  }
  if (changes.length > 0) {
    const from = Number(firstFrom ?? 0);
    const to = Number(changes.at(-1)!.to);
    const counts = `${from}→${to}`;
    return to > from ? { direction: 'up', counts } : to < from ? { direction: 'down', counts } : { counts };
  }
  // A ReplicaSet created in this chapter gains pods from its creation: they tell nothing of a later write.
  if (rs.created.length > 0) return {};
  return podDirection(rs);
}

function podDirection(rs: ReplicaSetActions): Scaling {
  if (rs.podsCreated.length > 0 && rs.podsDeleted.length === 0) return { direction: 'up' };
  if (rs.podsDeleted.length > 0 && rs.podsCreated.length === 0) return { direction: 'down' };
  return {};
}

function podSet(requests: TraceEntry[], replicaSet: string): PodSet {
  return replicaSet ? { requests, replicaSet } : { requests };
}

/** Drafts for what was done to one ReplicaSet and its pods. */
function replicaSetDrafts(rs: ReplicaSetActions, scope: ChapterScope, byId: ReadonlyMap<number, TraceEntry>, after: Draft): Draft[] {
  const drafts: Draft[] = [];
  const rsEntries = scope.tree.filter((e) => objectKeyOf(e.object) === rs.key);
  const scaling = scalingOf(rs, scope);
  let last = after;
  if (rs.created.length > 0) {
    const actors = actorsOf(rs.created);
    const created = draft(`${who(actors, 'the Deployment controller')} sees the Deployment and creates ReplicaSet ${rs.name}`, laneOf(actors[0], 'deployment-controller'), 'api-server', rs.created, triggersOf(rs.created, byId), last);
    const stored = draft(`The API server stores ReplicaSet ${rs.name} in etcd`, 'api-server', 'etcd', rsEntries.filter((e) => isEtcd(e, 'PUT', true)), [], created);
    drafts.push(created, stored);
    last = stored;
  }
  // A new ReplicaSet's pods follow its creation (the scale-ups that follow add more of them).
  const podsFollow = last;
  if (rs.scaled.length > 0) {
    const actors = actorsOf(rs.scaled);
    const scaled = draft(`${who(actors, 'the Deployment controller')} scales ReplicaSet ${rs.name} ${scaling.counts ?? scaling.direction ?? ''}`.trimEnd(), laneOf(actors[0], 'deployment-controller'), 'api-server', rs.scaled, triggersOf(rs.scaled, byId), last);
    drafts.push(scaled);
    last = scaled;
  }
  if (rs.deleted.length > 0) {
    const actors = actorsOf(rs.deleted);
    const deleted = draft(`${who(actors, 'the garbage collector')} deletes ReplicaSet ${rs.name}`, laneOf(actors[0], 'kube-controller-manager/generic-garbage-collector'), 'api-server', rs.deleted, triggersOf(rs.deleted, byId), last);
    const gone = draft(`The API server removes ReplicaSet ${rs.name} from etcd`, 'api-server', 'etcd', rsEntries.filter((e) => isEtcd(e, 'DELETE')), [], deleted);
    drafts.push(deleted, gone);
    last = gone;
  }
  // A new ReplicaSet, or one scaled up, must gain pods: if the trace shows none, the chain is shown missing.
  if (rs.podsCreated.length > 0 || (rs.created.length > 0 && scaling.direction !== 'down') || scaling.direction === 'up') {
    drafts.push(...creationDrafts(podSet(rs.podsCreated, rs.name), scope.tree, byId, rs.created.length > 0 ? podsFollow : last));
  }
  if (rs.podsDeleted.length > 0 || scaling.direction === 'down') {
    drafts.push(...deletionDrafts(podSet(rs.podsDeleted, rs.name), scope.tree, byId, last));
  }
  return drafts;
}

/** Every draft of a chapter, in the order of the chain. */
export function chapterDrafts(scope: ChapterScope, owners: OwnerIndex, byId: ReadonlyMap<number, TraceEntry>): { scenario: Scenario; drafts: Draft[] } {
  const { request } = scope;
  const actions = replicaSetActions(scope, owners);
  const scenario = scenarioOf(request, actions);
  const kind = `Deployment ${request.object.name}`;
  const asked = draft(`${who([request.actor], request.actor)} asks the API server to ${requestVerb(request)} ${kind}${scaleTarget(request)}`, laneOf(request.actor, 'kubectl'), 'api-server', [request]);
  const deploymentInEtcd = scope.tree.filter((e) => objectKeyOf(e.object) === scope.deploymentKey && e.tap === 'etcd' && e.tMs < scope.untilMs);
  // The request's own write: the etcd entry with its resourceVersion, else the first one after it.
  const ownWrite = deploymentInEtcd.find((e) => request.resourceVersion !== undefined && e.resourceVersion === request.resourceVersion) ?? deploymentInEtcd[0];
  const stored = draft(request.verb === 'delete' ? `The API server removes ${kind} from etcd` : `The API server stores ${kind} in etcd`, 'api-server', 'etcd', ownWrite ? [ownWrite] : [], [], asked);
  const drafts = [asked, stored];
  for (const rs of actions) drafts.push(...replicaSetDrafts(rs, scope, byId, stored));
  if (scenario === 'create' && !actions.some((a) => a.created.length > 0)) {
    // The Deployment controller never acted: the rest of the chain is shown missing, with no names.
    const created = draft('The Deployment controller sees the Deployment and creates a ReplicaSet', 'deployment-controller', 'api-server', [], [], stored);
    const rsStored = draft('The API server stores the ReplicaSet in etcd', 'api-server', 'etcd', [], [], created);
    drafts.push(created, rsStored, ...creationDrafts({ requests: [] }, [], byId, rsStored));
  }
  return { scenario, drafts };
}
