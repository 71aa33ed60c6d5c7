/**
 * Who serves the specs: for apps the lab's Deployment and ReplicaSet controllers (the built-ins
 * off) or kube-controller-manager's built-ins (the reference run); for scheduling lab-scheduler as
 * default-scheduler (kube-scheduler stopped) or kube-scheduler. The decision is pure; `handOver`
 * carries it out and returns how to put things back as they were. A switch of the built-in
 * controllers is kept in an undo journal (lab/cluster/undo-journal.ts) until `restore` has put them
 * back, so a conformance run killed in between leaves it for the next start to put right.
 */
import { BadInputError } from '../base/errors.js';
import type { Progress } from '../base/progress.js';
import { readBuiltinControllers, setBuiltinControllers } from '../cluster/builtin-controllers.js';
import { openUndoJournal, putRightAfterCrashes, type UndoJournal } from '../cluster/undo-journal.js';
import { adminKubeconfigPath } from '../cluster/paths.js';
import { clientsFor, loadKubeConfig } from '../../controllers/shared/kube.js';
import { startLab, type LabProcess } from '../run/lab-process.js';
import { AnotherLabRunningError } from '../run/another-lab.js';
import { startKubeScheduler, stopKubeScheduler } from './kube-scheduler.js';
import type { SetName } from './sets.js';
import { howToStop, readLabActivity, type LabProcessRecord } from '../run/presence.js';
import type { Component } from '../run/components.js';

export type Against = 'lab' | 'builtin';
export const APPS_COMPONENTS: Component[] = ['deployment', 'replicaset'];

export type ControllerPlan =
  | { kind: 'use-running'; process: LabProcessRecord; describe: string }
  | { kind: 'start-lab'; describe: string }
  | { kind: 'start-lab-scheduler'; describe: string }
  | { kind: 'builtin'; describe: string };

const runsApps = (p: LabProcessRecord) => APPS_COMPONENTS.every((c) => p.components.includes(c));
/** A lab scheduler that serves (or, a record without its name, may serve) default-scheduler: the scheduling set's one. */
const servesDefaultScheduler = (p: LabProcessRecord) => p.components.includes('scheduler') && (p.schedulerName ?? 'default-scheduler') === 'default-scheduler';
const touchesApps = (p: LabProcessRecord) => APPS_COMPONENTS.some((c) => p.components.includes(c));
const who = (p: LabProcessRecord) => `pid ${p.pid} on ${p.host} (${p.command}, components ${p.components.join(', ') || 'none'})`;
const stopThem = (ps: readonly LabProcessRecord[]) => ps.map((p) => howToStop(p)).join(', ');

/**
 * Who serves the set's specs. Apps against the lab: a lab process already running both
 * controllers is used as it is; one running only one of them would keep that one's lease, so it is
 * refused; one running neither (a scheduler) runs beside this one. Apps against the built-ins: no lab controller may run, or both
 * would act on every object. Scheduling against the lab: this process runs lab-scheduler as
 * default-scheduler, so no other lab scheduler may serve that name (labs serving other names, and
 * controllers, run beside it); against the built-ins kube-scheduler serves alone.
 */
