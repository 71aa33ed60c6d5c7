import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the lab's files live on disk; every path can be moved with an environment variable. */

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The kind cluster the lab manages. */
export const CLUSTER_NAME = process.env.LAB_CLUSTER_NAME ?? 'lab';

/** Kubernetes release the node image is built for (kind v0.30.0 pairs with 1.34; see the README). */
export const KUBERNETES_VERSION = 'v1.34.4';
export const KIND_VERSION = 'v0.30.0';

/** Per-checkout state: kubeconfigs, the audit log, traces, exercise progress. */
export function stateDir(): string {
  return resolve(process.env.LAB_STATE_DIR ?? join(REPO_ROOT, '.lab'));
}

/** Build cache shared by every checkout on this machine: Go builds, the Debian rootfs. */
export function cacheDir(): string {
  return resolve(process.env.LAB_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'k8s-flow-lab'));
}

/** The cluster-admin kubeconfig the lab owns (it never writes ~/.kube/config). */
export function adminKubeconfigPath(): string {
  return join(stateDir(), 'kubeconfig');
}

/** The API server's audit log, written by the control-plane node into a host directory. */
export function auditDir(): string {
  return join(stateDir(), 'audit');
}

export function auditLogPath(): string {
  return join(auditDir(), 'audit.log');
}

/** Binaries the image build produced (kind, kubectl, ...), by name. */
export function toolsBinDir(): string {
  return join(cacheDir(), 'bin');
}

/** The kind binary the image build produced (v0.30.0), else one on PATH. */
export function kindPath(): string {
  const built = join(toolsBinDir(), 'kind');
  return existsSync(built) ? built : 'kind';
}
