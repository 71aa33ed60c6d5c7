/**
 * Stopping kube-scheduler for the scheduling set and starting it again. It runs as a static pod:
 * the kubelet on the control-plane node runs what /etc/kubernetes/manifests/kube-scheduler.yaml
 * says. Moving the file out of that directory stops it (the kubelet also deletes its mirror pod);
 * moving it back starts it. The parked file is the proof it was this command that stopped it, so a
 * run that died half-way is put right by the next one.
 */
import { LabError } from '../base/errors.js';
import type { Progress } from '../base/progress.js';
import { kubectl } from '../cluster/kubectl.js';
import { controlPlaneContainer, execInNode } from '../cluster/nodes.js';

export const MANIFEST = '/etc/kubernetes/manifests/kube-scheduler.yaml';
export const PARKED = '/etc/kubernetes/kube-scheduler.yaml.lab-conformance';

/** The shell that parks the manifest, or puts it back; each refuses when its source is missing. */
export function moveScript(stop: boolean): string {
  const [from, to] = stop ? [MANIFEST, PARKED] : [PARKED, MANIFEST];
  return `test -f ${from} && mv ${from} ${to}`;
}

export type MirrorPodState = 'running' | 'gone' | 'other';

/** From `kubectl get pods -l component=kube-scheduler -o json`: is kube-scheduler up (Ready), gone, or between? */
export function mirrorPodState(list: { items?: { status?: { conditions?: { type: string; status: string }[] } }[] }): MirrorPodState {
  const items = list.items ?? [];
  if (items.length === 0) return 'gone';
  const ready = items.some((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  return ready ? 'running' : 'other';
}

async function schedulerPods(): Promise<MirrorPodState> {
  const { stdout } = await kubectl(['-n', 'kube-system', 'get', 'pods', '-l', 'component=kube-scheduler', '-o', 'json']);
  return mirrorPodState(JSON.parse(stdout) as Parameters<typeof mirrorPodState>[0]);
}

async function waitFor(want: MirrorPodState, timeoutMs: number, update: (s: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await schedulerPods();
    if (state === want) return;
    update(`kube-scheduler's pod: ${state}, waiting for ${want}`);
    if (Date.now() > deadline) throw new LabError(`kube-scheduler's pod did not become ${want} in ${timeoutMs / 1000} s`, `look: npx lab kubectl -- -n kube-system get pods -l component=kube-scheduler; the manifest is ${MANIFEST} (parked: ${PARKED}) on the control-plane node`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function move(node: string, stop: boolean): Promise<boolean> {
  return (await execInNode(node, ['sh', '-c', moveScript(stop)])).exitCode === 0;
}

/** Puts a parked kube-scheduler back (left by a run that died) and waits until it runs. */
export async function startKubeScheduler(progress: Progress): Promise<boolean> {
  const node = await controlPlaneContainer();
  if (!(await move(node, false))) return false;
  await progress.step('kube-scheduler back on', (update) => waitFor('running', 180_000, update));
  return true;
}

/** Stops kube-scheduler; returns what starts it again. */
export async function stopKubeScheduler(progress: Progress): Promise<() => Promise<void>> {
  const node = await controlPlaneContainer();
  await progress.step('kube-scheduler off (its static pod manifest parked)', async (update) => {
    if (!(await move(node, true))) throw new LabError(`${MANIFEST} is not on ${node}`, 'is kube-scheduler running? `npx lab status`');
    await waitFor('gone', 120_000, update);
  });
  return async () => {
    await startKubeScheduler(progress);
  };
}
