import { imageExists } from '../image/docker-images.js';
import { WORKLOAD_IMAGES } from '../image/build.js';
import { WORKLOAD } from '../workload-image.js';
import { run } from '../exec.js';
import { mirrorPathOf, pushName } from './image-path.js';

/**
 * The images the lab's workloads run (lab/cluster/workload-image.ts: agnhost, or LAB_WORKLOAD_IMAGE),
 * served by the registry when this machine's Docker has them.
 */
export const REGISTRY_IMAGES: readonly string[] = [...new Set([...WORKLOAD_IMAGES, WORKLOAD.image])];

export interface PushedImage {
  image: string;
  repository: string;
  tag: string;
  /** The manifest digest docker push reported. */
  digest?: string;
  durationMs: number;
}

/**
 * Pushes each image under its mirror path (`docker tag` to 127.0.0.1:PORT/<path>, `docker push`,
 * then the extra tag is removed). docker push uploads only the layers the registry lacks, so a
 * second push of an unchanged image costs a few requests.
 */
export async function pushImage(image: string, registryAddress: string): Promise<PushedImage> {
  const started = Date.now();
  const target = pushName(image, registryAddress);
  const { repository, tag = 'latest' } = mirrorPathOf(image);
  await run('docker', ['tag', image, target]);
  try {
    const { stdout } = await run('docker', ['push', target]);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(stdout)?.[1];
    return { image, repository, tag, ...(digest ? { digest } : {}), durationMs: Date.now() - started };
  } finally {
    await run('docker', ['image', 'rm', target], { reject: false });
  }
}

/** Pushes those of `images` that Docker has; returns what it pushed and what Docker lacked. */
export async function pushLocalImages(images: readonly string[], registryAddress: string, update: (detail: string) => void): Promise<{ pushed: PushedImage[]; missing: string[] }> {
  const pushed: PushedImage[] = [];
  const missing: string[] = [];
  for (const image of images) {
    if (!(await imageExists(image))) {
      missing.push(image);
      continue;
    }
    const result = await pushImage(image, registryAddress);
    update(`${image} → ${registryAddress}/${result.repository}:${result.tag}`);
    pushed.push(result);
  }
  return { pushed, missing };
}
