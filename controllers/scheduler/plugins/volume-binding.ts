/**
 * VolumeBinding (upstream framework/plugins/volumebinding/volume_binding.go): a pod's
 * PersistentVolumeClaims must be bound, or bindable on the node. For a WaitForFirstConsumer
 * claim the scheduler picks the volume: Filter finds a matching Available PV on each node (or
 * checks that the class can provision there), Reserve assumes the choice, and PreBind writes it:
 * a PV's claimRef for a static match, the claim's volume.kubernetes.io/selected-node annotation
 * for provisioning. The PV controller in kube-controller-manager completes the binding; PreBind
 * waits (up to bindTimeoutSeconds) until every claim is Bound, so the pod starts with its volumes.
 *
 * The decisions are in volume-binding-plan.ts; this file holds the cycle state, the assume cache
 * and the API writes (through the listers' VolumeClient, upstream's Handle.ClientSet()).
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { CycleState, StateData } from '../framework/cycle-state.js';
import { StateKey } from '../framework/cycle-state.js';
import type { PreBindPlugin, PreFilterPlugin, FilterPlugin, PreScorePlugin, ReservePlugin, ScorePlugin } from '../framework/interfaces.js';
import { listersOf, type ClusterListers } from '../framework/listers.js';
import { errorStatus, skip, success, unresolvable, type Status } from '../framework/status.js';
import { claimKey, VolumeAssumeCache } from './volume-assume-cache.js';
import {
  checkBindings,
  checkPodClaimsExist,
  claimWithSelectedNode,
  classifyPodClaims,
  ERR_UNBOUND_IMMEDIATE,
  findPodVolumes,
  isPlanFailure,
  volumeBoundTo,
  type PlanFailure,
  type PodVolumeClaims,
  type PodVolumes,
  type VolumeView,
} from './volume-binding-plan.js';
import { claimFullyBound, podClaims } from './volume-claims.js';

export const VOLUME_BINDING = 'VolumeBinding';

/** Upstream's VolumeBindingArgs (the capacity-scoring `shape` belongs to a feature gate that is off by default). */
export interface VolumeBindingArgs {
  /** How long PreBind waits for the claims to be bound; upstream's default 600. */
  bindTimeoutSeconds?: number;
}

export const DEFAULT_BIND_TIMEOUT_SECONDS = 600;

/** How often PreBind looks at the claims again (upstream polls every second). */
const BIND_POLL_MS = 1000;

