// The top-level reconcile decision (deployment_controller.go syncDeployment and the strategy
// functions in sync.go, rolling.go, recreate.go, rollback.go), as a pure function:
// (Deployment, ReplicaSets, pods, now) → ordered actions.
//
// Upstream writes as it goes and keeps working with what it wrote. We keep the same order by
// planning against working copies: each planned write updates the copy later steps read.
// The executor must carry out the actions in order and stop at the first failure (upstream
// returns the error and the key is requeued), which keeps the plan and reality in step.
import type { V1Deployment, V1DeploymentStatus, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { addInt64 } from '../shared/int64.js';
import { selectorIsEmpty } from '../shared/labels.js';
import { claimDecision, podsByReplicaSet } from './claim.js';
import { EventReason, MAX_REVISION_HISTORY_LENGTH_IN_CHARS, Reason, REVISION_ANNOTATION } from './constants.js';
import { getCondition, newCondition, setCondition } from './conditions.js';
import { computePodTemplateHash } from './hash.js';
import { pausedConditionStatus, progressCheckRequeue, rolloutStatus } from './progress.js';
import { oldPodsRunning, planRecreateScaleDown } from './recreate.js';
import { activeReplicaSets, sameReplicaSet, specReplicas } from './replicasets.js';
import { maxRevision, lastRevision, replicaSetsToCleanUp, revisionOf, withDeploymentRevision, withNewReplicaSetAnnotations } from './revisions.js';
import { rolledBackTo, rollbackTo, withoutRollbackRequest } from './rollback.js';
import { deploymentReplicas, newRSNewReplicas, planNewReplicaSetScale, planOldReplicaSetsScaleDown, withSpecReplicas, type ScaleStep } from './rolling.js';
import { isScalingEvent, planScale, replicasAnnotationsFor, withReplicasAnnotations } from './scale.js';
import { calculateStatus, deploymentComplete, hasProgressDeadline, statusEquals } from './status.js';
import { equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, newReplicaSetFor } from './templates.js';

export interface PlannedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Every action carries `why`: a sentence for the lab's decision trace. */
export type DeploymentAction =
  | { kind: 'adoptReplicaSet'; rs: V1ReplicaSet; why: string }
  | { kind: 'releaseReplicaSet'; rs: V1ReplicaSet; why: string }
  | { kind: 'createReplicaSet'; rs: V1ReplicaSet; why: string; event?: PlannedEvent }
  /** Write the ReplicaSet's annotations and minReadySeconds as in `rs`. */
  | { kind: 'updateReplicaSetAnnotations'; rs: V1ReplicaSet; why: string }
  /** Set spec.replicas to `to` and the desired/max-replicas annotations as in `rs`. */
  | { kind: 'scaleReplicaSet'; rs: V1ReplicaSet; from: number; to: number; why: string; event?: PlannedEvent }
  | { kind: 'deleteReplicaSet'; rs: V1ReplicaSet; why: string }
  /** PUT .../status with this object (status and metadata.annotations are written). */
  | { kind: 'updateDeploymentStatus'; deployment: V1Deployment; why: string }
  /** PUT the Deployment itself (only the legacy rollback does this). */
  | { kind: 'updateDeployment'; deployment: V1Deployment; why: string; event?: PlannedEvent }
  | { kind: 'recordEvent'; event: PlannedEvent; why: string }
  | { kind: 'requeueAfter'; delayMs: number; why: string }
  | { kind: 'requeueRateLimited'; why: string };

export interface SyncInput {
  deployment: V1Deployment;
  /** ReplicaSets in the Deployment's namespace (claiming decides which are its own). */
  replicaSets: readonly V1ReplicaSet[];
  /** Pods in the Deployment's namespace. */
  pods: readonly V1Pod[];
  now: Date;
}

/** Working state of one sync: the Deployment as written so far and the ReplicaSet list. */
class Plan {
  readonly actions: DeploymentAction[] = [];
  d: V1Deployment;
  rsList: V1ReplicaSet[];

  constructor(d: V1Deployment, rsList: V1ReplicaSet[], readonly now: Date) {
    this.d = structuredClone(d);
    this.rsList = rsList;
  }

  get name(): string {
    return this.d.metadata?.name ?? '';
  }

  writeStatus(status: V1DeploymentStatus, why: string, annotations = this.d.metadata?.annotations): void {
    this.d = { ...this.d, metadata: { ...this.d.metadata, annotations }, status };
    this.actions.push({ kind: 'updateDeploymentStatus', deployment: structuredClone(this.d), why });
  }

  replaceInList(rs: V1ReplicaSet): void {
    this.rsList = this.rsList.map((r) => (sameReplicaSet(r, rs) ? rs : r));
  }

  /** scaleReplicaSet: resize and/or refresh the replicas annotations; returns the planned object. */
  scale(rs: V1ReplicaSet, to: number, why: string, evenIfSameSize: boolean): V1ReplicaSet {
    const from = specReplicas(rs);
    if (from === to && !evenIfSameSize) return rs;
    const { desired, max } = replicasAnnotationsFor(this.d);
    const annotated = withReplicasAnnotations(withSpecReplicas(rs, to), desired, max);
    if (from === to && !annotated.changed) return rs;
    const name = rs.metadata?.name ?? '';
    const event: PlannedEvent | undefined =
      from === to
        ? undefined
        : { type: 'Normal', reason: EventReason.ScalingReplicaSet, message: `Scaled ${from < to ? 'up' : 'down'} replica set ${name} from ${from} to ${to}` };
    this.actions.push({ kind: 'scaleReplicaSet', rs: annotated.rs, from, to, why, event });
    return annotated.rs;
  }

  applyScaleSteps(steps: readonly ScaleStep[], why: string): boolean {
    let scaled = false;
    for (const step of steps) {
      const before = specReplicas(step.rs);
      this.scale(step.rs, step.replicas, why, step.refreshAnnotations === true);
      if (before !== step.replicas) scaled = true;
    }
    return scaled;
  }

  /** syncRolloutStatus: write the status if it changed, else schedule the progress-deadline check. */
  syncRolloutStatus(allRSs: readonly (V1ReplicaSet | undefined)[], newRS: V1ReplicaSet | undefined): void {
    const next = rolloutStatus(allRSs, newRS, this.d, this.now);
    if (!statusEquals(this.d.status, next)) {
      this.writeStatus(next, 'rollout status changed');
      return;
    }
    const requeue = progressCheckRequeue(this.d, next, this.now);
    if (requeue?.kind === 'rateLimited') this.actions.push({ kind: 'requeueRateLimited', why: 'progress deadline is about to pass' });
    if (requeue?.kind === 'after') this.actions.push({ kind: 'requeueAfter', delayMs: requeue.delayMs, why: 'check progress deadline' });
  }

  /** syncDeploymentStatus: counts and Available only, no Progressing evaluation. */
  syncDeploymentStatus(allRSs: readonly (V1ReplicaSet | undefined)[], newRS: V1ReplicaSet | undefined): void {
    const next = calculateStatus(allRSs, newRS, this.d, this.now);
    if (!statusEquals(this.d.status, next)) this.writeStatus(next, 'status changed');
  }

  cleanup(oldRSs: readonly V1ReplicaSet[]): void {
    for (const rs of replicaSetsToCleanUp(this.d, oldRSs)) {
      this.actions.push({ kind: 'deleteReplicaSet', rs, why: `more than revisionHistoryLimit=${this.d.spec?.revisionHistoryLimit} old ReplicaSets` });
    }
  }

  /**
   * getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created if asked and missing) with its
   * revision raised above every old one, and the old ReplicaSets.
   */
  newAndOld(createIfMissing: boolean): { newRS: V1ReplicaSet | undefined; oldRSs: V1ReplicaSet[] } {
    const oldRSs = findOldReplicaSets(this.d, this.rsList).all;
    const existing = findNewReplicaSet(this.d, this.rsList);
    // int64 arithmetic as upstream: exact past 2^53, and MaxInt64 + 1 wraps (then no RS is raised).
    const newRevision = String(addInt64(maxRevision(oldRSs), 1n));

    if (existing) {
      const annotated = withNewReplicaSetAnnotations(this.d, existing, newRevision, true, MAX_REVISION_HISTORY_LENGTH_IN_CHARS);
      const minReadySeconds = this.d.spec?.minReadySeconds ?? 0;
      if (annotated.changed || (existing.spec?.minReadySeconds ?? 0) !== minReadySeconds) {
        const updated = { ...annotated.rs, spec: { ...annotated.rs.spec!, minReadySeconds } };
        this.actions.push({ kind: 'updateReplicaSetAnnotations', rs: updated, why: `new ReplicaSet is revision ${newRevision} of the template` });
        this.replaceInList(updated);
        // Upstream returns right after this write; the Deployment's revision follows next sync.
        return { newRS: updated, oldRSs };
      }
      const revision = withDeploymentRevision(this.d, existing.metadata?.annotations?.[REVISION_ANNOTATION] ?? '');
      let status = this.d.status ?? {};
      let needsUpdate = revision.changed;
      if (hasProgressDeadline(this.d) && !getCondition(status, 'Progressing')) {
        status = setCondition(status, newCondition('Progressing', 'True', Reason.FoundNewReplicaSet, `Found new replica set "${existing.metadata?.name}"`, this.now));
        needsUpdate = true;
      }
      if (needsUpdate) this.writeStatus(status, 'record revision of the new ReplicaSet', revision.annotations);
      return { newRS: existing, oldRSs };
    }

    if (!createIfMissing) return { newRS: undefined, oldRSs };

    const hash = computePodTemplateHash(this.d.spec!.template, this.d.status?.collisionCount);
    const skeleton = newReplicaSetFor(this.d, hash, newRevision, 0);
    const replicas = newRSNewReplicas(this.d, [...oldRSs, skeleton], skeleton);
    const created = withSpecReplicas(skeleton, replicas);
    const name = created.metadata!.name!;
    this.actions.push({
      kind: 'createReplicaSet',
      rs: created,
      why: `no ReplicaSet has the current pod template (revision ${newRevision})`,
      event: replicas > 0 ? { type: 'Normal', reason: EventReason.ScalingReplicaSet, message: `Scaled up replica set ${name} from 0 to ${replicas}` } : undefined,
    });
    this.rsList = [...this.rsList, created];

    const revision = withDeploymentRevision(this.d, newRevision);
    let status = this.d.status ?? {};
    let needsUpdate = revision.changed;
    if (hasProgressDeadline(this.d)) {
      status = setCondition(status, newCondition('Progressing', 'True', Reason.NewReplicaSetCreated, `Created new replica set "${name}"`, this.now));
      needsUpdate = true;
    }
    if (needsUpdate) this.writeStatus(status, 'record the new ReplicaSet', revision.annotations);
    return { newRS: created, oldRSs };
  }
}

export function planDeploymentSync(input: SyncInput): DeploymentAction[] {
  const d = input.deployment;
  const plan = new Plan(d, [], input.now);

  if (selectorIsEmpty(d.spec?.selector)) {
    plan.actions.push({
      kind: 'recordEvent',
      why: 'an empty selector would select every pod',
      event: { type: 'Warning', reason: EventReason.SelectingAll, message: 'This deployment is selecting all pods. A non-empty selector is required.' },
    });
    // Generations are JSON numbers, exact here (see shared/int64.ts).
    if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
      plan.writeStatus({ ...(d.status ?? {}), observedGeneration: d.metadata?.generation }, 'observe the generation of an invalid Deployment');
    }
    return plan.actions;
  }

  const claimed: V1ReplicaSet[] = [];
  for (const rs of input.replicaSets) {
    if (rs.metadata?.namespace !== d.metadata?.namespace) continue;
    const decision = claimDecision(d, rs);
    if (decision === 'keep') claimed.push(rs);
    if (decision === 'adopt') {
      plan.actions.push({ kind: 'adoptReplicaSet', rs, why: 'orphan ReplicaSet matches the selector' });
      claimed.push(rs);
    }
    if (decision === 'release') plan.actions.push({ kind: 'releaseReplicaSet', rs, why: 'owned ReplicaSet no longer matches the selector' });
  }
  plan.rsList = claimed;
  const podMap = podsByReplicaSet(d, claimed, input.pods);

  if (d.metadata?.deletionTimestamp) {
    const { newRS, oldRSs } = plan.newAndOld(false);
    plan.syncDeploymentStatus([...oldRSs, newRS], newRS);
    return plan.actions;
  }

  const paused = pausedConditionStatus(plan.d, input.now);
  if (paused) plan.writeStatus(paused, d.spec?.paused ? 'Deployment was paused' : 'Deployment was resumed');

  if (d.spec?.paused) {
    syncScaleOnly(plan);
    return plan.actions;
  }
  if (rollbackTo(plan.d) !== undefined) {
    planRollback(plan);
    return plan.actions;
  }
  {
    const { newRS, oldRSs } = plan.newAndOld(false);
    if (isScalingEvent(plan.d, newRS, oldRSs)) {
      syncScaleOnly(plan);
      return plan.actions;
    }
  }
  const strategy = d.spec?.strategy?.type ?? 'RollingUpdate';
  if (strategy === 'Recreate') rolloutRecreate(plan, podMap);
  else if (strategy === 'RollingUpdate') rolloutRolling(plan);
  else throw new Error(`unexpected deployment strategy type: ${strategy}`);
  return plan.actions;
}

