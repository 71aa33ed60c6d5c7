// The restarting informer against a local HTTP server standing in for the apiserver: the first
// watch fails with 500, the informer backs off, relists and watches again.
import type { ServerResponse } from 'node:http';
import { afterAll, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { useLocalApiServer } from '../../support/local-api-server.js';
import { createInformer } from '../../../controllers/shared/informer.js';
import { componentInformer } from '../../../controllers/shared/workload-informers.js';
import { clientsFor } from '../../../controllers/shared/kube.js';
import { silentLogger } from '../../../controllers/shared/log.js';

const requests: string[] = [];
const openWatches: ServerResponse[] = [];
let watchCalls = 0;
const podJson = (name: string, rv: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name, namespace: 'demo', resourceVersion: rv, creationTimestamp: '2025-01-01T00:00:00Z',
    managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } }],
  },
});

const { kubeConfig: localKubeConfig } = useLocalApiServer((req, res) => {
  requests.push(req.url ?? '');
  res.setHeader('Content-Type', 'application/json');
  if (req.url?.startsWith('/api/v1/secrets')) {
    res.statusCode = 403; // no RBAC for it: the list never succeeds
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403 }));
    return;
  }
  if (!req.url?.includes('watch=true')) {
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '10' }, items: [podJson('listed', '5')] }));
    return;
  }
  watchCalls++;
  if (watchCalls === 1) {
    res.statusCode = 500;
    res.end('{}');
    return;
  }
  res.write(JSON.stringify({ type: 'ADDED', object: podJson('watched', '11') }) + '\n');
  openWatches.push(res);
});

afterAll(() => {
  for (const res of openWatches) res.end();
});

it('restarts after a failed watch, syncs, and types watch payloads', async () => {
  const { core, kubeConfig } = clientsFor(localKubeConfig(), 'test');
  const informer = createInformer<V1Pod>(kubeConfig, {
    name: 'pods',
    path: '/api/v1/pods',
    list: () => core.listPodForAllNamespaces(),
    deserializeAs: 'V1Pod',
    log: silentLogger,
    initialBackoffMs: 10,
  });
  const added: string[] = [];
  informer.onAdd((p) => added.push(p.metadata!.name!));
  await informer.start();
  await expect.poll(() => added).toEqual(['listed', 'watched']);
  expect(informer.hasSynced()).toBe(true);
  expect(watchCalls).toBe(2);
  expect(informer.get('demo', 'watched')?.metadata?.creationTimestamp).toBeInstanceOf(Date);
  // The listed pod came typed from the API client and is not deserialized twice: still typed.
  expect(informer.get('demo', 'listed')?.metadata?.creationTimestamp).toBeInstanceOf(Date);
  expect(informer.list('demo')).toHaveLength(2);
  informer.stop();
});

it('an informer that can never list (403) lets start() settle once it is stopped, unsynced', async () => {
  const { core, kubeConfig } = clientsFor(localKubeConfig(), 'test');
  const informer = createInformer(kubeConfig, {
    name: 'secrets',
    path: '/api/v1/secrets',
    list: () => core.listSecretForAllNamespaces(),
    log: silentLogger,
    initialBackoffMs: 10,
  });
  let settled = false;
  const started = informer.start().then(() => (settled = true));
  await expect.poll(() => requests.filter((r) => r.startsWith('/api/v1/secrets')).length).toBeGreaterThanOrEqual(2);
  expect(settled).toBe(false);
  informer.stop();
  await started;
  expect(informer.hasSynced()).toBe(false);
  await informer.start(); // after stop: at once
});

it("a component's informer caches one typed copy of each object, without managedFields, listed or watched", async () => {
  const { core, kubeConfig } = clientsFor(localKubeConfig(), 'test');
  const informer = componentInformer<V1Pod>(kubeConfig, {
    name: 'pods', path: '/api/v1/pods', list: () => core.listPodForAllNamespaces(), deserializeAs: 'V1Pod', log: silentLogger, initialBackoffMs: 10,
  });
  await informer.start();
  await expect.poll(() => informer.list('demo').map((p) => p.metadata?.name).sort()).toEqual(['listed', 'watched']);
  // The ListWatch inside holds the very objects the store holds: typed once, before it caches them.
  const listWatch = (informer as unknown as { listWatch: { get(name: string, namespace?: string): V1Pod | undefined } }).listWatch;
  for (const name of ['listed', 'watched']) {
    const pod = informer.get('demo', name);
    expect(pod?.metadata?.managedFields, name).toBeUndefined();
    expect(pod?.metadata?.creationTimestamp, name).toBeInstanceOf(Date);
    expect(listWatch.get(name, 'demo'), name).toBe(pod);
  }
  informer.stop();
});

it('a plain informer (like the trace\'s) keeps managedFields', async () => {
  const { core, kubeConfig } = clientsFor(localKubeConfig(), 'test');
  const informer = createInformer<V1Pod>(kubeConfig, { name: 'pods', path: '/api/v1/pods', list: () => core.listPodForAllNamespaces(), deserializeAs: 'V1Pod', log: silentLogger });
  await informer.start();
  await expect.poll(() => informer.get('demo', 'watched')).toBeDefined();
  expect(informer.get('demo', 'watched')?.metadata?.managedFields?.[0]?.manager).toBe('kubectl');
  expect(informer.get('demo', 'listed')?.metadata?.managedFields?.[0]?.manager).toBe('kubectl');
  informer.stop();
});
