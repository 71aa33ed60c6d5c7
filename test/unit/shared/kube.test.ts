import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Watch } from '@kubernetes/client-node';
import { useLocalApiServer } from '../../support/local-api-server.js';
import { clientsFor } from '../../../controllers/shared/kube.js';

// A local HTTP server stands in for the apiserver: the point is which headers the client sends.
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
const { server, kubeConfig: localKubeConfig } = useLocalApiServer((req, res) => {
  seen.push({ url: req.url ?? '', headers: req.headers });
  res.setHeader('Content-Type', 'application/json');
  if (req.url?.includes('watch=true')) {
    res.end();
    return;
  }
  res.end(JSON.stringify({ apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [] }));
}, 't0k');

let connections = 0;
server.on('connection', () => connections++);

describe('clientsFor', () => {
  it('sends the given User-Agent (and the credentials) on API calls', async () => {
    const { core } = clientsFor(localKubeConfig(), 'k8s-flow-lab/replicaset-controller');
    await core.listNamespacedPod({ namespace: 'demo' });
    const request = seen.at(-1)!;
    expect(request.url).toBe('/api/v1/namespaces/demo/pods');
    expect(request.headers['user-agent']).toBe('k8s-flow-lab/replicaset-controller');
    expect(request.headers.authorization).toBe('Bearer t0k');
  });

  it('sends the User-Agent on watches made with the returned kubeConfig', async () => {
    const { kubeConfig } = clientsFor(localKubeConfig(), 'k8s-flow-lab/scheduler');
    await new Promise<void>((resolve) => {
      void new Watch(kubeConfig).watch('/api/v1/pods', {}, () => {}, () => resolve());
    });
    const request = seen.at(-1)!;
    expect(request.url).toContain('/api/v1/pods?watch=true');
    expect(request.headers['user-agent']).toBe('k8s-flow-lab/scheduler');
  });

  it('reuses its connections for calls in a row, as client-go does (client-node alone opens one per call)', async () => {
    const { core } = clientsFor(localKubeConfig(), 'k8s-flow-lab/scheduler');
    const before = connections;
    for (let i = 0; i < 10; i++) await core.listNamespacedPod({ namespace: 'demo' });
    // One pool: a second connection may open while the first still finishes reading a body.
    expect(connections - before).toBeLessThanOrEqual(2);
  });
});