export interface VolumeBindingDeps {
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** What one node's Filter found, kept for Reserve and PreBind. */
interface NodeEntry {
  node: V1Node;
  podVolumes: PodVolumes;
}

class VolumeBindingState implements StateData {
  allBound = false;
  constructor(
    readonly claims: PodVolumeClaims | undefined,
    readonly byNode = new Map<string, NodeEntry>(),
  ) {}
  // Upstream shares this state across cycle state copies (its Clone returns itself): Filter's
  // findings on what-if copies belong to the same cycle.
  clone(): StateData {
    return this;
  }
}

const STATE_KEY = new StateKey<VolumeBindingState>('VolumeBinding');

function failureStatus(failure: PlanFailure): Status {
  return failure.kind === 'unresolvable' ? unresolvable(failure.message) : errorStatus(failure.message);
}

export type VolumeBindingPlugin = PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & ReservePlugin & PreBindPlugin & {
  readonly preBindTimeoutMs: number;
  /** The assume cache, for tests. */
  readonly cache: VolumeAssumeCache;
};

export function createVolumeBinding(args: VolumeBindingArgs = {}, deps: VolumeBindingDeps = {}): VolumeBindingPlugin {
  const bindTimeoutMs = (args.bindTimeoutSeconds ?? DEFAULT_BIND_TIMEOUT_SECONDS) * 1000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = deps.now ?? Date.now;
  const cache = new VolumeAssumeCache();

  const viewOf = (listers: ClusterListers): VolumeView => ({
    pvc: (namespace, name) => cache.pvc(listers, namespace, name),
    pv: (name) => cache.pv(listers, name),
    pvs: () => cache.allPVs(listers),
    storageClass: (name) => listers.storageClass(name),
  });

  const revert = (podVolumes: PodVolumes) => {
    for (const { pv } of podVolumes.staticBindings) cache.restorePV(pv.metadata?.name ?? '');
    for (const pvc of podVolumes.dynamicProvisions) cache.restorePVC(claimKey(pvc));
  };

  const podVolumesBound = (pod: V1Pod, view: VolumeView): boolean =>
    podClaims(pod).every(({ claimName }) => {
      const pvc = view.pvc(pod.metadata?.namespace ?? '', claimName);
      return pvc !== undefined && claimFullyBound(pvc);
    });

  /** Upstream's BindPodVolumes: the writes, then wait until the PV controller has bound every claim. */
  async function bindPodVolumes(listers: ClusterListers, entry: NodeEntry): Promise<Status> {
    const client = listers.volumeClient();
    if (!client) return errorStatus('binding volumes: the scheduler has no API client for PersistentVolumes');
    const { staticBindings, dynamicProvisions } = entry.podVolumes;
    let written = 0;
    try {
      for (const binding of staticBindings) {
        binding.pv = await client.updatePersistentVolume(binding.pv);
        written++;
      }
      for (let i = 0; i < dynamicProvisions.length; i++) {
        dynamicProvisions[i] = await client.updatePersistentVolumeClaim(dynamicProvisions[i]!);
        written++;
      }
    } catch (err) {
      // Only what was not written goes back to the informers' view (upstream's bindAPIUpdate).
      revert({ staticBindings: staticBindings.slice(written), dynamicProvisions: dynamicProvisions.slice(Math.max(0, written - staticBindings.length)) });
      return errorStatus(`binding volumes: ${err instanceof Error ? err.message : String(err)}`);
    }
    const informed = { pvc: (ns: string, name: string) => listers.persistentVolumeClaim(ns, name), pv: (name: string) => listers.persistentVolume(name) };
    const deadline = now() + bindTimeoutMs;
    for (;;) {
      const verdict = checkBindings(entry.podVolumes, entry.node, informed);
      if (verdict === 'bound') return success();
      if (verdict !== 'waiting') return errorStatus(`binding volumes: ${verdict.failed}`);
      if (client.stopping?.aborted) return errorStatus('binding volumes: the scheduler is stopping');
      if (now() >= deadline) return errorStatus(`binding volumes: timed out after ${bindTimeoutMs / 1000} s waiting for the PersistentVolumeClaims to be bound`);
      await sleep(BIND_POLL_MS);
    }
  }

  return {
    name: VOLUME_BINDING,
    cache,
    // PreBind waits for the PV controller, so it may take up to bindTimeoutSeconds (plus a margin for the last poll).
    preBindTimeoutMs: bindTimeoutMs + 2 * BIND_POLL_MS,

    preFilter(state, pod) {
      const view = viewOf(listersOf(state));
      const exist = checkPodClaimsExist(pod, view);
      if (exist.failure) return failureStatus(exist.failure);
      if (!exist.hasClaims) {
        state.write(STATE_KEY, new VolumeBindingState(undefined));
        return skip();
      }
      const claims = classifyPodClaims(pod, view);
      if (isPlanFailure(claims)) return failureStatus(claims);
      if (claims.unboundImmediate.length > 0) return unresolvable(ERR_UNBOUND_IMMEDIATE);
      state.write(STATE_KEY, new VolumeBindingState(claims));
      return success();
    },

    filter(state, _pod, nodeInfo) {
      const data = state.mustRead(STATE_KEY);
      if (!data.claims) return success();
      const plan = findPodVolumes(data.claims, nodeInfo.node, viewOf(listersOf(state)));
      if (isPlanFailure(plan)) return failureStatus(plan);
      if (plan.reasons.length > 0) return unresolvable(...plan.reasons);
      data.byNode.set(nodeInfo.name, { node: nodeInfo.node, podVolumes: plan.podVolumes });
      return success();
    },

    // Upstream scores only with the StorageCapacityScoring feature gate (off by default in v1.34).
    preScore() {
      return skip();
    },
    score() {
      return 0;
    },

    reserve(state, pod, nodeName) {
      const data = state.read(STATE_KEY);
      if (!data) return errorStatus('VolumeBinding: no cycle state (did PreFilter run?)');
      const entry = data.byNode.get(nodeName);
      const listers = listersOf(state);
      if (!entry || podVolumesBound(pod, viewOf(listers))) {
        data.allBound = true;
        return success();
      }
      // Upstream's AssumePodVolumes: the chosen PVs and annotated claims, as the next pods will see them.
      const bindings = entry.podVolumes.staticBindings.map(({ pv, pvc }) => {
        const bound = volumeBoundTo(pv, pvc);
        if (bound.changed) cache.assumePV(listers, bound.pv);
        return { pv: bound.pv, pvc };
      });
      const provisions = entry.podVolumes.dynamicProvisions.map((pvc) => {
        const annotated = claimWithSelectedNode(pvc, nodeName);
        cache.assumePVC(listers, annotated);
        return annotated;
      });
      entry.podVolumes = { staticBindings: bindings, dynamicProvisions: provisions };
      data.allBound = false;
      return success();
    },

    unreserve(state, _pod, nodeName) {
      const entry = state.read(STATE_KEY)?.byNode.get(nodeName);
      if (entry) revert(entry.podVolumes);
    },

    async preBind(state, _pod, nodeName) {
      const data = state.read(STATE_KEY);
      if (!data) return errorStatus('VolumeBinding: no cycle state (did PreFilter run?)');
      // A pod without claims has nothing to bind, even in a profile whose Reserve list leaves VolumeBinding out.
      if (data.allBound || !data.claims) return success();
      const entry = data.byNode.get(nodeName);
      if (!entry) return errorStatus(`no pod volume found for node "${nodeName}"`);
      return bindPodVolumes(listersOf(state), entry);
    },
  };
}

/** Upstream's queueing hint for a PVC add/update: only a claim the pod uses, in its namespace, may help. */
export function claimChangeMayHelp(pod: V1Pod, pvc: { metadata?: { namespace?: string; name?: string } }): boolean {
  if (pod.metadata?.namespace !== pvc.metadata?.namespace) return false;
  return podClaims(pod).some(({ claimName }) => claimName === pvc.metadata?.name);
}

/** Upstream's queueing hint for a StorageClass: a new class, or changed allowedTopologies. */
export function storageClassChangeMayHelp(oldClass: { allowedTopologies?: unknown } | undefined, newClass: { allowedTopologies?: unknown }): boolean {
  if (!oldClass) return true;
  return JSON.stringify(oldClass.allowedTopologies ?? null) !== JSON.stringify(newClass.allowedTopologies ?? null);
}

/** For tests: the state VolumeBinding keeps for a cycle. */
export function volumeBindingStateOf(state: CycleState): { allBound: boolean; nodes: string[] } | undefined {
  const data = state.read(STATE_KEY);
  return data ? { allBound: data.allBound, nodes: [...data.byNode.keys()] } : undefined;
}
