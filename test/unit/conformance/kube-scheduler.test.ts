import { describe, expect, it } from 'vitest';
import { MANIFEST, mirrorPodState, moveScript, PARKED } from '../../../lab/conformance/kube-scheduler.js';

describe('moveScript', () => {
  it('parks the manifest outside the kubelet directory, and puts it back, each only when its source exists', () => {
    expect(moveScript(true)).toBe(`test -f ${MANIFEST} && mv ${MANIFEST} ${PARKED}`);
    expect(moveScript(false)).toBe(`test -f ${PARKED} && mv ${PARKED} ${MANIFEST}`);
    expect(PARKED.startsWith('/etc/kubernetes/manifests/')).toBe(false);
  });
});

describe('mirrorPodState', () => {
  const pod = (ready: string) => ({ status: { conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: ready }] } });
  it('no pod: gone', () => {
    expect(mirrorPodState({ items: [] })).toBe('gone');
    expect(mirrorPodState({})).toBe('gone');
  });
  it('a Ready pod: running; one not Ready yet: other', () => {
    expect(mirrorPodState({ items: [pod('True')] })).toBe('running');
    expect(mirrorPodState({ items: [pod('False')] })).toBe('other');
    expect(mirrorPodState({ items: [{}] })).toBe('other');
  });
});
