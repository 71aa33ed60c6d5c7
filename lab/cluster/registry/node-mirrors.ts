import { LabError } from '../../base/errors.js';
import { execInNode } from '../nodes.js';
import { planConfigPath, type ConfigPathPlan } from './containerd-config.js';
import { CERTS_DIR, hostsTomlPath, labMirrorUrlIn, MIRRORED_HOSTS, renderHostsToml } from './hosts-toml.js';
import { readNodeFile, removeNodeFile, writeNodeFile } from './node-files.js';

/**
 * Points the nodes' containerd at a mirror: a hosts.toml for each mirrored registry, and, where
 * containerd's config has no config_path yet (the lab's containerd 1.6 node image), config_path
 * added and containerd restarted. Every node is read and planned before any is written.
 */
const CONTAINERD_CONFIG = '/etc/containerd/config.toml';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface NodeMirrorResult {
  node: string;
  certsDir: string;
  hosts: string[];
  /** config_path was added, so containerd was restarted. */
  restartedContainerd: boolean;
}

async function planNode(node: string): Promise<ConfigPathPlan> {
  const config = await readNodeFile(node, CONTAINERD_CONFIG);
  if (config === undefined) return { action: 'refuse', reason: `${CONTAINERD_CONFIG} cannot be read` };
  return planConfigPath(config);
}

/** Where the node's containerd reads hosts files (its config_path, else the default the lab would add). */
async function certsDirOf(node: string): Promise<string> {
  const plan = await planNode(node);
  return plan.action === 'present' ? plan.certsDir : CERTS_DIR;
}

async function restartContainerd(node: string, timeoutMs = 90_000): Promise<void> {
  const restart = await execInNode(node, ['systemctl', 'restart', 'containerd'], { timeoutMs: 60_000 });
  if (restart.exitCode !== 0) throw new LabError(`restarting containerd in ${node} failed: ${(restart.stderr || restart.stdout).trim()}`, `\`npx lab node exec ${node} -- journalctl -u containerd\` shows why`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // crictl where the node has it (kind's images), else ctr (the lab's image): both ask containerd itself.
    const probe = await execInNode(node, ['sh', '-c', 'if command -v crictl >/dev/null; then crictl info >/dev/null; else ctr version >/dev/null; fi'], { timeoutMs: 10_000 });
    if (probe.exitCode === 0) return;
    if (Date.now() > deadline) throw new LabError(`containerd in ${node} did not answer within ${timeoutMs / 1000} s of its restart: ${probe.stderr.trim()}`, `\`npx lab node exec ${node} -- journalctl -u containerd\` shows why`);
    await sleep(500);
  }
}

export async function configureNodeMirrors(nodes: string[], mirrorUrl: string, update: (detail: string) => void = () => undefined): Promise<NodeMirrorResult[]> {
  const plans = await Promise.all(nodes.map(async (node) => ({ node, plan: await planNode(node) })));
  const refused = plans.flatMap(({ node, plan }) => (plan.action === 'refuse' ? [`${node}: ${plan.reason}`] : []));
  if (refused.length) {
    throw new LabError(
      `cannot point containerd at the registry (nothing was changed):\n  - ${refused.join('\n  - ')}`,
      `add config_path = "${CERTS_DIR}" to the CRI registry section of ${CONTAINERD_CONFIG} in the node image, or recreate the cluster with the lab's image (\`npx lab up --recreate\`)`,
    );
  }
  return Promise.all(
    plans.map(async ({ node, plan }) => {
      if (plan.action === 'refuse') throw new Error('unreachable');
      for (const mirrored of MIRRORED_HOSTS) await writeNodeFile(node, hostsTomlPath(mirrored.host, plan.certsDir), renderHostsToml(mirrored, mirrorUrl));
      if (plan.action === 'add') {
        update(`${node}: adding config_path to ${CONTAINERD_CONFIG} and restarting containerd`);
        await writeNodeFile(node, CONTAINERD_CONFIG, plan.text);
        await restartContainerd(node);
      }
      update(`${node}: ${MIRRORED_HOSTS.map((h) => h.host).join(', ')} → ${mirrorUrl}`);
      return { node, certsDir: plan.certsDir, hosts: MIRRORED_HOSTS.map((h) => h.host), restartedContainerd: plan.action === 'add' };
    }),
  );
}

export interface NodeMirrors {
  node: string;
  certsDir: string;
  /** host → mirror URL, for the hosts files the lab wrote. */
  mirrors: Record<string, string>;
}

export async function readNodeMirrors(nodes: string[]): Promise<NodeMirrors[]> {
  return Promise.all(
    nodes.map(async (node) => {
      const certsDir = await certsDirOf(node);
      const mirrors: Record<string, string> = {};
      for (const { host } of MIRRORED_HOSTS) {
        const url = labMirrorUrlIn((await readNodeFile(node, hostsTomlPath(host, certsDir))) ?? '');
        if (url) mirrors[host] = url;
      }
      return { node, certsDir, mirrors };
    }),
  );
}

/** Removes the hosts files the lab wrote (anyone else's stay); config_path stays, harmless without them. */
export async function removeNodeMirrors(nodes: string[]): Promise<NodeMirrors[]> {
  const found = await readNodeMirrors(nodes);
  await Promise.all(
    found.map(async ({ node, certsDir, mirrors }) => {
      for (const host of Object.keys(mirrors)) await removeNodeFile(node, hostsTomlPath(host, certsDir));
    }),
  );
  return found;
}

/** Can the node open the mirror's /v2/? (bash's /dev/tcp: the lab's node image has no curl.) */
export async function nodeReaches(node: string, mirrorUrl: string): Promise<boolean> {
  const match = /^https?:\/\/([^/:]+|\[[^\]]+\]):(\d+)$/.exec(mirrorUrl);
  if (!match) return true; // no explicit port: nothing simple to probe
  const [, host, port] = match;
  const script = `exec 3<>/dev/tcp/${host!.replace(/^\[|\]$/g, '')}/${port} && printf 'GET /v2/ HTTP/1.0\\r\\nHost: ${host}\\r\\n\\r\\n' >&3 && head -c 12 <&3`;
  const result = await execInNode(node, ['timeout', '5', 'bash', '-c', script], { timeoutMs: 10_000 });
  return result.exitCode === 0 && /^HTTP\/1\.[01]/.test(result.stdout);
}
