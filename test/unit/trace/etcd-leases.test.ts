import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import { LAB_NAMESPACE } from '../../../lab/run/components.js';
import { classifyLeaseWrite, etcdctlWatchCommands, LEASE_NAMESPACES_TRACED, parseEtcdWatchLine } from '../../../lab/trace/taps/etcd.js';
import { decodeLeaseValue } from '../../../lab/trace/taps/lease-value.js';

interface LeaseSpecFields {
  holder?: string;
  duration?: number;
  acquire?: [number, number];
  renew?: [number, number];
  transitions?: number;
}

function microTime([seconds, nanos]: [number, number]): Uint8Array {
  return protobuf.Writer.create().uint32((1 << 3) | 0).int64(seconds).uint32((2 << 3) | 0).int32(nanos).finish();
}

/** A Lease as the API server stores it: "k8s\0" + runtime.Unknown{typeMeta, raw = Lease{metadata, spec}}. */
function storedLease(spec: LeaseSpecFields, name = 'deployment-controller'): Uint8Array {
  const w = protobuf.Writer.create();
  if (spec.holder !== undefined) w.uint32((1 << 3) | 2).string(spec.holder);
  if (spec.duration !== undefined) w.uint32((2 << 3) | 0).int32(spec.duration);
  if (spec.acquire) w.uint32((3 << 3) | 2).bytes(microTime(spec.acquire));
  if (spec.renew) w.uint32((4 << 3) | 2).bytes(microTime(spec.renew));
  if (spec.transitions !== undefined) w.uint32((5 << 3) | 0).int32(spec.transitions);
  const specBytes = w.finish();
  const metadata = protobuf.Writer.create().uint32((1 << 3) | 2).string(name).uint32((3 << 3) | 2).string(LAB_NAMESPACE).finish();
  const lease = protobuf.Writer.create().uint32((1 << 3) | 2).bytes(metadata).uint32((2 << 3) | 2).bytes(specBytes).finish();
  const typeMeta = protobuf.Writer.create().uint32((1 << 3) | 2).string('coordination.k8s.io/v1').uint32((2 << 3) | 2).string('Lease').finish();
  const unknown = protobuf.Writer.create()
    .uint32((1 << 3) | 2).bytes(typeMeta)
    .uint32((2 << 3) | 2).bytes(lease)
    .uint32((4 << 3) | 2).string('application/vnd.kubernetes.protobuf')
    .finish();
  return Buffer.concat([Buffer.from('k8s\0', 'binary'), unknown]);
}

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');

function watchLine(events: Array<{ type?: number; key: string; create: number; mod: number; value?: Uint8Array }>): string {
  return JSON.stringify({
    Header: { revision: Math.max(...events.map((e) => e.mod)) },
    Events: events.map((e) => ({
      ...(e.type ? { type: e.type } : {}),
      kv: { key: b64(e.key), create_revision: e.create, mod_revision: e.mod, version: 1, ...(e.value ? { value: b64(e.value) } : {}) },
    })),
  });
}

