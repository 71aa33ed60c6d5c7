// The ReplicaSet controller's I/O: informers on ReplicaSets and pods, event handlers that enqueue
// the ReplicaSets a pod change concerns, and sync(key), which asks the pure modules what to do and
// does it (adopt/release, create in slow-start batches, delete, write status, record events).
import {
  type AppsV1Api,
  type CoreV1Api,
  type V1Pod,
  type V1ReplicaSet,
} from '@kubernetes/client-node';
import { Controller, DONE, watchConfigOf, type ComponentOptions, type SyncResult } from '../shared/controller.js';
import { EventRecorder } from '../shared/events.js';
import { UIDTrackingControllerExpectations } from '../shared/expectations.js';
import { objectKey, splitKey, type Informer } from '../shared/informer.js';
import { strategicMergePatch } from '../shared/kube.js';
import { sameLabels, selectorMatches } from '../shared/labels.js';
import { podInformer, replicaSetInformer } from '../shared/workload-informers.js';
import { controllerRefOf, resolveControllerRef } from '../shared/owner-refs.js';
import { errorMessage, hasStatusCause, httpStatusOf, isNotFound, retryOnConflict } from '../shared/retry.js';
import { adoptPatch, planClaims, releasePatch } from './claim.js';
import { EventReason } from './constants.js';
import { BURST_REPLICAS, planReplicas, runSlowStart } from './manage-replicas.js';
import { podFromTemplate, REPLICASET_GVK } from './pod-template.js';
import { isPodActive, isPodReady, relatedPods } from './ranking.js';
import { computeStatus, statusChanged } from './status.js';

export const COMPONENT = 'replicaset-controller';

export interface ReplicaSetControllerInformers {
  replicaSets: Informer<V1ReplicaSet>;
  pods: Informer<V1Pod>;
}

export interface ReplicaSetControllerOptions extends ComponentOptions<ReplicaSetControllerInformers> {
  burstReplicas?: number;
}

export class ReplicaSetController extends Controller {
  readonly expectations = new UIDTrackingControllerExpectations();
  readonly replicaSets: Informer<V1ReplicaSet>;
  readonly pods: Informer<V1Pod>;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly recorder: EventRecorder;
  private readonly burstReplicas: number;
  private readonly now: () => Date;

  constructor(opts: ReplicaSetControllerOptions) {
    super({ name: COMPONENT, workers: opts.workers ?? 5, log: opts.log, decisions: opts.decisions });
    this.core = opts.clients.core;
    this.apps = opts.clients.apps;
    this.recorder = opts.recorder ?? new EventRecorder(this.core, COMPONENT);
    this.burstReplicas = opts.burstReplicas ?? BURST_REPLICAS;
    this.now = opts.now ?? (() => new Date());

    this.replicaSets = opts.informers?.replicaSets ?? replicaSetInformer(watchConfigOf(opts), this.apps);
    this.pods = opts.informers?.pods ?? podInformer(watchConfigOf(opts), this.core);

    this.replicaSets.onAdd((rs) => this.enqueue(rs));
    this.replicaSets.onUpdate((oldRs, rs) => this.replicaSetUpdated(oldRs, rs));
    this.replicaSets.onDelete((rs) => this.replicaSetDeleted(rs));
    this.pods.onAdd((pod) => this.podAdded(pod));
    this.pods.onUpdate((oldPod, pod) => this.podUpdated(oldPod, pod));
    this.pods.onDelete((pod) => this.podDeleted(pod));
  }

  protected informers(): Informer<any>[] {
    return [this.replicaSets, this.pods];
  }

  // ---- event handlers -------------------------------------------------------------------------

  private replicaSetUpdated(oldRs: V1ReplicaSet, rs: V1ReplicaSet): void {
    // Deleted and recreated under the same name between two watch events: forget the old one.
    if (oldRs.metadata?.uid !== rs.metadata?.uid) this.replicaSetDeleted(oldRs);
    this.enqueue(rs);
  }

  private replicaSetDeleted(rs: V1ReplicaSet): void {
    this.expectations.deleteExpectations(objectKey(rs));
    this.enqueue(rs);
  }

  /** The ReplicaSet the pod's controller reference points at, if it exists in the cache with that uid. */
  private resolveControllerRef(namespace: string | undefined, pod: V1Pod): V1ReplicaSet | undefined {
    return resolveControllerRef(this.replicaSets, REPLICASET_GVK.kind, namespace, controllerRefOf(pod));
  }

  /** ReplicaSets in the pod's namespace whose selector matches the given labels. */
  private replicaSetsMatching(namespace: string | undefined, labels: Record<string, string> | undefined): V1ReplicaSet[] {
    return this.replicaSets.list(namespace).filter((rs) => selectorMatches(rs.spec?.selector, labels));
  }