/** sync(): scale (paused or resized Deployments), clean up when paused, record status. */
function syncScaleOnly(plan: Plan): void {
  const { newRS, oldRSs } = plan.newAndOld(false);
  plan.applyScaleSteps(planScale(plan.d, newRS, oldRSs), `Deployment wants ${deploymentReplicas(plan.d)} replicas`);
  if (plan.d.spec?.paused && rollbackTo(plan.d) === undefined) plan.cleanup(oldRSs);
  plan.syncDeploymentStatus([...oldRSs, newRS], newRS);
}

function rolloutRolling(plan: Plan): void {
  const { newRS, oldRSs } = plan.newAndOld(true);
  const all = [...oldRSs, newRS!];

  const up = planNewReplicaSetScale(plan.d, all, newRS!);
  if (up && plan.applyScaleSteps([up], 'rolling update: scale up the new ReplicaSet within maxSurge')) {
    plan.syncRolloutStatus(all, newRS);
    return;
  }
  const down = planOldReplicaSetsScaleDown(plan.d, all, activeReplicaSets(oldRSs), newRS!);
  if (plan.applyScaleSteps(down, 'rolling update: scale down old ReplicaSets within maxUnavailable')) {
    plan.syncRolloutStatus(all, newRS);
    return;
  }
  if (deploymentComplete(plan.d, plan.d.status ?? {})) plan.cleanup(oldRSs);
  plan.syncRolloutStatus(all, newRS);
}

