import type { Progress } from '../../base/progress.js';
import { registryAnswers } from './api.js';
import { nodeMirrorUrl, parseMirrorEnv } from './mirror-url.js';
import { configureNodeMirrors } from './node-mirrors.js';
import { observeRegistry } from './observe.js';
import { runningNodesIfDocker } from './running-nodes.js';

/**
 * Called by `lab up` once a new cluster's nodes are Ready: when LAB_REGISTRY_MIRROR names a
 * registry (a classroom's, on another machine) or the lab registry runs here, the new nodes'
 * containerd pulls registry.k8s.io, docker.io and lab.local images through it. Otherwise nothing.
 */
export async function pointNewNodesAtRegistry(progress: Progress, env: Record<string, string | undefined> = process.env): Promise<string | undefined> {
  const remote = env.LAB_REGISTRY_MIRROR?.trim();
  let url: string | undefined;
  if (remote) {
    url = parseMirrorEnv(remote);
    if (!(await registryAnswers(url, 3000))) progress.info(`LAB_REGISTRY_MIRROR ${url} does not answer GET /v2/ from here; the nodes use it anyway (containerd falls back to the upstream registries)`);
  } else {
    const local = await observeRegistry();
    if (!local.running || !local.state) return undefined;
    url = await nodeMirrorUrl(local.state);
    if (!url) return undefined;
  }
  const nodes = (await runningNodesIfDocker()) ?? [];
  if (!nodes.length) return undefined;
  const mirror = url;
  await progress.step(`pointing the nodes' containerd at the registry ${mirror}${remote ? ' (LAB_REGISTRY_MIRROR)' : ''}`, (update) => configureNodeMirrors(nodes, mirror, update));
  return mirror;
}
