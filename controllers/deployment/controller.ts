// The Deployment controller's I/O: informers on Deployments, ReplicaSets and Pods feed a queue
// of Deployment keys; a sync reads the caches, asks sync.ts what to do, and carries the actions
// out in order against the API server (deployment_controller.go).
import {
  type V1Deployment,
  type V1OwnerReference,
  type V1Pod,
  type V1ReplicaSet,
} from '@kubernetes/client-node';
import { Controller, DONE, watchConfigOf, type ComponentClients, type ComponentOptions, type SyncResult } from '../shared/controller.js';
import { EventRecorder } from '../shared/events.js';
import { objectKey, splitKey, type Informer } from '../shared/informer.js';
import { addInt32 } from '../shared/int64.js';
import { strategicMergePatch } from '../shared/kube.js';
import { sameLabels, selectorIsEmpty, selectorMatches } from '../shared/labels.js';
import { deploymentInformer, podInformer, replicaSetInformer } from '../shared/workload-informers.js';
import { adoptPatch, controllerRefOf, releasePatch, resolveControllerRef } from '../shared/owner-refs.js';
import { errorMessage, hasStatusCause, httpStatusOf, isNotFound, retryOnConflict } from '../shared/retry.js';
import { COMPONENT, DEPLOYMENT_GVK, DESIRED_REPLICAS_ANNOTATION, EventReason, MAX_REPLICAS_ANNOTATION } from './constants.js';
import { failedCreateMessage, failedCreateStatus } from './progress.js';
import { planDeploymentSync, type DeploymentAction, type PlannedEvent } from './sync.js';
import { equalIgnoreHash } from './templates.js';

export interface DeploymentControllerInformers {
  deployments: Informer<V1Deployment>;
  replicaSets: Informer<V1ReplicaSet>;
  pods: Informer<V1Pod>;
}

export type DeploymentControllerOptions = ComponentOptions<DeploymentControllerInformers>;

/**
 * What carrying out one action left: the Deployment as last written, a requeue for the end of
 * the sync, or a requeue that ends the sync now (the rest of the plan was made on stale state).
 */
type Executed = { deployment: V1Deployment } | { requeue: SyncResult } | { startOver: SyncResult };

/** A sync again as soon as a worker is free, on fresher cache state. */
const SYNC_AGAIN: SyncResult = Object.freeze({ requeueAfter: 0 });

export class DeploymentController extends Controller {
  private readonly clients: ComponentClients;
  private readonly recorder: EventRecorder;
  private readonly now: () => Date;
  readonly deployments: Informer<V1Deployment>;
  readonly replicaSets: Informer<V1ReplicaSet>;
  readonly pods: Informer<V1Pod>;

  constructor(opts: DeploymentControllerOptions) {
    super({ name: COMPONENT, workers: opts.workers ?? 5, log: opts.log, decisions: opts.decisions });
    this.clients = opts.clients;
    this.recorder = opts.recorder ?? new EventRecorder(opts.clients.core, COMPONENT);
    this.now = opts.now ?? (() => new Date());
    const kc = watchConfigOf(opts);
    const { apps, core } = opts.clients;
    this.deployments = opts.informers?.deployments ?? deploymentInformer(kc, apps, opts.log);
    this.replicaSets = opts.informers?.replicaSets ?? replicaSetInformer(kc, apps, opts.log);
    this.pods = opts.informers?.pods ?? podInformer(kc, core, opts.log);
    this.registerHandlers();
  }

  protected informers(): Informer<any>[] {
    return [this.deployments, this.replicaSets, this.pods];
  }

  // ---- event handlers: which Deployment to sync ----

