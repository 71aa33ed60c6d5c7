import { execa } from 'execa';
import { rmSync } from 'node:fs';
import { BadInputError, LabError } from '../base/errors.js';
import { pollUntil } from '../base/poll.js';
import type { Progress } from '../base/progress.js';
import { run } from './exec.js';
import { clusterHealth, type ClusterHealth } from './health.js';
import { imageExists, requireDocker } from './image/docker-images.js';
import { NODE_IMAGE } from './image/build.js';
import { workloadArchivesPresent } from './image/workload-archives.js';
import { countNodes, loadKindConfig, writeRenderedKindConfig } from './kind-config.js';
import { requireKind } from './kind.js';
import { kubectl } from './kubectl.js';
import { loadImageArchive, listNodeContainers } from './nodes.js';
import { adminKubeconfigPath, CLUSTER_NAME } from './paths.js';
import { discardGoneRecords } from './undo-journal.js';
import { pointNewNodesAtRegistry } from './registry/new-cluster.js';
import { simulatedNodesNote } from './simulated-nodes/up-note.js';
import type { ImagePlan } from './image-plan.js';
import { writeImagesRecord } from './images-record.js';
import { WORKLOAD } from './workload-image.js';

export interface UpOptions {
  recreate?: boolean;
  /** Node image; defaults to the plan's, else $LAB_NODE_IMAGE or the image `lab image build` makes. */
  image?: string;
  /** The images decided for this cluster (decideImagePlan); recorded when the cluster is created. */
  plan?: ImagePlan;
  readyTimeoutMs?: number;
}

export interface UpResult {
  cluster: string;
  created: boolean;
  image: string;
  kubeconfig: string;
  nodes: ClusterHealth['nodes'];
  timings: { createMs: number; readyMs: number; loadImagesMs: number; totalMs: number };
}

/**
 * `lab up`: a healthy cluster named `lab` is reused; a broken one is reported (fix: --recreate);
 * otherwise kind creates it from kind-config.yaml with the offline node image, then the lab waits
 * for every node to be Ready and loads the workload images into the nodes.
 */
export async function up(progress: Progress, opts: UpOptions = {}): Promise<UpResult> {
  const started = Date.now();
  const config = loadKindConfig(); // bad YAML fails here, before anything changes
  await progress.step('checking Docker and kind', async () => {
    await requireDocker();
    await requireKind();
  });
  const image = opts.image ?? opts.plan?.nodeImage ?? NODE_IMAGE;
  const existing = await clusterHealth();
  if (existing.exists && !opts.recreate) {
    if (!existing.healthy) {
      throw new LabError(
        `cluster "${CLUSTER_NAME}" exists but is not healthy:\n  - ${existing.problems.join('\n  - ')}`,
        '`npx lab up --recreate` deletes and recreates it (or `npx lab down` to remove it)',
      );
    }
    progress.info(`cluster "${CLUSTER_NAME}" is already up and healthy; reusing it (--recreate to rebuild)`);
    const simulated = await simulatedNodesNote().catch(() => undefined); // left by an earlier session, or by a crash
    if (simulated) progress.info(simulated);
    const loadImagesMs = await loadWorkloadImages(progress, opts.plan);
    return {
      cluster: CLUSTER_NAME, created: false, image: existing.containers[0]?.image ?? image, kubeconfig: adminKubeconfigPath(), nodes: existing.nodes,
      timings: { createMs: 0, readyMs: 0, loadImagesMs, totalMs: Date.now() - started },
    };
  }
  if (!(await imageExists(image))) {
    const ours = image === NODE_IMAGE;
    if (ours || !image.includes('/') || image.startsWith('lab.local/')) {
      throw new BadInputError(
        `node image ${image} is not on this machine`,
        ours ? 'build it (offline, cached): `npx lab image build`, or use kind\'s image where Docker Hub is reachable: `LAB_IMAGE_MODE=online npx lab up`' : `build or load ${image} first, or leave out --image`,
      );
    }
    progress.info(`node image ${image} is not local; kind will pull it`);
  }
  if (existing.exists) await down(progress);

  const configPath = writeRenderedKindConfig(CLUSTER_NAME);
  const { controlPlanes, workers } = countNodes(config);
  const createStart = Date.now();
  await progress.step(`creating cluster "${CLUSTER_NAME}" (${controlPlanes} control plane, ${workers} workers) from ${image}`, async (update) => {
    const kind = await requireKind();
    const child = execa(kind, ['create', 'cluster', '--name', CLUSTER_NAME, '--config', configPath, '--image', image, '--kubeconfig', adminKubeconfigPath()], {
      reject: false,
      all: true,
    });
    let tail: string[] = [];
    child.all?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
        tail = [...tail.slice(-30), line];
        // kind's own progress lines (Ensuring node image, Preparing nodes, Starting control-plane, ...)
        if (/^[✓✗•]|^ [✓✗•]|Ensuring|Preparing|Writing|Starting|Installing|Joining|Set kubectl|Creating cluster/.test(line)) update(line.replace(/^[✓✗•]\s*/, ''));
      }
    });
    const result = await child;
    if (result.exitCode !== 0) {
      throw new LabError(`kind create cluster failed:\n${tail.join('\n')}`, 'see the lines above; `npx lab down` cleans up, `LAB_DEBUG=1` shows more');
    }
  });
  const createMs = Date.now() - createStart;
  const discarded = discardGoneRecords();
  if (discarded.length > 0) progress.info(`a new cluster: nothing to put back for what ${discarded.length === 1 ? 'a dead lab command' : 'dead lab commands'} left in the old one (${discarded.join(', ')} removed)`);

  const readyStart = Date.now();
  const health = await progress.step('waiting for every node to be Ready', (update) => waitForReady(update, opts.readyTimeoutMs ?? 300_000));
  const readyMs = Date.now() - readyStart;
  if (opts.plan) writeImagesRecord(opts.plan);
  const mirror = await pointNewNodesAtRegistry(progress); // the lab registry, or LAB_REGISTRY_MIRROR's, when there is one
  const loadImagesMs = await loadWorkloadImages(progress, opts.plan, mirror);
  return {
    cluster: CLUSTER_NAME, created: true, image, kubeconfig: adminKubeconfigPath(), nodes: health.nodes,
    timings: { createMs, readyMs, loadImagesMs, totalMs: Date.now() - started },
  };
}