function rolloutRecreate(plan: Plan, podMap: ReadonlyMap<string, V1Pod[]>): void {
  let { newRS, oldRSs } = plan.newAndOld(false);
  let all: (V1ReplicaSet | undefined)[] = [...oldRSs, newRS];

  if (plan.applyScaleSteps(planRecreateScaleDown(oldRSs), 'recreate: scale every old ReplicaSet to zero first')) {
    plan.syncRolloutStatus(all, newRS);
    return;
  }
  if (oldPodsRunning(newRS, oldRSs, podMap)) {
    plan.syncRolloutStatus(all, newRS);
    return;
  }
  if (!newRS) {
    ({ newRS, oldRSs } = plan.newAndOld(true));
    all = [...oldRSs, newRS];
  }
  plan.scale(newRS!, deploymentReplicas(plan.d), 'recreate: old pods are gone, scale up the new ReplicaSet', false);
  if (deploymentComplete(plan.d, plan.d.status ?? {})) plan.cleanup(oldRSs);
  plan.syncRolloutStatus(all, newRS);
}

function planRollback(plan: Plan): void {
  const { newRS, oldRSs } = plan.newAndOld(true);
  const all = [...oldRSs, newRS!];
  const clear = (why: string, event: PlannedEvent | undefined, d: V1Deployment = plan.d) =>
    plan.actions.push({ kind: 'updateDeployment', deployment: withoutRollbackRequest(d), why, event });
  const warn = (reason: string, message: string): PlannedEvent => ({ type: 'Warning', reason, message });

  let revision = rollbackTo(plan.d)!;
  if (revision === 0n) {
    revision = lastRevision(all);
    if (revision === 0n) {
      plan.actions.push({ kind: 'recordEvent', why: 'rollback without a previous revision', event: warn(EventReason.RollbackRevisionNotFound, 'Unable to find last revision.') });
      clear('clear the rollback request', undefined);
      return;
    }
  }
  const target = all.find((rs) => revisionOf(rs) === revision);
  if (!target) {
    plan.actions.push({ kind: 'recordEvent', why: 'rollback to an unknown revision', event: warn(EventReason.RollbackRevisionNotFound, 'Unable to find the revision to rollback to.') });
    clear('clear the rollback request', undefined);
    return;
  }
  if (equalIgnoreHash(plan.d.spec?.template, target.spec?.template)) {
    plan.actions.push({
      kind: 'recordEvent',
      why: 'rollback target has the current template',
      event: warn(EventReason.RollbackTemplateUnchanged, `The rollback revision contains the same template as current deployment "${plan.name}"`),
    });
    clear('clear the rollback request', undefined);
    return;
  }
  clear(`roll back to the template of revision ${revision}`, { type: 'Normal', reason: EventReason.RollbackDone, message: `Rolled back deployment "${plan.name}" to revision ${revision}` }, rolledBackTo(plan.d, target));
}