const KEY = `/registry/leases/${LAB_NAMESPACE}/deployment-controller`;
const REAL_LEASE_VALUE =
  'azhzAAofChZjb29yZGluYXRpb24uazhzLmlvL3YxEgVMZWFzZRKZBArMAwoVZGVwbG95bWVudC1jb250cm9sbGVyEgAaDGs4cy1mbG93LWxhYiIAKiQxNWQyYTE0OC0wM2VjLTQwN2EtOTZjYS0yN2YzZWY2OTEzZGQyADgAQggIjojC2AYQAFopChlhcHAua3ViZXJuZXRlcy5pby9wYXJ0LW9mEgxrOHMtZmxvdy1sYWJaHAoSazhzLWZsb3ctbGFiL2xlYXNlEgZsZWFkZXKKAaICCgxrOHMtZmxvdy1sYWISBlVwZGF0ZRoWY29vcmRpbmF0aW9uLms4cy5pby92MSIICLmIwtgGEAAyCEZpZWxkc1YxOtsBCtgBeyJmOm1ldGFkYXRhIjp7ImY6bGFiZWxzIjp7Ii4iOnt9LCJmOmFwcC5rdWJlcm5ldGVzLmlvL3BhcnQtb2YiOnt9LCJmOms4cy1mbG93LWxhYi9sZWFzZSI6e319fSwiZjpzcGVjIjp7ImY6YWNxdWlyZVRpbWUiOnt9LCJmOmhvbGRlcklkZW50aXR5Ijp7fSwiZjpsZWFzZUR1cmF0aW9uU2Vjb25kcyI6e30sImY6bGVhc2VUcmFuc2l0aW9ucyI6e30sImY6cmVuZXdUaW1lIjp7fX19QgASSAondm1fZGEzMmVjYzgtMTRlOC00MTg3LTllNzQtMzBjNzBjMTQwZDY2EA8aDAiOiMLYBhDAhNjuAiILCLmIwtgGEICdym8oABoAIgA=';

describe('decodeLeaseValue (a Lease as stored in etcd)', () => {
  it('reads the holder, the transitions, and an acquisition (acquireTime = renewTime)', () => {
    const value = storedLease({ holder: 'host_1f2e', duration: 15, acquire: [1_700_000_000, 123_000], renew: [1_700_000_000, 123_000], transitions: 4 });
    expect(decodeLeaseValue(value)).toEqual({ holder: 'host_1f2e', leaseTransitions: 4, acquiredNow: true });
  });

  it('reads a value stored by the real API server (etcdctl get -w json on this lab\'s cluster, a renewed Lease)', () => {
    // /registry/leases/k8s-flow-lab/deployment-controller, version 20: 19 renewals after its creation.
    const value = Buffer.from(REAL_LEASE_VALUE, 'base64');
    expect(decodeLeaseValue(value)).toEqual({ holder: 'vm_da32ecc8-14e8-4187-9e74-30c70c140d66', leaseTransitions: 0, acquiredNow: false });
  });

  it('a renewal has a later renewTime than its acquireTime', () => {
    const value = storedLease({ holder: 'host_1f2e', acquire: [1_700_000_000, 0], renew: [1_700_000_002, 5_000], transitions: 4 });
    expect(decodeLeaseValue(value)).toMatchObject({ acquiredNow: false });
  });

  it('a lease with no spec fields reads as no holder, no transitions', () => {
    expect(decodeLeaseValue(storedLease({}))).toEqual({ holder: '', leaseTransitions: 0, acquiredNow: false });
  });

  it('transitions past 2^7 and unicode holders survive the varint and string decoding', () => {
    const value = storedLease({ holder: 'hôte_é', acquire: [1, 1], renew: [1, 1], transitions: 300 });
    expect(decodeLeaseValue(value)).toEqual({ holder: 'hôte_é', leaseTransitions: 300, acquiredNow: true });
  });

  it.each([
    ['a JSON value', Buffer.from('{"kind":"Lease"}')],
    ['too short', Buffer.from('k8')],
    ['truncated after the magic', Buffer.concat([Buffer.from('k8s\0', 'binary'), Buffer.from([0x12, 0x40, 0x01])])],
    ['no raw object', Buffer.from('k8s\0', 'binary')],
  ])('is undefined for %s', (_label, value) => {
    expect(decodeLeaseValue(value)).toBeUndefined();
  });
});

