/**
 * Who reconciles the specs' Deployments and ReplicaSets during an apps run: the lab's controllers
 * (the built-ins off) or kube-controller-manager's built-ins (the reference run). The decision is
 * pure; `handOver` carries it out and returns how to put things back as they were.
 */
import { BadInputError } from '../base/errors.js';
import type { Progress } from '../base/progress.js';
import { readBuiltinControllers, setBuiltinControllers } from '../cluster/builtin-controllers.js';
import { adminKubeconfigPath } from '../cluster/paths.js';
import { clientsFor, loadKubeConfig } from '../../controllers/shared/kube.js';
import { startLab } from '../compare/lab-process.js';
import { howToStop, readLabActivity, type LabProcessRecord } from '../run/presence.js';
import type { Component } from '../run/components.js';

export type Against = 'lab' | 'builtin';
export const APPS_COMPONENTS: Component[] = ['deployment', 'replicaset'];

export type ControllerPlan =
  | { kind: 'use-running'; process: LabProcessRecord; describe: string }
  | { kind: 'start-lab'; describe: string }
  | { kind: 'builtin'; describe: string };

const runsApps = (p: LabProcessRecord) => APPS_COMPONENTS.every((c) => p.components.includes(c));
const touchesApps = (p: LabProcessRecord) => APPS_COMPONENTS.some((c) => p.components.includes(c));
const who = (p: LabProcessRecord) => `pid ${p.pid} on ${p.host} (${p.command}, components ${p.components.join(', ') || 'none'})`;

/**
 * Against the lab: a lab process already running both controllers is used as it is (it is the
 * writer; a second would only stand by); a lab running only some of them cannot serve the run.
 * Against the built-ins: no lab controller may run, or both would act on every object.
 */
export function planControllers(against: Against, alive: readonly LabProcessRecord[]): ControllerPlan {
  const apps = alive.filter(touchesApps);
  if (against === 'builtin') {
    if (apps.length > 0) {
      throw new BadInputError(
        `the reference run needs the built-in controllers alone, but a lab process runs Deployment/ReplicaSet controllers: ${apps.map(who).join('; ')}`,
        `stop it first (${apps.map((p) => howToStop(p)).join(', ')}), then run this again`,
      );
    }
    return { kind: 'builtin', describe: "kube-controller-manager's built-in Deployment and ReplicaSet controllers" };
  }
  const full = apps.find(runsApps);
  if (full) return { kind: 'use-running', process: full, describe: `the running lab, ${who(full)}` };
  if (apps.length > 0) {
    throw new BadInputError(
      `a lab process runs only some of the Deployment and ReplicaSet controllers: ${apps.map(who).join('; ')}`,
      `stop it (${apps.map((p) => howToStop(p)).join(', ')}) so that this run starts both, or start both yourself: npx lab run --only deployment,replicaset`,
    );
  }
  return { kind: 'start-lab', describe: "the lab's Deployment and ReplicaSet controllers, started by this command (built-ins off)" };
}

export interface HandedOver {
  plan: ControllerPlan;
  /** Puts the controllers back as they were (stops the lab this command started, switches the built-ins back). */
  restore(): Promise<void>;
}

export async function aliveLabProcesses(): Promise<LabProcessRecord[]> {
  const client = clientsFor(loadKubeConfig(adminKubeconfigPath()), 'k8s-flow-lab/conformance').coordination;
  return (await readLabActivity(client)).processes.filter((p) => p.alive);
}

/** Makes `against` the one reconciling Deployments and ReplicaSets. */
export async function handOver(against: Against, progress: Progress, trace?: string): Promise<HandedOver> {
  const plan = planControllers(against, await aliveLabProcesses());
  const before = await readBuiltinControllers();
  const wereOn = before.deploymentController && before.replicasetController;
  const wereOff = !before.deploymentController && !before.replicasetController;
  /** Switches the built-ins back to how they were, if this run changed them. */
  const switchBack = async (changedTo: boolean) => {
    if (changedTo ? !wereOn : !wereOff) await setBuiltinControllers(!changedTo, progress);
  };
  if (plan.kind === 'builtin') {
    if (!wereOn) await progress.step('built-in controllers on for the reference run (~30 s)', () => setBuiltinControllers(true, progress));
    return { plan, restore: () => switchBack(true) };
  }
  if (plan.kind === 'use-running') {
    if (!wereOff) throw new BadInputError('a lab runs the controllers but the built-ins are on too', 'npx lab controllers builtin off');
    return { plan, restore: async () => {} };
  }
  if (!wereOff) await progress.step('built-in controllers off (~30 s)', () => setBuiltinControllers(false, progress));
  const lab = startLab({ only: APPS_COMPONENTS, command: 'lab conformance', ...(trace ? { trace } : {}) });
  try {
    await progress.step("starting the lab's Deployment and ReplicaSet controllers", () => lab.ready);
  } catch (err) {
    await lab.stop();
    await switchBack(false);
    throw err;
  }
  return {
    plan,
    restore: async () => {
      await lab.stop();
      await switchBack(false);
    },
  };
}
