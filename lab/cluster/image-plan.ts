import { BadInputError } from '../base/errors.js';
import { NODE_IMAGE } from './image/build.js';
import type { RegistryProbe } from './registry-probe.js';
import { resolveWorkloadImage, type WorkloadImage } from './workload-image.js';

/**
 * Online or offline: which node image and workload image the cluster uses, decided from probes of
 * the registries those images come from (never guessed), unless the user says.
 *
 *   online  — kind's own node image for Kubernetes v1.34, pinned by the digest kind v0.30.0
 *             publishes, pulled from Docker Hub; pods pull agnhost from registry.k8s.io. Needs no
 *             Go, no debootstrap, no root beyond what Docker needs.
 *   offline — the node image `lab image build` makes from Go modules and Debian packages, with
 *             agnhost built here and loaded into the nodes.
 */

/** kind v0.30.0's default node image (sigs.k8s.io/kind@v0.30.0, pkg/apis/config/defaults/image.go). */
export const KINDEST_NODE_IMAGE = 'kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a';

export type ImageMode = 'online' | 'offline';

export interface ImagePlan {
  mode: ImageMode;
  /** One sentence: why this mode (the probes' outcome, or the setting that chose it). */
  reason: string;
  nodeImage: string;
  /** The node image is the one `lab image build` makes (so set-up builds it). */
  nodeImageIsOurs: boolean;
  workload: WorkloadImage;
  probes: RegistryProbe[];
}

export interface ImagePlanInput {
  /** LAB_IMAGE_MODE (online|offline), or --mode. */
  mode?: string;
  /** --image or LAB_NODE_IMAGE. */
  nodeImage?: string;
  probes: RegistryProbe[];
  env?: Record<string, string | undefined>;
}

export function parseImageMode(value: string, source = 'LAB_IMAGE_MODE'): ImageMode {
  if (value === 'online' || value === 'offline') return value;
  throw new BadInputError(`${source}=${value} is not a mode`, `use ${source}=online (kind's node image, agnhost pulled from registry.k8s.io) or ${source}=offline (images built here), or leave it unset to decide by probing the registries`);
}

function describeProbes(probes: RegistryProbe[]): string {
  return probes.map((p) => (p.reachable ? `${p.registry} answered (${p.ms} ms)` : `${p.registry} did not (${p.detail})`)).join(', ');
}

/** Pure: the images for a machine whose registries answered as `probes` say. */
export function planImages(input: ImagePlanInput): ImagePlan {
  const workload = resolveWorkloadImage(input.env);
  let mode: ImageMode;
  let reason: string;
  if (input.mode) {
    mode = parseImageMode(input.mode);
    reason = `chosen by LAB_IMAGE_MODE=${mode}`;
  } else if (input.probes.length > 0 && input.probes.every((p) => p.reachable)) {
    mode = 'online';
    reason = `the registries answered: ${describeProbes(input.probes)}`;
  } else {
    mode = 'offline';
    reason = input.probes.length ? `no registry to pull from: ${describeProbes(input.probes)}` : 'no registry was probed';
  }
  const nodeImage = input.nodeImage ?? (mode === 'online' ? KINDEST_NODE_IMAGE : NODE_IMAGE);
  if (input.nodeImage) reason += `; node image ${input.nodeImage} given by --image or LAB_NODE_IMAGE`;
  return { mode, reason, nodeImage, nodeImageIsOurs: nodeImage === NODE_IMAGE, workload, probes: input.probes };
}

/** Pure: the mode of a cluster that already exists, from the image its nodes run. */
export function modeOfNodeImage(image: string | undefined): ImageMode | undefined {
  if (!image) return undefined;
  return image === NODE_IMAGE || image.startsWith('lab.local/') ? 'offline' : 'online';
}