export function planControllers(set: SetName, against: Against, alive: readonly LabProcessRecord[]): ControllerPlan {
  if (against === 'builtin') {
    const apps = alive.filter(touchesApps);
    if (set === 'apps' && apps.length > 0) {
      throw new BadInputError(
        `the reference run needs the built-in controllers alone, but a lab process runs Deployment/ReplicaSet controllers: ${apps.map(who).join('; ')}`,
        `stop it first (${stopThem(apps)}), then run this again`,
      );
    }
    return set === 'apps'
      ? { kind: 'builtin', describe: "kube-controller-manager's built-in Deployment and ReplicaSet controllers" }
      : { kind: 'builtin', describe: 'kube-scheduler as default-scheduler' };
  }
  const full = set === 'apps' ? alive.find(runsApps) : undefined;
  if (full) return { kind: 'use-running', process: full, describe: `the running lab, ${who(full)}` };
  // Leader leases are per component, and a scheduler's per scheduler name: a lab that runs neither
  // controller (its scheduler, say) holds none of the leases an apps run needs, and one whose
  // scheduler serves another name (lab-scheduler) none a scheduling run needs, so they run side by
  // side. One that holds a lease this run needs would keep it.
  const blocking = set === 'apps' ? alive.filter(touchesApps) : alive.filter(servesDefaultScheduler);
  if (blocking.length > 0) {
    throw new BadInputError(
      `another lab process runs ${set === 'apps' ? 'only one of the Deployment and ReplicaSet controllers' : 'a scheduler serving default-scheduler'}: ${blocking.map(who).join('; ')}; the one this run starts would only stand by for it (one writer at a time)`,
      set === 'apps'
        ? `stop it (${stopThem(blocking)}), or run both controllers in it: npx lab run --only deployment,replicaset`
        : `stop it first (${stopThem(blocking)}), then run this again`,
    );
  }
  return set === 'apps'
    ? { kind: 'start-lab', describe: "the lab's Deployment and ReplicaSet controllers, started by this command (built-ins off)" }
    : { kind: 'start-lab-scheduler', describe: 'lab-scheduler serving default-scheduler, started by this command (kube-scheduler stopped)' };
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

/** How long a run waits for another session's lab process that started while the built-ins were being switched. */
export const WAIT_FOR_OTHER_LAB_MS = 6 * 60_000;

/**
 * Starts the lab in this process and waits until it is ready; stops it again if it never is.
 * Switching the built-ins takes ~30 s, and another session may start its own `lab run` in that
 * window (it sees them off); then this waits for that process to end and tries again, for a while.
 */
async function startReady(progress: Progress, title: string, opts: Parameters<typeof startLab>[0]): Promise<LabProcess> {
  const giveUpAt = Date.now() + WAIT_FOR_OTHER_LAB_MS;
  for (;;) {
    const lab = startLab(opts);
    try {
      await progress.step(title, () => lab.ready);
      return lab;
    } catch (err) {
      await lab.stop();
      if (!(err instanceof AnotherLabRunningError) || Date.now() > giveUpAt) throw err;
      await progress.step(`waiting for another session's lab to stop (${err.running.map((p) => `pid ${p.pid}`).join(', ')})`, async (update) => {
        while ((await aliveLabProcesses()).length > 0) {
          if (Date.now() > giveUpAt) throw err;
          update(`still running; giving up in ${Math.round((giveUpAt - Date.now()) / 1000)} s`);
          await new Promise((r) => setTimeout(r, 5000));
        }
      });
    }
  }
}

/** Makes `against` the one serving the set's specs; `restore` puts everything back as it was. */
export async function handOver(set: SetName, against: Against, progress: Progress, trace?: string): Promise<HandedOver> {
  const plan = planControllers(set, against, await aliveLabProcesses());
  const traced = trace ? { trace } : {};
  if (set === 'scheduling') {
    await startKubeScheduler(progress); // one an earlier run left parked
    if (plan.kind === 'builtin') return { plan, restore: async () => {} };
    const startAgain = await stopKubeScheduler(progress);
    let lab: LabProcess | undefined;
    try {
      // 'standby' lets it start beside labs whose schedulers serve other names (planControllers refused the rest).
      lab = await startReady(progress, 'starting lab-scheduler as default-scheduler', { only: ['scheduler'], schedulerName: 'default-scheduler', force: true, command: 'lab conformance', whenAnotherLabRuns: 'standby', ...traced });
    } catch (err) {
      await startAgain();
      throw err;
    }
    const running = lab;
    return { plan, restore: async () => {
      try {
        await running.stop();
      } finally {
        await startAgain();
      }
    } };
  }
  // Before reading `before`: a bench, compare or conformance run killed mid-run may have left them switched.
  await putRightAfterCrashes(progress);
  const before = await readBuiltinControllers();
  const wereOn = before.deploymentController && before.replicasetController;
  const wereOff = !before.deploymentController && !before.replicasetController;
  let journal: UndoJournal | undefined;
  /** Records what to go back to, then switches the built-ins to `to`. */
  const switchTo = async (to: boolean) => {
    journal = openUndoJournal('conformance');
    journal.recordBuiltinControllers(!to);
    await setBuiltinControllers(to, progress);
  };
  /** Switches the built-ins back to how they were, if this run changed them; the record goes once they are. */
  const switchBack = async (changedTo: boolean) => {
    if (changedTo ? !wereOn : !wereOff) await setBuiltinControllers(!changedTo, progress);
    journal?.close();
  };
  if (plan.kind === 'builtin') {
    if (!wereOn) await progress.step('built-in controllers on for the reference run (~30 s)', () => switchTo(true));
    return { plan, restore: () => switchBack(true) };
  }
  if (plan.kind === 'use-running') {
    if (!wereOff) throw new BadInputError('a lab runs the controllers but the built-ins are on too', 'npx lab controllers builtin off');
    return { plan, restore: async () => {} };
  }
  if (!wereOff) await progress.step('built-in controllers off (~30 s)', () => switchTo(false));
  let lab: LabProcess;
  try {
    lab = await startReady(progress, "starting the lab's Deployment and ReplicaSet controllers", { only: APPS_COMPONENTS, command: 'lab conformance', whenAnotherLabRuns: 'standby', ...traced });
  } catch (err) {
    await switchBack(false);
    throw err;
  }
  return { plan, restore: async () => {
    try {
      await lab.stop();
    } finally {
      await switchBack(false);
    }
  } };
}
