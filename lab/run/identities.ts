/**
 * Least-privilege identities for the lab's components. With the admin kubeconfig we apply
 * manifests/rbac (a ServiceAccount + ClusterRole + ClusterRoleBinding per component), ask the
 * TokenRequest API for a short-lived token per ServiceAccount, and write a kubeconfig per component
 * that authenticates with that token only. `lab run` then talks to the cluster as
 * system:serviceaccount:k8s-flow-lab:<component>, never as cluster-admin, so a missing
 * permission shows up as a 403 exactly as it would for the real controllers.
 */
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  KubernetesObjectApi,
  type CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';
import { isNotFound } from '../../controllers/shared/retry.js';
import { IDENTITIES, LAB_NAMESPACE, type Component } from './components.js';

/** manifests/rbac in this checkout (resolved from this file, so it works from any cwd). */
export const RBAC_MANIFEST_DIR = fileURLToPath(new URL('../../manifests/rbac/', import.meta.url));

/** Tokens live a day: long enough for a lab session, short enough not to linger. */
export const TOKEN_EXPIRATION_SECONDS = 24 * 60 * 60;

/** Parse every document of a multi-document YAML text into Kubernetes objects (empty documents skipped). */
export function parseManifests(text: string, source: string): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as KubernetesObject | null;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || !value.apiVersion || !value.kind || !value.metadata?.name) {
      throw new Error(`${source}: every document needs apiVersion, kind and metadata.name`);
    }
    objects.push(value);
  }
  return objects;
}

/** Apply order: Namespace first (the ServiceAccounts live in it), then roles before their bindings. */
const KIND_ORDER = ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];

function kindRank(kind: string | undefined): number {
  const rank = KIND_ORDER.indexOf(kind ?? '');
  return rank < 0 ? KIND_ORDER.length : rank;
}

/** The namespace manifest plus the manifests of the given components, in apply order. */
export async function loadRbacManifests(components: readonly Component[], dir = RBAC_MANIFEST_DIR): Promise<KubernetesObject[]> {
  const available = new Set(await readdir(dir));
  const files = ['namespace.yaml', ...components.map((c) => `${IDENTITIES[c].serviceAccount}.yaml`)];
  const objects: KubernetesObject[] = [];
  for (const file of files) {
    if (!available.has(file)) throw new Error(`RBAC manifest ${join(dir, file)} is missing`);
    objects.push(...parseManifests(await readFile(join(dir, file), 'utf8'), file));
  }
  // A stable sort keeps file order within a kind.
  return objects.sort((a, b) => kindRank(a.kind) - kindRank(b.kind));
}

export type ObjectClient = Pick<KubernetesObjectApi, 'read' | 'create' | 'replace'>;

export type ApplyOutcome = 'created' | 'replaced';

/**
 * Create each object, or replace it if it exists (carrying the live resourceVersion), so running
 * this twice converges on the manifests instead of failing with AlreadyExists.
 */
export async function applyObjects(client: ObjectClient, objects: readonly KubernetesObject[]): Promise<Array<{ object: string; outcome: ApplyOutcome }>> {
  const results: Array<{ object: string; outcome: ApplyOutcome }> = [];
  for (const object of objects) {
    const label = `${object.kind}/${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}`;
    let live: KubernetesObject | undefined;
    try {
      live = await client.read({ apiVersion: object.apiVersion!, kind: object.kind!, metadata: { name: object.metadata!.name!, namespace: object.metadata?.namespace } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!live) {
      await client.create(object);
      results.push({ object: label, outcome: 'created' });
      continue;
    }
    await client.replace({ ...object, metadata: { ...object.metadata, resourceVersion: live.metadata?.resourceVersion } });
    results.push({ object: label, outcome: 'replaced' });
  }
  return results;
}

export type TokenClient = Pick<CoreV1Api, 'createNamespacedServiceAccountToken'>;

/** A bound ServiceAccount token from the TokenRequest API (POST serviceaccounts/NAME/token). */
export async function requestToken(core: TokenClient, serviceAccount: string, expirationSeconds = TOKEN_EXPIRATION_SECONDS): Promise<string> {
  const response = await core.createNamespacedServiceAccountToken({
    name: serviceAccount,
    namespace: LAB_NAMESPACE,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [], expirationSeconds } },
  });
  const token = response.status?.token;
  if (!token) throw new Error(`TokenRequest for ${LAB_NAMESPACE}/${serviceAccount} returned no token`);
  return token;
}

/**
 * A kubeconfig that reaches `server` (trusting the base64 PEM `caData`) as `user`, authenticated by
 * a bearer token alone: no client certificate, so it cannot fall back to admin rights.
 */
export function buildKubeconfig(server: string, caData: string, token: string, user: string): string {
  if (!server) throw new Error('buildKubeconfig: server is empty');
  if (!token) throw new Error('buildKubeconfig: token is empty');
  const cluster = 'k8s-flow-lab';
  const context = `${user}@${cluster}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server, ...(caData ? { 'certificate-authority-data': caData } : {}) } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: context, context: { cluster, user, namespace: 'default' } }],
    'current-context': context,
  });
}

/** The admin kubeconfig's server and CA (inline, or read from its caFile), to reuse for every identity. */
export async function serverAndCA(kc: KubeConfig): Promise<{ server: string; caData: string }> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the admin kubeconfig has no current cluster');
  let caData = cluster.caData ?? '';
  if (!caData && cluster.caFile) caData = (await readFile(cluster.caFile)).toString('base64');
  if (!caData && !cluster.skipTLSVerify) throw new Error(`the admin kubeconfig's cluster "${cluster.name}" has no CA to trust`);
  return { server: cluster.server, caData };
}

export function identityKubeconfigPath(stateDir: string, component: Component): string {
  return join(stateDir, 'identities', `${IDENTITIES[component].serviceAccount}.kubeconfig`);
}

export interface EnsureIdentitiesOptions {
  adminKc: KubeConfig;
  core: TokenClient;
  stateDir: string;
  components: readonly Component[];
  objects?: ObjectClient;
  expirationSeconds?: number;
  log?: (line: string) => void;
}

/** Apply the RBAC and write a fresh token kubeconfig per component; returns their paths. */
export async function ensureIdentities(opts: EnsureIdentitiesOptions): Promise<Record<Component, string>> {
  const manifests = await loadRbacManifests(opts.components);
  const applied = await applyObjects(opts.objects ?? KubernetesObjectApi.makeApiClient(opts.adminKc), manifests);
  for (const { object, outcome } of applied) opts.log?.(`${outcome} ${object}`);

  const { server, caData } = await serverAndCA(opts.adminKc);
  await mkdir(join(opts.stateDir, 'identities'), { recursive: true });
  const paths = {} as Record<Component, string>;
  for (const component of opts.components) {
    const { serviceAccount } = IDENTITIES[component];
    const token = await requestToken(opts.core, serviceAccount, opts.expirationSeconds);
    const path = identityKubeconfigPath(opts.stateDir, component);
    await writeFile(path, buildKubeconfig(server, caData, token, `system:serviceaccount:${LAB_NAMESPACE}:${serviceAccount}`), { mode: 0o600 });
    await chmod(path, 0o600); // writeFile's mode only applies when the file is new
    paths[component] = path;
    opts.log?.(`identity ${serviceAccount} → ${path}`);
  }
  return paths;
}
