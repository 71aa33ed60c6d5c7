// `lab run` and `lab bench` start the two controllers through one function: what the trace is
// given (informer taps under the component's trace name, its decision sink, its writes).
import { describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { labController, withWritesTraced } from '../../../lab/run/lab-controllers.js';
import type { TraceSession } from '../../../lab/trace/session.js';
import type { Clients } from '../../../controllers/shared/kube.js';
import { silentLogger } from '../../../controllers/shared/log.js';

function fakeTrace() {
  const taps: string[] = [];
  const writes: string[] = [];
  const decisions: unknown[] = [];
  const trace = {
    informers: { watch: (actor: string, informer: { name: string }, kind: string) => taps.push(`${actor} ${informer.name} ${kind}`) },
    decisionSink: (d: unknown) => decisions.push(d),
    recordWrites: (component: string) => (verb: string, object: { metadata?: { name?: string } }) => writes.push(`${component} ${verb} ${object.metadata?.name}`),
  } as unknown as TraceSession;
  return { trace, taps, writes, decisions };
}

const clients = (): Clients => {
  const api = { async createNamespacedPod() { return { metadata: { name: 'p-1', namespace: 'ns' } }; } };
  return { core: api as never, apps: {} as never, coordination: {} as never, kubeConfig: new KubeConfig() };
};

describe('labController', () => {
  it('taps each controller\'s informers under its trace name, with their kinds', () => {
    const t = fakeTrace();
    labController('deployment', { kc: new KubeConfig(), clients: clients(), log: silentLogger, trace: t.trace });
    labController('replicaset', { kc: new KubeConfig(), clients: clients(), log: silentLogger, trace: t.trace });
    expect(t.taps).toEqual([
      'deployment-controller deployments Deployment',
      'deployment-controller replicasets ReplicaSet',
      'deployment-controller pods Pod',
      'replicaset-controller replicasets ReplicaSet',
      'replicaset-controller pods Pod',
    ]);
  });

  it('reports decisions to the trace\'s sink unless given another', () => {
    const t = fakeTrace();
    const controller = labController('replicaset', { kc: new KubeConfig(), clients: clients(), log: silentLogger, trace: t.trace });
    (controller as unknown as { reportDecision(d: unknown): void }).reportDecision({ verb: 'x' });
    expect(t.decisions).toEqual([{ verb: 'x' }]);
    const own: unknown[] = [];
    const other = labController('replicaset', { kc: new KubeConfig(), clients: clients(), log: silentLogger, trace: t.trace, decisions: (d) => own.push(d) });
    (other as unknown as { reportDecision(d: unknown): void }).reportDecision({ verb: 'y' });
    expect(own).toEqual([{ verb: 'y' }]);
    expect(t.decisions).toHaveLength(1);
  });
});

describe('withWritesTraced', () => {
  it('records the writes of core and apps under the component\'s trace name; without a trace the clients are unchanged', async () => {
    const t = fakeTrace();
    const plain = clients();
    expect(withWritesTraced(plain, 'replicaset', undefined)).toBe(plain);
    const traced = withWritesTraced(plain, 'replicaset', t.trace);
    await traced.core.createNamespacedPod({ namespace: 'ns', body: {} });
    expect(t.writes).toEqual(['replicaset-controller create p-1']);
    expect(traced.coordination).toBe(plain.coordination);
  });
});
