// A synthetic 3-replica rollout, fed through a real Timeline + Correlator, as the taps would
// record it: kubectl creates Deployment web; the lab's controllers and scheduler do the rest.
import { Correlator } from '../../../lab/trace/correlate.js';
import type { TraceInput } from '../../../lab/trace/schema.js';
import { Timeline } from '../../../lab/trace/timeline.js';

export const START = Date.parse('2025-01-01T10:00:00Z');
const at = (ms: number) => new Date(START + ms);
const ns = 'default';
export const PODS = ['web-7d9f-aaaaa', 'web-7d9f-bbbbb', 'web-7d9f-ccccc'];
const NODES = ['kind-worker', 'kind-worker2', 'kind-worker'];

export function rolloutInputs(): TraceInput[] {
  const dep = { kind: 'Deployment', namespace: ns, name: 'web', uid: 'd-1' };
  const rs = { kind: 'ReplicaSet', namespace: ns, name: 'web-7d9f', uid: 'r-1' };
  const inputs: TraceInput[] = [
    { tap: 'audit', actor: 'kubectl', verb: 'create', object: dep, details: { code: 201 }, at: at(0), latencyMs: 5 },
    { tap: 'etcd', actor: 'etcd', verb: 'PUT', object: { kind: 'Deployment', namespace: ns, name: 'web' }, resourceVersion: '100', details: { created: true }, at: at(3) },
    { tap: 'informer', actor: 'deployment-controller', verb: 'ADDED', object: dep, resourceVersion: '100', details: { diff: [] }, at: at(10) },
    { tap: 'decision', actor: 'deployment-controller', verb: 'create', object: dep, details: { reason: 'no ReplicaSet matches the template' }, at: at(12) },
    { tap: 'write', actor: 'deployment-controller', verb: 'create', object: rs, resourceVersion: '101', details: { owner: { kind: 'Deployment', name: 'web', uid: 'd-1' } }, at: at(13), latencyMs: 4 },
    { tap: 'etcd', actor: 'etcd', verb: 'PUT', object: { kind: 'ReplicaSet', namespace: ns, name: 'web-7d9f' }, resourceVersion: '101', details: { created: true }, at: at(15) },
    { tap: 'informer', actor: 'replicaset-controller', verb: 'ADDED', object: rs, resourceVersion: '101', details: { owner: { kind: 'Deployment', name: 'web', uid: 'd-1' } }, at: at(20) },
    { tap: 'decision', actor: 'replicaset-controller', verb: 'create', object: rs, details: { reason: 'need 3 pods, have 0' }, at: at(21) },
  ];
  PODS.forEach((pod, i) => {
    const ref = { kind: 'Pod', namespace: ns, name: pod, uid: `p-${i}` };
    const rv = String(110 + i * 10);
    const owner = { kind: 'ReplicaSet', name: 'web-7d9f', uid: 'r-1' };
    inputs.push(
      { tap: 'write', actor: 'replicaset-controller', verb: 'create', object: ref, resourceVersion: rv, details: { owner }, at: at(22 + i), latencyMs: 3 },
      { tap: 'etcd', actor: 'etcd', verb: 'PUT', object: { kind: 'Pod', namespace: ns, name: pod }, resourceVersion: rv, details: {}, at: at(24 + i) },
      { tap: 'informer', actor: 'scheduler', verb: 'ADDED', object: ref, resourceVersion: rv, details: { owner }, at: at(30 + i) },
      { tap: 'decision', actor: 'scheduler', verb: 'bind', object: ref, details: { reason: `best score on ${NODES[i]}` }, at: at(40 + i) },
      { tap: 'write', actor: 'scheduler', verb: 'bind', object: ref, details: { subresource: 'binding', node: NODES[i] }, at: at(41 + i), latencyMs: 2 },
      { tap: 'containerd', actor: `containerd@${NODES[i]}`, verb: '/containers/create', object: ref, details: { containerId: `sb-${i}`, containerKind: 'sandbox' }, at: at(60 + i) },
      { tap: 'containerd', actor: `containerd@${NODES[i]}`, verb: '/tasks/start', object: ref, details: { containerId: `sb-${i}`, containerKind: 'sandbox' }, at: at(70 + i) },
      { tap: 'containerd', actor: `containerd@${NODES[i]}`, verb: '/containers/create', object: ref, details: { containerId: `c-${i}`, containerKind: 'container', container: 'nginx' }, at: at(80 + i) },
      { tap: 'containerd', actor: `containerd@${NODES[i]}`, verb: '/tasks/start', object: ref, details: { containerId: `c-${i}`, containerKind: 'container', container: 'nginx' }, at: at(90 + i) },
      { tap: 'kubelet', actor: `kubelet@${NODES[i]}`, verb: 'Started', object: ref, details: { message: 'Started container nginx', container: 'nginx' }, at: at(95 + i) },
    );
  });
  return inputs;
}

/** Append the scenario in arrival order (by time here) to a correlated timeline. */
export function rolloutTimeline() {
  const correlator = new Correlator();
  const timeline = new Timeline({ startMs: START, now: () => START, enrich: (e) => correlator.link(e) });
  const inputs = rolloutInputs().sort((a, b) => a.at!.getTime() - b.at!.getTime());
  for (const input of inputs) timeline.append(input);
  return { timeline, correlator };
}