describe('classifyLeaseWrite', () => {
  const acquired = b64(storedLease({ holder: 'h_1', acquire: [10, 0], renew: [10, 0], transitions: 2 }));
  const renewed = b64(storedLease({ holder: 'h_1', acquire: [10, 0], renew: [12, 0], transitions: 2 }));
  const released = b64(storedLease({ holder: '', acquire: [20, 0], renew: [20, 0], transitions: 2 }));
  it.each([
    ['a delete', true, false, undefined, { write: 'deleted' }],
    ['a create', false, true, acquired, { write: 'created', holder: 'h_1', leaseTransitions: 2 }],
    ['an acquisition', false, false, acquired, { write: 'acquired', holder: 'h_1', leaseTransitions: 2 }],
    ['a release (empty holder)', false, false, released, { write: 'released', holder: '', leaseTransitions: 2 }],
    ['a renewal', false, false, renewed, undefined],
    ['an unreadable value', false, false, b64('garbage'), undefined],
    ['no value at all', false, false, undefined, undefined],
  ] as const)('%s', (_label, isDelete, created, value, expected) => {
    expect(classifyLeaseWrite(isDelete, created, value)).toEqual(expected);
  });
});

describe('the etcd tap and the lab namespace Leases', () => {
  it('keeps the writes that change who leads and drops renewals, with holder and transitions', () => {
    const line = watchLine([
      { key: KEY, create: 100, mod: 100, value: storedLease({ holder: 'a_1', acquire: [1, 0], renew: [1, 0], transitions: 0 }) },
      { key: KEY, create: 100, mod: 101, value: storedLease({ holder: 'a_1', acquire: [1, 0], renew: [3, 0], transitions: 0 }) },
      { key: KEY, create: 100, mod: 102, value: storedLease({ holder: '', acquire: [5, 0], renew: [5, 0], transitions: 0 }) },
      { key: KEY, create: 100, mod: 103, value: storedLease({ holder: 'b_2', acquire: [6, 0], renew: [6, 0], transitions: 1 }) },
      { key: KEY, create: 100, mod: 104, type: 1 },
    ]);
    const inputs = parseEtcdWatchLine(line);
    expect(inputs.map((i) => [i.verb, i.resourceVersion, i.details.lease, i.details.holder, i.details.leaseTransitions])).toEqual([
      ['PUT', '100', 'created', 'a_1', 0],
      ['PUT', '102', 'released', '(released)', 0],
      ['PUT', '103', 'acquired', 'b_2', 1],
      ['DELETE', '104', 'deleted', undefined, undefined],
    ]);
    expect(inputs[0]!.object).toEqual({ kind: 'Lease', namespace: LAB_NAMESPACE, name: 'deployment-controller' });
    expect(JSON.stringify(inputs)).not.toContain(b64(storedLease({ holder: 'a_1', acquire: [1, 0], renew: [1, 0], transitions: 0 })));
  });

  it('still skips Leases of other namespaces (node heartbeats, built-in leader election)', () => {
    const line = watchLine([
      { key: '/registry/leases/kube-node-lease/kind-worker', create: 5, mod: 9, value: storedLease({ holder: 'kind-worker', acquire: [1, 0], renew: [1, 0] }) },
      { key: '/registry/leases/kube-system/kube-controller-manager', create: 6, mod: 10, value: storedLease({ holder: 'x', acquire: [1, 0], renew: [1, 0] }) },
    ]);
    expect(parseEtcdWatchLine(line)).toEqual([]);
    expect(parseEtcdWatchLine(line, { leaseNamespaces: ['kube-system'] }).map((i) => i.object.name)).toEqual(['kube-controller-manager']);
  });

  it('watches the lab namespace Leases inside the leases hole (interactive etcdctl)', () => {
    const lines = etcdctlWatchCommands().trim().split('\n');
    expect(lines).toContain(`watch /registry/leases/${LAB_NAMESPACE}/ /registry/leases/${LAB_NAMESPACE}0`);
    expect(lines.some((l) => l.startsWith('watch /registry/leases/ '))).toBe(false);
    expect(etcdctlWatchCommands(['events'], [LAB_NAMESPACE]).trim().split('\n')).toHaveLength(2); // leases not skipped: no extra range
  });

  it('traces the namespace the lab runs in', () => {
    expect(LEASE_NAMESPACES_TRACED).toEqual([LAB_NAMESPACE]);
  });
});
