import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { V1Pod, V1ObjectMeta } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import { decodeTyped } from '../../../controllers/shared/typed-decoder.js';

// Real objects of each kind the lab watches, read from a lab cluster (pods of the control plane,
// of a DaemonSet on a kind node and on a kwok node; nodes; a Deployment and its ReplicaSet...).
const corpus = JSON.parse(readFileSync(new URL('./fixtures/typed-decoder-corpus.json', import.meta.url), 'utf8')) as Array<{ type: string; object: unknown }>;

describe('decodeTyped', () => {
  it.each(corpus.map((c) => [`${c.type} ${(c.object as { metadata: { name: string } }).metadata.name}`, c] as const))('makes what ObjectSerializer makes of %s', (_, { type, object }) => {
    const ours = decodeTyped(structuredClone(object), type);
    const theirs = ObjectSerializer.deserialize(structuredClone(object), type);
    // toStrictEqual: the same classes at every level, the same fields, nothing undefined added.
    expect(ours).toStrictEqual(theirs);
  });

  it('types timestamps as Dates and nested objects as their model classes', () => {
    const pod = decodeTyped<V1Pod>({ metadata: { name: 'a', creationTimestamp: '2026-12-03T10:00:00Z' }, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-12-03T10:00:01Z' }] } }, 'V1Pod');
    expect(pod).toBeInstanceOf(V1Pod);
    expect(pod.metadata).toBeInstanceOf(V1ObjectMeta);
    expect(pod.metadata!.creationTimestamp).toEqual(new Date('2026-12-03T10:00:00Z'));
    expect(pod.status!.conditions![0]!.lastTransitionTime).toBeInstanceOf(Date);
  });

  it('drops fields the model does not have and leaves out undefined, as ObjectSerializer does', () => {
    const input = { metadata: { name: 'a', futureField: 1, labels: { x: 'y' } }, spec: null, extra: true };
    expect(decodeTyped(structuredClone(input), 'V1Pod')).toStrictEqual(ObjectSerializer.deserialize(structuredClone(input), 'V1Pod'));
    expect(Object.keys(decodeTyped<object>(input, 'V1Pod'))).toEqual(['metadata', 'spec']);
  });

  it('decodes a type that contains itself (a CRD\'s schema) without looping', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } }, 'x-kubernetes-preserve-unknown-fields': true } } } } }] },
    };
    expect(decodeTyped(structuredClone(crd), 'V1CustomResourceDefinition')).toStrictEqual(ObjectSerializer.deserialize(structuredClone(crd), 'V1CustomResourceDefinition'));
  });

  it('hands a name that is not a model to ObjectSerializer', () => {
    const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(decodeTyped(structuredClone(obj), 'Widget')).toStrictEqual(ObjectSerializer.deserialize(structuredClone(obj), 'Widget'));
  });
});
