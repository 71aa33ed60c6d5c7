import { describe, expect, it } from 'vitest';
import { describeWrite, recordingClient } from '../../../lab/run/record-writes.js';

describe('describeWrite', () => {
  it.each([
    ['replaceNamespacedReplicaSetStatus', { name: 'web-1', namespace: 'default' }, { kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'default', resourceVersion: '42' } }, 'update', 'ReplicaSet', '42'],
    ['createNamespacedPod', { namespace: 'default' }, { metadata: { name: 'web-1-abc', namespace: 'default', resourceVersion: '7' } }, 'create', 'Pod', '7'],
    ['deleteNamespacedPod', { name: 'web-1-abc', namespace: 'default' }, { kind: 'Status', status: 'Success' }, 'delete', 'Pod', undefined],
    ['patchNamespacedPodStatus', { name: 'p', namespace: 'ns' }, { kind: 'Pod', metadata: { name: 'p', namespace: 'ns', resourceVersion: '9' } }, 'patch', 'Pod', '9'],
  ])('%s → %s of a %s', (method, params, result, verb, kind, rv) => {
    const write = describeWrite(method, params, result)!;
    expect(write.verb).toBe(verb);
    expect(write.object.kind).toBe(kind);
    expect(write.resourceVersion).toBe(rv);
  });

  it('a binding is reported as the Binding (the trace turns it into a bind of the pod)', () => {
    const body = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', namespace: 'ns' }, target: { kind: 'Node', name: 'w1' } };
    const write = describeWrite('createNamespacedPodBinding', { name: 'p', namespace: 'ns', body }, {})!;
    expect(write.object).toMatchObject({ kind: 'Binding', target: { name: 'w1' }, metadata: { name: 'p', namespace: 'ns' } });
  });

  it('ignores reads and Event writes', () => {
    expect(describeWrite('listPodForAllNamespaces', {}, {})).toBeUndefined();
    expect(describeWrite('readNamespacedReplicaSet', {}, {})).toBeUndefined();
    expect(describeWrite('createNamespacedEvent', {}, {})).toBeUndefined();
    expect(describeWrite('patchNamespacedEvent', {}, {})).toBeUndefined();
  });
});

describe('recordingClient', () => {
  it('reports successful writes with their latency and passes reads through', async () => {
    const api = {
      calls: 0,
      async createNamespacedPod(p: { namespace: string }) {
        this.calls++;
        return { kind: 'Pod', metadata: { name: 'x', namespace: p.namespace, resourceVersion: '3' } };
      },
      async listNode() {
        return { items: [] };
      },
      async deleteNamespacedPod() {
        throw new Error('boom');
      },
    };
    const recorded: unknown[] = [];
    let t = 100;
    const client = recordingClient(api, (...args) => recorded.push(args), () => (t += 5));
    await client.createNamespacedPod({ namespace: 'default' });
    await client.listNode();
    await expect(client.deleteNamespacedPod()).rejects.toThrow('boom');
    expect(api.calls).toBe(1); // `this` is the real client
    expect(recorded).toEqual([['create', { kind: 'Pod', metadata: { name: 'x', namespace: 'default', resourceVersion: '3' } }, '3', 5]]);
  });
});
