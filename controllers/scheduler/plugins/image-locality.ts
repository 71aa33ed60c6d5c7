import type { V1Pod } from '@kubernetes/client-node';
import { MAX_NODE_SCORE, type ScorePlugin } from '../framework/interfaces.js';
import { StateKey } from '../framework/cycle-state.js';
import { normalizeImageName, type NodeInfo } from '../framework/node-info.js';
import { ALL_NODES_KEY } from '../framework/normalize.js';

const MB = 1024 * 1024;
/** Below this, having the image barely saves time: score 0. */
export const MIN_THRESHOLD = 23 * MB;
/** Per container, above this the score is capped at 100. */
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

function podImages(pod: V1Pod): string[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => normalizeImageName(c.image ?? ''));
}

/**
 * Score: prefer nodes that already have the pod's images. Each present image counts its size
 * scaled by the share of nodes that have it (so an image on every node does not pull all pods
 * to one), and the sum is mapped linearly from [23 MiB, 1000 MiB × containers] onto 0..100.
 */
export function imageLocalityScore(pod: V1Pod, nodeInfo: NodeInfo, allNodes: readonly NodeInfo[], memo: ImageMemo = newImageMemo(pod)): number {
  const images = memo.images;
  if (images.length === 0) return 0;
  let sum = 0;
  for (const image of images) {
    const size = nodeInfo.imageSizes.get(image);
    if (size === undefined) continue;
    let holders = memo.holders.get(image);
    if (holders === undefined) memo.holders.set(image, (holders = allNodes.filter((n) => n.imageSizes.has(image)).length));
    sum += Math.trunc(size * (holders / Math.max(allNodes.length, 1)));
  }
  const max = MAX_CONTAINER_THRESHOLD * images.length;
  const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), max);
  return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
}

/**
 * What every node's score in one cycle shares: the pod's normalised images, and how many of the
 * cycle's nodes hold each (upstream keeps that count in its snapshot's image states). Worked out
 * once a cycle, not once a node: per node, it made the plugin quadratic in the node count.
 */
export interface ImageMemo {
  readonly images: readonly string[];
  readonly holders: Map<string, number>;
}

function newImageMemo(pod: V1Pod): ImageMemo {
  return { images: podImages(pod), holders: new Map() };
}

const IMAGE_MEMO = new StateKey<ImageMemo>('ImageLocality/images');

export const ImageLocality: ScorePlugin = {
  name: 'ImageLocality',
  score(state, pod, nodeInfo) {
    return imageLocalityScore(pod, nodeInfo, state.read(ALL_NODES_KEY) ?? [nodeInfo], state.memo(IMAGE_MEMO, () => newImageMemo(pod)));
  },
};