  private registerHandlers(): void {
    this.deployments.onAdd((d) => this.enqueue(d));
    this.deployments.onUpdate((_, d) => this.enqueue(d));
    this.deployments.onDelete((d) => this.enqueue(d));

    this.replicaSets.onAdd((rs) => this.enqueueForReplicaSet(rs));
    this.replicaSets.onUpdate((oldRS, rs) => {
      if (oldRS.metadata?.resourceVersion === rs.metadata?.resourceVersion) return;
      const oldRef = controllerRefOf(oldRS);
      const newRef = controllerRefOf(rs);
      const refChanged = JSON.stringify(oldRef) !== JSON.stringify(newRef);
      if (refChanged && oldRef) this.enqueueOwner(oldRS.metadata?.namespace, oldRef);
      if (newRef) {
        this.enqueueOwner(rs.metadata?.namespace, newRef);
        return;
      }
      // An orphan whose labels changed may now match someone's selector.
      if (refChanged || !sameLabels(oldRS.metadata?.labels, rs.metadata?.labels)) {
        for (const d of this.deploymentsSelecting(rs)) this.enqueue(d);
      }
    });
    this.replicaSets.onDelete((rs) => {
      const ref = controllerRefOf(rs);
      if (ref) this.enqueueOwner(rs.metadata?.namespace, ref);
    });

    // Recreate waits for old pods to disappear; the last deletion is the signal to go on.
    this.pods.onDelete((pod) => {
      const d = this.deploymentForPod(pod);
      if (!d || d.spec?.strategy?.type !== 'Recreate') return;
      const owned = new Set(this.replicaSets.list(d.metadata?.namespace).filter((rs) => controllerRefOf(rs)?.uid === d.metadata?.uid).map((rs) => rs.metadata?.uid));
      const remaining = this.pods.list(d.metadata?.namespace).filter((p) => selectorMatches(d.spec?.selector, p.metadata?.labels) && owned.has(controllerRefOf(p)?.uid));
      if (remaining.length === 0) this.enqueue(d);
    });
  }

  private enqueueForReplicaSet(rs: V1ReplicaSet): void {
    const ref = controllerRefOf(rs);
    if (ref) {
      this.enqueueOwner(rs.metadata?.namespace, ref);
      return;
    }
    for (const d of this.deploymentsSelecting(rs)) this.enqueue(d);
  }

  private enqueueOwner(namespace: string | undefined, ref: V1OwnerReference): void {
    const d = resolveControllerRef(this.deployments, DEPLOYMENT_GVK.kind, namespace, ref);
    if (d) this.enqueue(d);
  }

  private deploymentsSelecting(rs: V1ReplicaSet): V1Deployment[] {
    if (!rs.metadata?.labels || Object.keys(rs.metadata.labels).length === 0) return [];
    return this.deployments
      .list(rs.metadata?.namespace)
      .filter((d) => !selectorIsEmpty(d.spec?.selector) && selectorMatches(d.spec?.selector, rs.metadata?.labels));
  }

  private deploymentForPod(pod: V1Pod): V1Deployment | undefined {
    const rs = resolveControllerRef(this.replicaSets, 'ReplicaSet', pod.metadata?.namespace, controllerRefOf(pod));
    return rs && resolveControllerRef(this.deployments, DEPLOYMENT_GVK.kind, rs.metadata?.namespace, controllerRefOf(rs));
  }

  // ---- sync ----

  protected async syncHandler(key: string): Promise<SyncResult> {
    const { namespace, name } = splitKey(key);
    const cached = this.deployments.get(namespace, name);
    if (!cached) {
      this.log.debug('deployment has been deleted', { key });
      return DONE;
    }
    const actions = planDeploymentSync({
      deployment: cached,
      replicaSets: this.replicaSets.list(namespace),
      pods: this.pods.list(namespace),
      now: this.now(),
    });
    return this.carryOut(cached, actions);
  }

  /**
   * The executor: carries the planned actions out in order against the API server. A failed
   * action throws (the rest are not tried); an action may end the sync early with a requeue; the
   * requeue actions become the result.
   */
  async carryOut(deployment: V1Deployment, actions: readonly DeploymentAction[]): Promise<SyncResult> {
    let current = deployment;
    let result: SyncResult = DONE;
    for (const action of actions) {
      const step = await this.execute(action, current);
      if ('deployment' in step) current = step.deployment;
      else if ('startOver' in step) return step.startOver;
      else result = step.requeue;
    }
    return result;
  }