async function waitForReady(update: (s: string) => void, timeoutMs: number): Promise<ClusterHealth> {
  let last = '';
  let problems: string[] = [];
  const probe = async () => {
    const health = await clusterHealth(CLUSTER_NAME, { syncKubeconfig: false }); // kind create just wrote it
    const ready = health.nodes.filter((n) => n.ready === true).length;
    const line = `${ready}/${health.nodes.length} nodes Ready`;
    if (line !== last) update((last = line));
    problems = health.problems;
    return health.healthy ? health : undefined;
  };
  const timedOut = () => new LabError(`nodes not Ready after ${timeoutMs / 1000} s:\n  - ${problems.join('\n  - ')}`, '`npx lab status` shows the state; `npx lab up --recreate` starts over');
  return pollUntil(probe, { timeoutMs, intervalMs: 2000, timedOut });
}

/** Loads the workload image archives built here (agnhost) into every node; online, the nodes pull instead. */
async function loadWorkloadImages(progress: Progress, plan?: ImagePlan, mirror?: string): Promise<number> {
  const archives = workloadArchivesPresent();
  if (archives.length === 0) {
    progress.info(mirror
      ? `the nodes will pull ${WORKLOAD.image} through the registry ${mirror} when the first pod needs it`
      : plan?.mode === 'online'
        ? `the nodes will pull ${plan.workload.image} when the first pod needs it`
        : `no workload image archives found (run \`npx lab image build\` to build ${WORKLOAD.image}, or bring a registry: \`npx lab registry up\`)`);
    return 0;
  }
  const start = Date.now();
  await progress.step(`loading ${archives.length} workload image(s) into the nodes`, async () => {
    for (const archive of archives) await loadImageArchive(archive);
  });
  return Date.now() - start;
}

/** `lab down`: deletes the cluster; no cluster is not an error. */
export async function down(progress: Progress): Promise<{ deleted: boolean }> {
  await requireDocker();
  const nodes = await listNodeContainers();
  if (nodes.length === 0) {
    progress.info(`no cluster named "${CLUSTER_NAME}"; nothing to do`);
    return { deleted: false };
  }
  await progress.step(`deleting cluster "${CLUSTER_NAME}"`, async () => {
    const kind = await requireKind().catch(() => undefined);
    if (kind) await run(kind, ['delete', 'cluster', '--name', CLUSTER_NAME, '--kubeconfig', adminKubeconfigPath()]);
    else await run('docker', ['rm', '-f', '-v', ...nodes.map((n) => n.name)]);
  });
  rmSync(adminKubeconfigPath(), { force: true });
  return { deleted: true };
}

/** Sanity check used by `lab status`: can kubectl reach the cluster at all? */
export async function apiReachable(): Promise<boolean> {
  return (await kubectl(['get', '--raw', '/readyz'], { reject: false, timeoutMs: 10_000 })).exitCode === 0;
}
