import { run } from '../exec.js';
import { listNodeContainers } from '../nodes.js';

/** The running kind nodes' names; undefined when no Docker engine answers (or docker is missing). */
export async function runningNodesIfDocker(): Promise<string[] | undefined> {
  const docker = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false }).catch(() => undefined);
  if (docker?.exitCode !== 0) return undefined;
  return (await listNodeContainers()).filter((n) => n.running).map((n) => n.name);
}
