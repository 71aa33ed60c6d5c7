// The clients a `lab run` component acts with, against a local HTTP server: with client limits,
// the scheduler's Events go through a token bucket of their own (kube-scheduler's eventClient is a
// second clientset), the controllers' through the bucket of their other calls (kube-controller-manager's).
import { describe, expect, it } from 'vitest';
import { useLocalApiServer } from '../../support/local-api-server.js';
import { componentClients } from '../../../lab/run/component-clients.js';

const paths: string[] = [];
const { kubeConfig: localKubeConfig } = useLocalApiServer((req, res) => {
  paths.push(`${req.method} ${req.url}`);
  res.setHeader('Content-Type', 'application/json');
  res.statusCode = 201;
  res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'demo' } }));
});
// One token, then one a day: a second call on the same bucket waits; one on another bucket does not.
const ONE_TOKEN = { qps: 1 / 86_400, burst: 1 };
const event = { namespace: 'demo', body: { metadata: { name: 'e', namespace: 'demo' }, involvedObject: {} } };
const binding = { name: 'p', namespace: 'demo', body: { metadata: { name: 'p' }, target: { kind: 'Node', name: 'n' } } };

describe('componentClients', () => {
  it("the scheduler's Events have a bucket of their own: an Event goes out while its binding calls wait", async () => {
    const { clients, events } = componentClients(localKubeConfig(), 'scheduler', undefined, ONE_TOKEN);
    await clients.core.createNamespacedBinding(binding);
    let secondBindingSent = false;
    void clients.core.createNamespacedBinding(binding).then(() => (secondBindingSent = true), () => undefined);
    await events.createNamespacedEvent(event);
    expect(paths.filter((p) => p.includes('/events')).length).toBe(1);
    expect(secondBindingSent).toBe(false);
  });

  it("the controllers' Events share the bucket of their other calls, as kube-controller-manager's do", () => {
    for (const component of ['deployment', 'replicaset'] as const) {
      const { clients, events } = componentClients(localKubeConfig(), component, undefined, ONE_TOKEN);
      expect(events).toBe(clients.core);
    }
  });

  it('without limits nothing waits', async () => {
    const { clients, events } = componentClients(localKubeConfig(), 'scheduler', undefined, undefined);
    await Promise.all([clients.core.createNamespacedBinding(binding), clients.core.createNamespacedBinding(binding), events.createNamespacedEvent(event), events.createNamespacedEvent(event)]);
  });
});
