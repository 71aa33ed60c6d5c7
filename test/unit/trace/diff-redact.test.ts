import { describe, expect, it } from 'vitest';
import { containerStateText, diffObjects, formatDiff } from '../../../lab/trace/diff.js';
import { REDACTED, redactEntry, redactValue } from '../../../lab/trace/redact.js';
import type { TraceEntry } from '../../../lab/trace/schema.js';
import { renderExport } from '../../../lab/trace/session.js';

describe('diffObjects', () => {
  const rs = (over: Record<string, unknown>) => ({ metadata: { labels: { 'pod-template-hash': '7d9f' }, annotations: { 'deployment.kubernetes.io/revision': '1' } }, spec: { replicas: 3 }, status: { replicas: 1 }, ...over });
  it.each([
    ['scale up', rs({}), rs({ spec: { replicas: 5 } }), [{ field: 'spec.replicas', from: '3', to: '5' }]],
    ['status counts', rs({ status: { replicas: 1 } }), rs({ status: { replicas: 3, readyReplicas: 2, availableReplicas: 1, updatedReplicas: 3 } }), [
      { field: 'status.replicas', from: '1', to: '3' },
      { field: 'status.readyReplicas', to: '2' },
      { field: 'status.availableReplicas', to: '1' },
      { field: 'status.updatedReplicas', to: '3' },
    ]],
    ['revision annotation', rs({}), { ...rs({}), metadata: { labels: { 'pod-template-hash': '7d9f' }, annotations: { 'deployment.kubernetes.io/revision': '2' } } }, [{ field: 'revision', from: '1', to: '2' }]],
    ['binding', { spec: {} }, { spec: { nodeName: 'kind-worker' } }, [{ field: 'spec.nodeName', to: 'kind-worker' }]],
    ['deletion (Date)', { metadata: {} }, { metadata: { deletionTimestamp: new Date('2025-01-01T10:00:00Z') } }, [{ field: 'metadata.deletionTimestamp', to: '2025-01-01T10:00:00.000Z' }]],
    ['conditions', { status: { conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }] } }, { status: { conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] } }, [
      { field: 'condition.Available', from: 'False MinimumReplicasUnavailable', to: 'True MinimumReplicasAvailable' },
      { field: 'condition.Progressing', to: 'True NewReplicaSetAvailable' },
    ]],
    ['container crash', { status: { containerStatuses: [{ name: 'app', state: { running: {} } }] } }, { status: { containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137 } } }] } }, [{ field: 'container.app', from: 'running', to: 'terminated(137)' }]],
    ['init container', { status: {} }, { status: { initContainerStatuses: [{ name: 'init', state: { waiting: { reason: 'PodInitializing' } } }] } }, [{ field: 'container.init:init', to: 'waiting(PodInitializing)' }]],
    ['no change in fields that matter', { metadata: { resourceVersion: '1' }, spec: { replicas: 1 } }, { metadata: { resourceVersion: '2' }, spec: { replicas: 1 } }, []],
  ])('%s', (_name, before, after, expected) => {
    expect(diffObjects(before, after)).toEqual(expected);
  });

  it('diffs an ADDED object against nothing', () => {
    expect(diffObjects(undefined, { status: { phase: 'Pending' } })).toEqual([{ field: 'status.phase', to: 'Pending' }]);
  });

  it('formats compactly', () => {
    expect(formatDiff([{ field: 'spec.replicas', from: '1', to: '3' }, { field: 'spec.nodeName', from: 'a' }])).toBe('spec.replicas 1→3, spec.nodeName a→∅');
  });

  it.each([
    [{ waiting: { reason: 'CrashLoopBackOff' } }, 'waiting(CrashLoopBackOff)'],
    [{ running: { startedAt: 'x' } }, 'running'],
    [{ terminated: { exitCode: 0 } }, 'terminated(0)'],
    [{}, undefined],
  ])('container state %j', (state, text) => expect(containerStateText(state)).toBe(text));
});

describe('redaction', () => {
  it('masks Secret data and stringData values but keeps keys', () => {
    const secret = { kind: 'Secret', metadata: { name: 'db' }, data: { password: 'aHVudGVyMg==' }, stringData: { token: 'abc' } };
    expect(redactValue(secret)).toEqual({ kind: 'Secret', metadata: { name: 'db' }, data: { password: REDACTED }, stringData: { token: REDACTED } });
  });

  it('masks Secrets inside a SecretList and leaves ConfigMap-like data of other kinds alone', () => {
    const list = { kind: 'SecretList', items: [{ metadata: { name: 'a' }, data: { k: 'dg==' } }] };
    expect(JSON.stringify(redactValue(list))).not.toContain('dg==');
    expect(redactValue({ kind: 'ConfigMap', data: { k: 'v' } })).toEqual({ kind: 'ConfigMap', data: { k: 'v' } });
  });

  it('masks env values in pod templates, keeps names and valueFrom references only', () => {
    const deployment = {
      kind: 'Deployment',
      spec: { template: { spec: { containers: [{ name: 'app', env: [
        { name: 'PASSWORD', value: 'hunter2' },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'db', key: 'token', optional: true } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName', apiVersion: 'v1' } } },
      ] }] } } },
    };
    const out = redactValue(deployment) as typeof deployment;
    expect(out.spec.template.spec.containers[0]!.env).toEqual([
      { name: 'PASSWORD', value: REDACTED },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'db', key: 'token' } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    ]);
    expect(JSON.stringify(out)).not.toContain('hunter2');
  });

  it('masks request/response objects of audit events about secrets, however nested', () => {
    const audit = { wrapped: { kind: 'Event', objectRef: { resource: 'secrets', name: 'db' }, requestObject: { data: { x: 'c2VjcmV0' } }, responseObject: { kind: 'Secret', data: { x: 'c2VjcmV0' } } } };
    const out = JSON.stringify(redactValue(audit));
    expect(out).not.toContain('c2VjcmV0');
    expect(out).toContain('"requestObject":"[redacted]"');
  });

  it('masks env values inside kubectl last-applied-configuration', () => {
    const applied = JSON.stringify({ kind: 'Pod', spec: { containers: [{ name: 'a', env: [{ name: 'K', value: 'sekrit' }] }] } });
    const out = redactValue({ metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied } } });
    expect(JSON.stringify(out)).not.toContain('sekrit');
    expect(JSON.stringify(out)).toContain('\\"name\\":\\"K\\"');
  });

  it('redactEntry masks data maps in details of entries about a Secret', () => {
    const entry: TraceEntry = { schemaVersion: 1, id: 1, tMs: 0, wallTime: '2025-01-01T00:00:00.000Z', tap: 'informer', actor: 'kubectl', verb: 'ADDED', object: { kind: 'Secret', name: 'db' }, details: { snapshot: { data: { pw: 'eA==' } } } };
    expect(JSON.stringify(redactEntry(entry))).not.toContain('eA==');
  });

  it('every export format redacts again, so an entry read from a hand-edited file is masked too', async () => {
    const entry: TraceEntry = { schemaVersion: 1, id: 1, tMs: 0, wallTime: '2025-01-01T00:00:00.000Z', tap: 'informer', actor: 'scheduler', verb: 'ADDED', object: { kind: 'Pod', name: 'p' }, details: { env: [{ name: 'K', value: 'sekrit' }] } };
    for (const format of ['jsonl', 'mermaid', 'html'] as const) expect(await renderExport(format, [entry])).not.toContain('sekrit');
  });
});
