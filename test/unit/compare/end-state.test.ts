import { describe, expect, it } from 'vitest';
import { diffEndStates, flatten, maskHash, normaliseEndState, ownerChain, templateHashes, type RawState } from '../../../lab/compare/end-state.js';

function state(hash: string, opts: { ready?: number; reason?: string; extraPod?: boolean } = {}): RawState {
  const rsName = `web-${hash}`;
  const pod = (n: number) => ({
    metadata: { name: `${rsName}-${n}`, labels: { app: 'web', 'pod-template-hash': hash }, ownerReferences: [{ kind: 'ReplicaSet', name: rsName, controller: true }] },
    status: { phase: 'Running' },
  });
  return {
    deployments: [
      {
        metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '1' } },
        spec: { replicas: 3 },
        status: {
          replicas: 3,
          updatedReplicas: 3,
          readyReplicas: opts.ready ?? 3,
          availableReplicas: 3,
          conditions: [
            { type: 'Progressing', status: 'True', reason: opts.reason ?? 'NewReplicaSetAvailable' },
            { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
          ],
        },
      },
    ],
    replicaSets: [
      {
        metadata: { name: rsName, labels: { app: 'web', 'pod-template-hash': hash }, annotations: { 'deployment.kubernetes.io/revision': '1' }, ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] },
        spec: { replicas: 3 },
        status: { readyReplicas: 3 },
      },
    ],
    pods: [pod(1), pod(2), pod(3), ...(opts.extraPod ? [{ ...pod(4), metadata: { ...pod(4).metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } }] : [])],
  };
}

describe('normaliseEndState', () => {
  it('masks pod-template-hash values and keeps other labels', () => {
    expect(maskHash({ 'pod-template-hash': 'abc', app: 'web' })).toEqual({ app: 'web', 'pod-template-hash': '<hash>' });
  });

  it('follows controller owners to the Deployment', () => {
    const s = state('abc');
    expect(ownerChain(s.pods[0]!, s)).toBe('Pod→ReplicaSet→Deployment');
    expect(ownerChain({ metadata: { name: 'bare' } }, s)).toBe('Pod');
  });

  it('orders ReplicaSets by int64 revision, exact past 2^53', () => {
    const s = state('abc');
    const template = s.replicaSets[0]!;
    const at = (revision: string) => ({ ...template, metadata: { ...template.metadata, annotations: { 'deployment.kubernetes.io/revision': revision } } });
    s.replicaSets = [at('3546343826724305833'), at('3546343826724305831'), at('3546343826724305832'), at('10')];
    expect(normaliseEndState(s).replicaSets.map((r) => r.revision)).toEqual(['10', '3546343826724305831', '3546343826724305832', '3546343826724305833']);
  });

  it('reduces a rollout to counts, masked labels, chains, revisions and condition reasons', () => {
    const n = normaliseEndState(state('abc'));
    expect(n.podCount).toBe(3);
    expect(n.replicaSetCount).toBe(1);
    expect(n.podLabels).toEqual(['app=web,pod-template-hash=<hash>']);
    expect(n.ownerChains).toEqual({ 'Pod→ReplicaSet→Deployment': 3 });
    expect(n.deployments[0]!.revision).toBe('1');
    expect(n.deployments[0]!.status).toMatchObject({ replicas: 3, readyReplicas: 3, unavailableReplicas: 0 });
    expect(n.deployments[0]!.conditions).toEqual(['Available=True/MinimumReplicasAvailable', 'Progressing=True/NewReplicaSetAvailable']);
    expect(n.podPhases).toEqual({ Running: 3 });
  });

  it('leaves terminating pods out of the end state', () => {
    expect(normaliseEndState(state('abc', { extraPod: true })).podCount).toBe(3);
  });

  it('collects the hash values for the explanations', () => {
    expect(templateHashes(state('abc'))).toEqual(['abc']);
  });
});

describe('diffEndStates', () => {
  it('finds nothing when only names and hashes differ', () => {
    expect(diffEndStates(normaliseEndState(state('abc')), normaliseEndState(state('xyz')))).toEqual([]);
  });

  it('reports each differing leaf with both values', () => {
    const diff = diffEndStates(normaliseEndState(state('abc')), normaliseEndState(state('xyz', { ready: 2, reason: 'ReplicaSetUpdated' })));
    expect(diff).toEqual([
      { path: 'deployments[0].conditions[1]', builtin: '"Progressing=True/NewReplicaSetAvailable"', lab: '"Progressing=True/ReplicaSetUpdated"' },
      { path: 'deployments[0].status.readyReplicas', builtin: '3', lab: '2' },
    ]);
  });

  it('reports a value missing on one side', () => {
    const lab = normaliseEndState({ ...state('x'), replicaSets: [] });
    const diff = diffEndStates(normaliseEndState(state('x')), lab);
    expect(diff).toContainEqual({ path: 'replicaSetCount', builtin: '1', lab: '0' });
    expect(diff).toContainEqual({ path: 'replicaSets[0].owner', builtin: '"Deployment"' });
  });

  it('flatten marks empty containers so their absence is a difference too', () => {
    expect([...flatten({ a: [], b: {}, c: 1 })]).toEqual([['a', '[]'], ['b', '{}'], ['c', '1']]);
  });
});
