import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException, KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  applyObjects,
  buildKubeconfig,
  ensureIdentities,
  loadRbacManifests,
  parseManifests,
  requestToken,
  type ObjectClient,
  type TokenClient,
} from '../../../lab/run/identities.js';

describe('buildKubeconfig', () => {
  const yaml = buildKubeconfig('https://127.0.0.1:6443', 'Q0FEQVRB', 'tok.en', 'system:serviceaccount:k8s-flow-lab:scheduler');
  const config = parse(yaml);

  it('points at the same server and CA, authenticates with the token only', () => {
    expect(config.clusters).toEqual([{ name: 'k8s-flow-lab', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': 'Q0FEQVRB' } }]);
    expect(config.users).toEqual([{ name: 'system:serviceaccount:k8s-flow-lab:scheduler', user: { token: 'tok.en' } }]);
    expect(yaml).not.toMatch(/client-certificate|client-key/);
  });

  it('has a current context joining the two', () => {
    const context = config.contexts.find((c: { name: string }) => c.name === config['current-context']);
    expect(context.context).toMatchObject({ cluster: 'k8s-flow-lab', user: 'system:serviceaccount:k8s-flow-lab:scheduler' });
  });

  it('loads into client-node as a token user', () => {
    const kc = new KubeConfig();
    kc.loadFromString(yaml);
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(kc.getCurrentCluster()?.caData).toBe('Q0FEQVRB');
    expect(kc.getCurrentUser()?.token).toBe('tok.en');
    expect(kc.getCurrentUser()?.certData).toBeUndefined();
  });

  it('refuses an empty server or token', () => {
    expect(() => buildKubeconfig('', 'ca', 't', 'u')).toThrow(/server/);
    expect(() => buildKubeconfig('https://x', 'ca', '', 'u')).toThrow(/token/);
  });
});

describe('parseManifests', () => {
  it('skips empty documents and rejects objects without a name', () => {
    expect(parseManifests('---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n', 'x')).toHaveLength(1);
    expect(() => parseManifests('apiVersion: v1\nkind: Namespace\n', 'x.yaml')).toThrow(/x.yaml.*metadata.name/);
    expect(() => parseManifests('a: [1,', 'bad.yaml')).toThrow(/bad.yaml/);
  });

  it('loads the namespace first, then service accounts, roles, bindings', async () => {
    const objects = await loadRbacManifests(['deployment', 'scheduler']);
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'Namespace/k8s-flow-lab',
      'ServiceAccount/deployment-controller',
      'ServiceAccount/scheduler',
      'ClusterRole/k8s-flow-lab:deployment-controller',
      'ClusterRole/k8s-flow-lab:scheduler',
      'ClusterRoleBinding/k8s-flow-lab:deployment-controller',
      'ClusterRoleBinding/k8s-flow-lab:scheduler',
      'Role/k8s-flow-lab:deployment-controller:leader-election',
      'Role/k8s-flow-lab:scheduler:leader-election',
      'RoleBinding/k8s-flow-lab:deployment-controller:leader-election',
      'RoleBinding/k8s-flow-lab:scheduler:leader-election',
    ]);
  });
});

/** An in-memory API server for KubernetesObjectApi's read/create/replace. */
function fakeObjects(): ObjectClient & { store: Map<string, KubernetesObject>; calls: string[] } {
  const store = new Map<string, KubernetesObject>();
  const calls: string[] = [];
  let rv = 0;
  const key = (o: KubernetesObject) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
  return {
    store,
    calls,
    read: (async (spec: KubernetesObject) => {
      const found = store.get(key(spec));
      if (!found) throw new ApiException(404, 'not found', '{}', {});
      return found;
    }) as ObjectClient['read'],
    create: (async (obj: KubernetesObject) => {
      calls.push(`create ${key(obj)}`);
      const saved = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
      store.set(key(obj), saved);
      return saved;
    }) as ObjectClient['create'],
    replace: (async (obj: KubernetesObject) => {
      const live = store.get(key(obj));
      if (live?.metadata?.resourceVersion !== obj.metadata?.resourceVersion) throw new ApiException(409, 'conflict', '{}', {});
      calls.push(`replace ${key(obj)}`);
      store.set(key(obj), { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } });
      return obj;
    }) as ObjectClient['replace'],
  };
}

