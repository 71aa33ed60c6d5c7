/**
 * `lab demo`: from nothing to the chain of events, live, in one command. Brings the cluster up if
 * needed, hands Deployments to the lab (built-in controllers off), runs the lab's three components
 * traced, creates a Deployment and shows every step until its pods run, then writes the report.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Progress } from '../base/progress.js';
import { setBuiltinControllers } from '../cluster/builtin-controllers.js';
import { putRightAfterCrashes } from '../cluster/undo-journal.js';
import { clusterHealth } from '../cluster/health.js';
import { kubectl } from '../cluster/kubectl.js';
import { up } from '../cluster/lifecycle.js';
import { adminKubeconfigPath, stateDir } from '../cluster/paths.js';
import { clientsFor, loadKubeConfig } from '../../controllers/shared/kube.js';
import { refuseIfAnotherLabRuns } from '../run/another-lab.js';
import { ensureMachineReady } from '../cluster/setup.js';
import { decideImagePlan } from '../cluster/images-record.js';
import { WORKLOAD } from '../cluster/workload-image.js';
import { LabError } from '../base/errors.js';
import { correlate } from '../trace/correlate.js';
import { readJsonlFile } from '../trace/export/jsonl.js';
import { filterEntries } from '../trace/filter.js';
import { startLiveView } from '../trace/live.js';
import { renderExport } from '../trace/session.js';
import { Timeline } from '../trace/timeline.js';
import { waitPodsRunning } from '../cluster/pods.js';
import { startLab, type LabProcess } from '../run/lab-process.js';
import { deploymentManifest } from '../cluster/workload-image.js';
import { asInput, firstRunningAt, followJsonl, type Follower } from './follow.js';

export interface DemoOptions {
  progress: Progress;
  replicas: number;
  namespace: string;
  keepRunning: boolean;
  timeoutSeconds: number;
  /** Delete the cluster first and create it anew (CI: a cluster does not survive a restart of dockerd). */
  recreate?: boolean;
  /** Where the live lines go (stderr, so --output json stays clean). */
  write?: (line: string) => void;
}

export interface DemoResult {
  namespace: string;
  deployment: string;
  replicas: number;
  clusterCreated: boolean;
  /** From the demo's start to the first pod Running. */
  firstPodRunningMs?: number;
  /** From creating the Deployment to all pods Running. */
  allRunningMs: number;
  report: { html: string; mermaid: string; jsonl: string };
  traceEntries: number;
  leftBehind: string[];
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const { progress, namespace, replicas } = opts;
  const started = Date.now();
  const dir = join(stateDir(), 'demo');
  await mkdir(dir, { recursive: true });
  const files = { html: join(dir, 'report.html'), mermaid: join(dir, 'report.mmd'), jsonl: join(dir, 'trace.jsonl') };
  await writeFile(files.jsonl, '', 'utf8'); // a fresh trace: the follower must not replay an old demo

  // A fresh machine: Docker, the node image (said first, with why and how long), then the cluster.
  const plan = await decideImagePlan(progress, { recreate: !!opts.recreate });
  await ensureMachineReady(progress, { nodeImage: plan.nodeImage, skipIfClusterHealthy: !opts.recreate });
  const health = await progress.step('checking the cluster', () => clusterHealth());
  let clusterCreated = false;
  if (!health.healthy || opts.recreate) {
    // A cluster that exists but is broken (a restarted Docker engine, say) is made anew: the
    // demo's promise is a working chain of events, and the cluster holds nothing of the learner's yet.
    if (health.exists && !health.healthy) progress.info(`cluster is not healthy (${health.problems.join('; ')}); creating it anew`);
    const result = await up(progress, { recreate: health.exists, plan });
    clusterCreated = result.created;
  }
  await refuseIfAnotherLabRuns(clientsFor(loadKubeConfig(adminKubeconfigPath()), 'k8s-flow-lab/demo').coordination);
  await putRightAfterCrashes(progress, { builtinControllers: 'being set' });
  await progress.step("handing Deployments to the lab: built-in controllers off (~30 s)", () => setBuiltinControllers(false, progress));

  const timeline = new Timeline({ startMs: started });
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  let stopLive: (() => void) | undefined;
  let follower: Follower | undefined;
  let lab: LabProcess | undefined;
  try {
    stopLive = startLiveView(timeline, { filter: { namespace }, write, width: () => process.stderr.columns || 160 });
    follower = followJsonl(files.jsonl, (e) => timeline.append(asInput(e)));
    lab = startLab({ only: ['deployment', 'replicaset', 'scheduler'], trace: files.jsonl, command: 'lab demo' });
    const running = lab;
    await progress.step("starting the lab's Deployment controller, ReplicaSet controller and lab-scheduler", () => running.ready);

    await progress.step(`namespace ${namespace}, Deployment web (${replicas} × ${WORKLOAD.image}, schedulerName lab-scheduler)`, async () => {
      const ns = await kubectl(['create', 'namespace', namespace], { reject: false });
      if (ns.exitCode !== 0 && !/AlreadyExists/.test(ns.stderr)) throw new LabError(`could not create namespace ${namespace}: ${ns.stderr.trim()}`);
      await kubectl(['delete', 'deployment', 'web', '-n', namespace, '--ignore-not-found', '--wait=true']);
      await kubectl(['create', '-f', '-'], { input: JSON.stringify(deploymentManifest(namespace, replicas, 'lab-scheduler')) });
    });
    const created = Date.now();
    progress.info('the chain of events, live:');
    try {
      await waitPodsRunning(namespace, replicas, opts.timeoutSeconds * 1000);
    } catch (err) {
      throw new LabError(
        `${(err as Error).message} (waited ${opts.timeoutSeconds} s)`,
        `look at the pods: npx lab kubectl -- get pods -n ${namespace} -o wide; and events: npx lab kubectl -- get events -n ${namespace}`,
      );
    }
    const allRunningMs = Date.now() - created;
    await new Promise((r) => setTimeout(r, 2000)); // the kubelet's last status writes and late audit lines
    await follower.stop();

    const entries = await readJsonlFile(files.jsonl);
    const selected = filterEntries(correlate(entries), { namespace });
    const title = `lab demo: kubectl create deployment web (${replicas} replicas) → pods Running`;
    await progress.step('writing the report', async () => {
      await writeFile(files.html, await renderExport('html', selected, { title }), 'utf8');
      await writeFile(files.mermaid, await renderExport('mermaid', selected, { title }), 'utf8');
    });
    const firstRunning = firstRunningAt(entries, namespace);
    if (opts.keepRunning) {
      progress.info("the lab's controllers keep running; press Ctrl-C to stop them");
      await running.done.catch(() => {});
    }
    const result: DemoResult = {
      namespace,
      deployment: 'web',
      replicas,
      clusterCreated,
      allRunningMs,
      report: files,
      traceEntries: entries.length,
      leftBehind: [
        "the built-in Deployment/ReplicaSet controllers are off (the lab's own are stopped): `npx lab controllers builtin on` restores them",
        `namespace ${namespace} with Deployment web and its ${replicas} pods: \`npx lab kubectl -- delete namespace ${namespace}\` removes them`,
      ],
    };
    if (firstRunning !== undefined) result.firstPodRunningMs = firstRunning - started;
    return result;
  } finally {
    await follower?.stop();
    stopLive?.();
    await lab?.stop();
  }
}