  /** Carries out one action: the Deployment as last written (for its resourceVersion), or a requeue. */
  private async execute(action: DeploymentAction, d: V1Deployment): Promise<Executed> {
    const { apps } = this.clients;
    this.report(d, action);
    switch (action.kind) {
      case 'adoptReplicaSet': {
        // Like RecheckDeletionTimestamp: never adopt for a Deployment that is being deleted.
        const fresh = await apps.readNamespacedDeployment({ name: d.metadata!.name!, namespace: d.metadata!.namespace! });
        if (fresh.metadata?.uid !== d.metadata?.uid) throw new Error(`original Deployment ${objectKey(d)} is gone: got uid ${fresh.metadata?.uid}, wanted ${d.metadata?.uid}`);
        if (fresh.metadata?.deletionTimestamp) throw new Error(`${objectKey(d)} has just been deleted at ${String(fresh.metadata.deletionTimestamp)}`);
        await apps.patchNamespacedReplicaSet(rsRef(action.rs, adoptPatch(d, DEPLOYMENT_GVK, action.rs)), strategicMergePatch());
        return { deployment: d };
      }
      case 'releaseReplicaSet': {
        try {
          await apps.patchNamespacedReplicaSet(rsRef(action.rs, releasePatch(d, action.rs)), strategicMergePatch());
        } catch (err) {
          // Gone, or recreated with another uid (422): nothing to release.
          if (!isNotFound(err) && httpStatusOf(err) !== 422) throw err;
        }
        return { deployment: d };
      }
      case 'createReplicaSet':
        if (!(await this.createReplicaSet(action.rs, d))) return { startOver: SYNC_AGAIN };
        await this.emit(d, action.event);
        return { deployment: d };
      case 'updateReplicaSetAnnotations':
        await this.mutateReplicaSet(action.rs, (fresh) => {
          fresh.metadata = { ...fresh.metadata, annotations: { ...action.rs.metadata?.annotations } };
          fresh.spec = { ...fresh.spec!, minReadySeconds: action.rs.spec?.minReadySeconds };
        });
        return { deployment: d };
      case 'scaleReplicaSet':
        await this.mutateReplicaSet(action.rs, (fresh) => {
          const annotations = { ...(fresh.metadata?.annotations ?? {}) };
          annotations[DESIRED_REPLICAS_ANNOTATION] = action.rs.metadata!.annotations![DESIRED_REPLICAS_ANNOTATION]!;
          annotations[MAX_REPLICAS_ANNOTATION] = action.rs.metadata!.annotations![MAX_REPLICAS_ANNOTATION]!;
          fresh.metadata = { ...fresh.metadata, annotations };
          fresh.spec = { ...fresh.spec!, replicas: action.to };
        });
        await this.emit(d, action.event);
        return { deployment: d };
      case 'deleteReplicaSet':
        try {
          await apps.deleteNamespacedReplicaSet({ name: action.rs.metadata!.name!, namespace: action.rs.metadata!.namespace! });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        return { deployment: d };
      case 'updateDeploymentStatus': {
        // Carry our own last write's resourceVersion so consecutive status writes of one sync
        // do not conflict with each other.
        const body = { ...action.deployment, metadata: { ...action.deployment.metadata, resourceVersion: d.metadata?.resourceVersion } };
        return { deployment: await apps.replaceNamespacedDeploymentStatus({ name: d.metadata!.name!, namespace: d.metadata!.namespace!, body }) };
      }
      case 'updateDeployment': {
        const body = { ...action.deployment, metadata: { ...action.deployment.metadata, resourceVersion: d.metadata?.resourceVersion } };
        const written = await apps.replaceNamespacedDeployment({ name: d.metadata!.name!, namespace: d.metadata!.namespace!, body });
        await this.emit(d, action.event);
        return { deployment: written };
      }
      case 'recordEvent':
        await this.emit(d, action.event);
        return { deployment: d };
      case 'requeueAfter':
        return { requeue: { requeueAfter: action.delayMs } };
      case 'requeueRateLimited':
        return { requeue: { retry: action.why } };
    }
  }

  /**
   * Create; on AlreadyExists decide between "it is ours already" (false: the plan was made
   * without it, so sync again) and a hash collision (bump collisionCount, throw).
   */
  private async createReplicaSet(rs: V1ReplicaSet, d: V1Deployment): Promise<boolean> {
    const { apps } = this.clients;
    try {
      await apps.createNamespacedReplicaSet({ namespace: rs.metadata!.namespace!, body: rs });
      return true;
    } catch (err) {
      const status = httpStatusOf(err);
      if (status === 409) {
        const existing = this.replicaSets.get(rs.metadata?.namespace, rs.metadata!.name!);
        if (existing && controllerRefOf(existing)?.uid === d.metadata?.uid && equalIgnoreHash(d.spec?.template, existing.spec?.template)) {
          return false;
        }
        // Same name, different template: bump collisionCount so the next hash differs
        // (an int32 upstream, where the increment wraps).
        const collisionCount = addInt32(d.status?.collisionCount ?? 0, 1);
        const body = { ...d, status: { ...d.status, collisionCount } };
        try {
          await apps.replaceNamespacedDeploymentStatus({ name: d.metadata!.name!, namespace: d.metadata!.namespace!, body });
          this.log.info('hash collision, bumped collisionCount', { deployment: objectKey(d), collisionCount });
          this.reportDecision({ component: COMPONENT, object: deploymentRef(d), verb: 'bumpCollisionCount', reason: `ReplicaSet ${rs.metadata?.name} exists with another template`, details: { collisionCount } });
        } catch (statusErr) {
          this.log.warn('could not record collisionCount', { deployment: objectKey(d), error: String(statusErr) });
        }
        throw err;
      }
      // Creates fail this way while the namespace is being deleted; upstream does not report it.
      if (hasStatusCause(err, 'NamespaceTerminating')) throw err;
      const message = failedCreateMessage(rs.metadata!.name!, errorMessage(err));
      const failed = failedCreateStatus(d, rs.metadata!.name!, errorMessage(err), this.now());
      if (failed) {
        await apps
          .replaceNamespacedDeploymentStatus({ name: d.metadata!.name!, namespace: d.metadata!.namespace!, body: { ...d, status: failed } })
          .catch((e: unknown) => this.log.warn('could not record ReplicaSetCreateError', { error: String(e) }));
      }
      await this.recorder.event(d, 'Warning', EventReason.FailedRSCreate, message);
      throw err;
    }
  }

  /** Read the newest ReplicaSet, change it, write it; retried on 409 Conflict. */
  private async mutateReplicaSet(rs: V1ReplicaSet, change: (fresh: V1ReplicaSet) => void): Promise<void> {
    const { apps } = this.clients;
    const name = rs.metadata!.name!;
    const namespace = rs.metadata!.namespace!;
    await retryOnConflict(async () => {
      const fresh = await apps.readNamespacedReplicaSet({ name, namespace });
      if (rs.metadata?.uid && fresh.metadata?.uid !== rs.metadata.uid) throw new Error(`ReplicaSet ${namespace}/${name} was replaced (uid changed)`);
      change(fresh);
      await apps.replaceNamespacedReplicaSet({ name, namespace, body: fresh });
    });
  }

  private async emit(d: V1Deployment, event: PlannedEvent | undefined): Promise<void> {
    if (event) await this.recorder.event(d, event.type, event.reason, event.message);
  }

  private report(d: V1Deployment, action: DeploymentAction): void {
    const details: Record<string, unknown> = {};
    if ('rs' in action) details.replicaSet = action.rs.metadata?.name;
    if (action.kind === 'scaleReplicaSet') Object.assign(details, { from: action.from, to: action.to });
    if (action.kind === 'createReplicaSet') details.replicas = action.rs.spec?.replicas;
    if (action.kind === 'requeueAfter') details.delayMs = action.delayMs;
    if (action.kind === 'updateDeploymentStatus') details.status = action.deployment.status;
    this.reportDecision({ component: COMPONENT, object: deploymentRef(d), verb: action.kind, reason: action.why, details });
  }
}

function rsRef(rs: V1ReplicaSet, body: object) {
  return { name: rs.metadata!.name!, namespace: rs.metadata!.namespace!, body };
}

function deploymentRef(d: V1Deployment) {
  return { kind: DEPLOYMENT_GVK.kind, namespace: d.metadata?.namespace, name: d.metadata?.name ?? '', uid: d.metadata?.uid };
}

