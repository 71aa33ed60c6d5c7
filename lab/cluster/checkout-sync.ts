/**
 * The kind cluster is machine-wide (one cluster named "lab"), but the files the lab reads it through
 * are per checkout: `.lab/kubeconfig` and `.lab/audit/`. When another checkout (a CI clone, a second
 * working copy) recreates the cluster, this checkout's kubeconfig points at a dead API server port
 * and its audit directory is no longer the one the API server writes to. So the lab asks the cluster
 * itself: kind for the kubeconfig, and the control-plane container's mounts for the audit log.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run } from './exec.js';
import { adminKubeconfigPath, auditLogPath, CLUSTER_NAME, kindPath } from './paths.js';

/** Where kind-config.yaml mounts the audit directory inside the control-plane node. */
export const AUDIT_DIR_IN_NODE = '/var/log/kubernetes/audit';

export type KubeconfigSync = 'unchanged' | 'written' | 'unavailable';

/**
 * Writes kind's current admin kubeconfig for the cluster to this checkout's `.lab/kubeconfig` when
 * it differs. 'unavailable' when kind cannot give one (no kind binary, control plane stopped); the
 * file is then left as it was.
 */
export async function syncKubeconfigFromKind(cluster = CLUSTER_NAME, path = adminKubeconfigPath()): Promise<KubeconfigSync> {
  let fresh: string;
  try {
    const result = await run(kindPath(), ['get', 'kubeconfig', '--name', cluster], { reject: false, timeout: 20_000 });
    if (result.exitCode !== 0 || !result.stdout.includes('apiVersion')) return 'unavailable';
    fresh = result.stdout.endsWith('\n') ? result.stdout : `${result.stdout}\n`;
  } catch {
    return 'unavailable'; // kind missing: health is judged with the file we have
  }
  if (existsSync(path) && readFileSync(path, 'utf8') === fresh) return 'unchanged';
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, fresh, { mode: 0o600 });
  chmodSync(path, 0o600); // it holds the cluster-admin client key; `mode` above applies only to a new file
  return 'written';
}

/** Pure: the host directory mounted at `destination`, from `docker inspect`'s Mounts JSON. */
export function hostSourceOf(mountsJson: string, destination: string): string | undefined {
  let mounts: unknown;
  try {
    mounts = JSON.parse(mountsJson);
  } catch {
    return undefined;
  }
  if (!Array.isArray(mounts)) return undefined;
  for (const mount of mounts as Array<{ Source?: unknown; Destination?: unknown }>) {
    if (mount?.Destination === destination && typeof mount.Source === 'string' && mount.Source) return mount.Source;
  }
  return undefined;
}

/**
 * The host path of the audit log the running API server writes: the control-plane container's
 * mount of the audit directory, which is this checkout's `.lab/audit` only if this checkout made
 * the cluster. Falls back to this checkout's path when Docker cannot say.
 */
export async function clusterAuditLogPath(controlPlane: string): Promise<string> {
  const result = await run('docker', ['inspect', '--format', '{{json .Mounts}}', controlPlane], { reject: false, timeout: 20_000 });
  const source = result.exitCode === 0 ? hostSourceOf(result.stdout, AUDIT_DIR_IN_NODE) : undefined;
  return source ? join(source, 'audit.log') : auditLogPath();
}
