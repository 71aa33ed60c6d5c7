import { join } from 'node:path';
import { z } from 'zod';
import type { Progress } from '../base/progress.js';
import { clusterHealth } from './health.js';
import { modeOfNodeImage, planImages, type ImageMode, type ImagePlan } from './image-plan.js';
import { readJsonRecord, writeJsonRecord } from './json-record.js';
import { NODE_IMAGE } from './image/build.js';
import { stateDir } from './paths.js';
import { probeRegistries } from './registry-probe.js';
import { resolveWorkloadImage } from './workload-image.js';

/**
 * Which images the cluster was created with and why, written by `lab up` when it creates the
 * cluster (.lab/images.json) and read by `lab status` and `lab doctor`.
 */
const recordSchema = z.object({
  mode: z.enum(['online', 'offline']),
  reason: z.string(),
  nodeImage: z.string(),
  workloadImage: z.string(),
  decidedAt: z.string(),
});
export type ImagesRecord = z.infer<typeof recordSchema>;

export function imagesRecordPath(): string {
  return join(stateDir(), 'images.json');
}

export function writeImagesRecord(plan: ImagePlan, now = new Date()): void {
  const record: ImagesRecord = { mode: plan.mode, reason: plan.reason, nodeImage: plan.nodeImage, workloadImage: plan.workload.image, decidedAt: now.toISOString() };
  writeJsonRecord(imagesRecordPath(), record);
}

/** The record, or undefined when there is none or it does not parse (an older checkout wrote none). */
export function readImagesRecord(): ImagesRecord | undefined {
  const parsed = recordSchema.safeParse(readJsonRecord(imagesRecordPath()));
  return parsed.success ? parsed.data : undefined;
}

/** The mode of the running cluster and why, from its record when it matches the node image, else from the image alone. */
export function describeClusterMode(nodeImage: string | undefined, record = readImagesRecord()): { mode?: ImageMode; reason: string } {
  const mode = modeOfNodeImage(nodeImage);
  if (!mode) return { reason: 'no cluster' };
  if (record && record.nodeImage === nodeImage) return { mode, reason: record.reason };
  return { mode, reason: mode === 'offline' ? 'its nodes run the node image built here' : `its nodes run ${nodeImage}` };
}

/**
 * Decides the images for `lab up`/`lab demo`: a healthy cluster that will be reused keeps its own
 * (no probe); otherwise the registries are probed (at most PROBE_TIMEOUT_MS) and planImages decides.
 */
export async function decideImagePlan(progress: Progress, opts: { nodeImage?: string; recreate?: boolean } = {}): Promise<ImagePlan> {
  const env = process.env;
  if (!opts.recreate && !opts.nodeImage) {
    const health = await clusterHealth().catch(() => undefined);
    const running = health?.healthy ? health.containers[0]?.image : undefined;
    const mode = modeOfNodeImage(running);
    if (running && mode) {
      return { mode, reason: `the cluster is up: ${describeClusterMode(running).reason}`, nodeImage: running, nodeImageIsOurs: running === NODE_IMAGE, workload: resolveWorkloadImage(env), probes: [] };
    }
  }
  const probes = env.LAB_IMAGE_MODE ? [] : await progress.step('probing the container registries (online or offline?)', () => probeRegistries());
  const plan = planImages({ ...(env.LAB_IMAGE_MODE ? { mode: env.LAB_IMAGE_MODE } : {}), ...(opts.nodeImage ? { nodeImage: opts.nodeImage } : {}), probes, env });
  progress.info(`${plan.mode} mode: ${plan.reason}`);
  progress.info(`  node image ${plan.nodeImage}; workloads run ${plan.workload.image}`);
  return plan;
}
