import { describe, expect, it } from 'vitest';
import type { V1ReplicaSet } from '@kubernetes/client-node';
import { podFromTemplate } from '../../../controllers/replicaset/pod-template.js';

const rs: V1ReplicaSet = {
  metadata: { name: 'web-5d4f8', namespace: 'demo', uid: 'rs-uid' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web', 'pod-template-hash': '5d4f8' }, annotations: { note: 'x' }, finalizers: ['example.com/f'] },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
    },
  },
};

describe('podFromTemplate', () => {
  it('builds a controlled pod named after the ReplicaSet', () => {
    const pod = podFromTemplate(rs);
    expect(pod.metadata).toEqual({
      generateName: 'web-5d4f8-',
      namespace: 'demo',
      labels: { app: 'web', 'pod-template-hash': '5d4f8' },
      annotations: { note: 'x' },
      finalizers: ['example.com/f'],
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4f8', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }],
    });
    expect(pod.spec).toEqual(rs.spec!.template!.spec);
    expect(pod.kind).toBe('Pod');
  });

  it('copies the template, so changing the pod never changes the cached ReplicaSet', () => {
    const pod = podFromTemplate(rs);
    pod.metadata!.labels!.app = 'changed';
    pod.spec!.containers[0]!.image = 'changed';
    expect(rs.spec!.template!.metadata!.labels!.app).toBe('web');
    expect(rs.spec!.template!.spec!.containers[0]!.image).toBe('nginx:1.27');
  });

  it('omits annotations and finalizers the template does not have', () => {
    const plain = podFromTemplate({ ...rs, spec: { ...rs.spec!, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } } });
    expect(plain.metadata).not.toHaveProperty('annotations');
    expect(plain.metadata).not.toHaveProperty('finalizers');
  });

  it('refuses a template without labels', () => {
    expect(() => podFromTemplate({ ...rs, spec: { ...rs.spec!, template: { spec: { containers: [] } } } })).toThrow('unable to create pods, no labels');
  });
});