  private podAdded(pod: V1Pod): void {
    // A pod created already terminating (e.g. after a controller restart) only counts as deleted.
    if (pod.metadata?.deletionTimestamp) {
      this.podDeleted(pod);
      return;
    }
    if (controllerRefOf(pod)) {
      const rs = this.resolveControllerRef(pod.metadata?.namespace, pod);
      if (!rs) return;
      this.expectations.creationObserved(objectKey(rs));
      this.enqueue(rs);
      return;
    }
    // An orphan: every matching ReplicaSet may want to adopt it.
    for (const rs of this.replicaSetsMatching(pod.metadata?.namespace, pod.metadata?.labels)) this.enqueue(rs);
  }

  private podUpdated(oldPod: V1Pod, pod: V1Pod): void {
    // Periodic resyncs deliver identical versions; nothing changed.
    if (oldPod.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    const labelsChanged = !sameLabels(oldPod.metadata?.labels, pod.metadata?.labels);
    if (pod.metadata?.deletionTimestamp) {
      // Graceful deletion starts: count it now rather than waiting for the DELETED event.
      this.podDeleted(pod);
      if (labelsChanged) this.podDeleted(oldPod);
      return;
    }
    const oldRef = controllerRefOf(oldPod);
    const ref = controllerRefOf(pod);
    const refChanged = oldRef?.uid !== ref?.uid;
    if (refChanged && oldRef) {
      const oldRs = this.resolveControllerRef(oldPod.metadata?.namespace, oldPod);
      if (oldRs) this.enqueue(oldRs);
    }
    if (ref) {
      const rs = this.resolveControllerRef(pod.metadata?.namespace, pod);
      if (!rs) return;
      this.enqueue(rs);
      // Availability changes minReadySeconds after readiness without any further pod event.
      const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
      if (!isPodReady(oldPod) && isPodReady(pod) && minReadySeconds > 0) {
        this.enqueueAfter(rs, (minReadySeconds + 1) * 1000);
      }
      return;
    }
    if (labelsChanged || refChanged) {
      const affected = new Map<string, V1ReplicaSet>();
      for (const labels of [oldPod.metadata?.labels, pod.metadata?.labels]) {
        for (const rs of this.replicaSetsMatching(pod.metadata?.namespace, labels)) affected.set(objectKey(rs), rs);
      }
      for (const rs of affected.values()) this.enqueue(rs);
    }
  }

  private podDeleted(pod: V1Pod): void {
    const rs = this.resolveControllerRef(pod.metadata?.namespace, pod);
    if (!rs) return;
    this.expectations.deletionObservedOf(objectKey(rs), objectKey(pod));
    this.enqueue(rs);
  }

  // ---- sync -----------------------------------------------------------------------------------

  protected async syncHandler(key: string): Promise<SyncResult> {
    const { namespace, name } = splitKey(key);
    const rs = this.replicaSets.get(namespace, name);
    if (!rs) {
      this.expectations.deleteExpectations(key);
      this.log.debug('replicaset gone, expectations dropped', { key });
      return DONE;
    }
    const now = this.now();
    const expectationsSatisfied = this.expectations.satisfiedExpectations(key);
    const activePods = this.pods.list(namespace).filter(isPodActive);

    const owned = await this.claim(rs, activePods);

    const plan = planReplicas({
      rs,
      pods: owned,
      relatedPods: relatedPods(rs, this.replicaSets.list(namespace), activePods),
      expectationsSatisfied,
      burstReplicas: this.burstReplicas,
      now,
    });
    const pending = this.expectations.get(key);
    this.report(rs, plan.action, plan.reason, plan.action === 'wait' ? { expectations: pending } : undefined);

    let manageError: unknown;
    if (plan.action === 'create') manageError = await this.createPods(rs, key, plan.count);
    if (plan.action === 'delete') manageError = await this.deletePods(rs, key, plan.pods);

    const updated = await this.writeStatus(rs, owned, manageError, now);

    if (manageError) throw manageError;
    // Pods become available minReadySeconds after readiness without any further event: look again then.
    const minReadySeconds = updated.spec?.minReadySeconds ?? 0;
    const status = updated.status;
    if (minReadySeconds > 0 && status?.readyReplicas === status?.replicas && status?.availableReplicas !== status?.replicas) {
      return { requeueAfter: minReadySeconds * 1000 };
    }
    return DONE;
  }

  /** Adopts matching orphans and releases non-matching pods; returns the pods the RS owns. */
  private async claim(rs: V1ReplicaSet, activePods: V1Pod[]): Promise<V1Pod[]> {
    const plan = planClaims(rs, activePods);
    const owned = [...plan.owned];
    if (plan.adopt.length > 0) {
      // The cache may be stale: adopt only if the ReplicaSet still exists and is not being deleted.
      const fresh = await this.apps.readNamespacedReplicaSet({ namespace: rs.metadata!.namespace!, name: rs.metadata!.name! });
      const canAdopt = fresh.metadata?.uid === rs.metadata?.uid && !fresh.metadata?.deletionTimestamp;
      if (canAdopt) {
        for (const pod of plan.adopt) {
          try {
            await this.core.patchNamespacedPod({ namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, body: adoptPatch(rs, pod) }, strategicMergePatch());
            owned.push(pod);
            this.report(rs, 'adopt', `pod ${pod.metadata?.name} matches the selector and has no controller`, { pod: pod.metadata?.name });
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
        }
      }
    }
    for (const pod of plan.release) {
      try {
        await this.core.patchNamespacedPod({ namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, body: releasePatch(rs, pod) }, strategicMergePatch());
        this.report(rs, 'release', `pod ${pod.metadata?.name} no longer matches the selector`, { pod: pod.metadata?.name });
      } catch (err) {
        // Gone, or already owned by someone else (uid precondition fails as Invalid): nothing to release.
        const status = httpStatusOf(err);
        if (status !== 404 && status !== 422) throw err;
      }
    }
    return owned;
  }

  private async createPods(rs: V1ReplicaSet, key: string, count: number): Promise<unknown> {
    const template = podFromTemplate(rs);
    this.expectations.expectCreations(key, count);
    const result = await runSlowStart(count, async () => {
      try {
        const created = await this.core.createNamespacedPod({ namespace: rs.metadata!.namespace!, body: structuredClone(template) });
        void this.recorder.event(this.involved(rs), 'Normal', EventReason.SuccessfulCreate, `Created pod: ${created.metadata?.name}`);
      } catch (err) {
        // A terminating namespace refuses new pods; that is not a failure of this ReplicaSet.
        if (hasStatusCause(err, 'NamespaceTerminating')) return;
        void this.recorder.event(this.involved(rs), 'Warning', EventReason.FailedCreate, `Error creating: ${errorMessage(err)}`);
        throw err;
      }
    });
    if (result.skipped > 0) {
      // Creates that failed or never ran will never be observed.
      this.expectations.lowerExpectations(key, result.skipped, 0);
      this.report(rs, 'create-failed', `created ${result.succeeded} of ${count}, skipped ${result.skipped}: ${errorMessage(result.error)}`);
    }
    return result.error;
  }

  private async deletePods(rs: V1ReplicaSet, key: string, pods: V1Pod[]): Promise<unknown> {
    this.expectations.expectDeletionsOf(key, pods.map((pod) => objectKey(pod)));
    const results = await Promise.allSettled(
      pods.map(async (pod) => {
        try {
          await this.core.deleteNamespacedPod({ namespace: pod.metadata!.namespace!, name: pod.metadata!.name! });
          void this.recorder.event(this.involved(rs), 'Normal', EventReason.SuccessfulDelete, `Deleted pod: ${pod.metadata?.name}`);
        } catch (err) {
          // The informer will not see this deletion (or already has): stop waiting for it.
          this.expectations.deletionObservedOf(key, objectKey(pod));
          if (isNotFound(err)) return;
          void this.recorder.event(this.involved(rs), 'Warning', EventReason.FailedDelete, `Error deleting: ${errorMessage(err)}`);
          throw err;
        }
      }),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    return failure?.reason;
  }

  private async writeStatus(rs: V1ReplicaSet, pods: V1Pod[], manageError: unknown, now: Date): Promise<V1ReplicaSet> {
    const status = computeStatus(rs, pods, manageError, now);
    if (!statusChanged(rs, status)) return rs;
    let current = rs;
    let attempt = 0;
    return retryOnConflict(async () => {
      if (attempt++ > 0) {
        current = await this.apps.readNamespacedReplicaSet({ namespace: rs.metadata!.namespace!, name: rs.metadata!.name! });
      }
      const body: V1ReplicaSet = { ...current, status: computeStatus(current, pods, manageError, now) };
      const written = await this.apps.replaceNamespacedReplicaSetStatus({ namespace: rs.metadata!.namespace!, name: rs.metadata!.name!, body });
      const s = written.status;
      this.report(written, 'update-status', `replicas ${s?.replicas ?? 0}, ready ${s?.readyReplicas ?? 0}, available ${s?.availableReplicas ?? 0}, observedGeneration ${s?.observedGeneration}`);
      return written;
    });
  }

  /** Informer objects from a list lack kind/apiVersion; events need them. */
  private involved(rs: V1ReplicaSet): V1ReplicaSet {
    return { ...rs, apiVersion: REPLICASET_GVK.apiVersion, kind: REPLICASET_GVK.kind };
  }

  private report(rs: V1ReplicaSet, verb: string, reason: string, details?: Record<string, unknown>): void {
    this.log.debug(`${verb}: ${reason}`, { rs: objectKey(rs) });
    this.reportDecision({
      component: COMPONENT,
      object: { kind: 'ReplicaSet', namespace: rs.metadata?.namespace, name: rs.metadata?.name ?? '', uid: rs.metadata?.uid },
      verb,
      reason,
      ...(details ? { details } : {}),
    });
  }
}