describe('applyObjects', () => {
  const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'scheduler', namespace: 'k8s-flow-lab' } };

  it('creates what is missing and replaces what exists, carrying the live resourceVersion', async () => {
    const api = fakeObjects();
    expect(await applyObjects(api, [sa])).toEqual([{ object: 'ServiceAccount/k8s-flow-lab/scheduler', outcome: 'created' }]);
    expect(await applyObjects(api, [sa])).toEqual([{ object: 'ServiceAccount/k8s-flow-lab/scheduler', outcome: 'replaced' }]);
    expect(api.calls).toEqual(['create ServiceAccount/k8s-flow-lab/scheduler', 'replace ServiceAccount/k8s-flow-lab/scheduler']);
  });

  it('passes on errors other than NotFound', async () => {
    const api = fakeObjects();
    api.read = (async () => {
      throw new ApiException(403, 'forbidden', '{}', {});
    }) as ObjectClient['read'];
    await expect(applyObjects(api, [sa])).rejects.toMatchObject({ code: 403 });
  });
});

describe('requestToken / ensureIdentities', () => {
  function fakeTokens(): TokenClient & { requests: unknown[] } {
    const requests: unknown[] = [];
    return {
      requests,
      createNamespacedServiceAccountToken: (async (params: { name: string; body: { spec: { expirationSeconds?: number } } }) => {
        requests.push(params);
        return { spec: params.body.spec, status: { token: `token-for-${params.name}`, expirationTimestamp: new Date() } };
      }) as unknown as TokenClient['createNamespacedServiceAccountToken'],
    };
  }

  it('asks the TokenRequest API for a 24 h token of the service account', async () => {
    const core = fakeTokens();
    expect(await requestToken(core, 'scheduler')).toBe('token-for-scheduler');
    expect(core.requests[0]).toMatchObject({ name: 'scheduler', namespace: 'k8s-flow-lab', body: { kind: 'TokenRequest', spec: { expirationSeconds: 86400 } } });
  });

  it('fails clearly when no token comes back', async () => {
    const core = { createNamespacedServiceAccountToken: async () => ({ spec: {}, status: undefined }) } as unknown as TokenClient;
    await expect(requestToken(core, 'scheduler')).rejects.toThrow(/no token/);
  });

  it('applies the RBAC and writes one private token kubeconfig per component', async () => {
    const adminKc = new KubeConfig();
    adminKc.loadFromOptions({
      clusters: [{ name: 'kind-lab', server: 'https://127.0.0.1:40000', caData: 'Q0E=' }],
      users: [{ name: 'admin', certData: 'Y2VydA==', keyData: 'a2V5' }],
      contexts: [{ name: 'admin@lab', cluster: 'kind-lab', user: 'admin' }],
      currentContext: 'admin@lab',
    });
    const stateDir = await mkdtemp(join(tmpdir(), 'lab-identities-'));
    const objects = fakeObjects();
    const paths = await ensureIdentities({ adminKc, core: fakeTokens(), objects, stateDir, components: ['replicaset', 'scheduler'] });
    expect(Object.keys(paths)).toEqual(['replicaset', 'scheduler']);
    expect(paths.scheduler).toBe(join(stateDir, 'identities', 'scheduler.kubeconfig'));
    expect([...objects.store.keys()]).toContain('ClusterRoleBinding//k8s-flow-lab:replicaset-controller');
    expect([...objects.store.keys()]).not.toContain('ClusterRole//k8s-flow-lab:deployment-controller');

    const written = parse(await readFile(paths.replicaset, 'utf8'));
    expect(written.users[0]).toEqual({ name: 'system:serviceaccount:k8s-flow-lab:replicaset-controller', user: { token: 'token-for-replicaset-controller' } });
    expect(written.clusters[0].cluster).toEqual({ server: 'https://127.0.0.1:40000', 'certificate-authority-data': 'Q0E=' });
    expect((await stat(paths.scheduler)).mode & 0o777).toBe(0o600);
  });
});
