/**
 * What must be true before `lab run` starts a component, as pure functions of what was asked and
 * what the cluster says, so every refusal and its fix is unit-tested.
 */
import { LabError } from '../base/errors.js';
import type { Component } from './components.js';

export interface BuiltinState {
  deploymentController: boolean;
  replicasetController: boolean;
}

/** Built-in controllers that would fight ours over the same objects. */
export function builtinConflicts(only: readonly Component[], builtin: BuiltinState): string[] {
  const conflicts: string[] = [];
  if (only.includes('deployment') && builtin.deploymentController) conflicts.push('deployment');
  if (only.includes('replicaset') && builtin.replicasetController) conflicts.push('replicaset');
  return conflicts;
}

/**
 * Two controllers for the same objects both act on every change: two ReplicaSets per rollout,
 * pods created twice, scale-downs racing. Refuse unless --force, and say how to fix it.
 */
export function checkBuiltinControllers(only: readonly Component[], builtin: BuiltinState, force: boolean): string | undefined {
  const conflicts = builtinConflicts(only, builtin);
  if (conflicts.length === 0) return undefined;
  const names = conflicts.map((c) => `${c} controller`).join(' and ');
  const why = `the built-in ${names} of kube-controller-manager ${conflicts.length > 1 ? 'are' : 'is'} still on, so ${conflicts.length > 1 ? 'they' : 'it'} and the lab's would both act on the same objects`;
  if (force) return `warning: ${why} (continuing because of --force)`;
  throw new LabError(
    `refusing to start: ${why}`,
    'run `npx lab controllers builtin off` first (or `lab run --only scheduler`, or --force to run both anyway)',
  );
}

/** kube-scheduler serves "default-scheduler"; ours taking that name would race it for every pod. */
export function checkSchedulerName(schedulerName: string, force: boolean): string | undefined {
  if (schedulerName !== 'default-scheduler') return undefined;
  const why = 'the lab scheduler would share the name "default-scheduler" with kube-scheduler, and both would try to bind every pod';
  if (force) return `warning: ${why} (continuing because of --force)`;
  throw new LabError(`refusing to start: ${why}`, 'use another --scheduler-name (the default, lab-scheduler, is served by the lab only) and set spec.schedulerName in your pods');
}
