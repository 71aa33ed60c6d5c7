// The lab scheduler binding one pod, as each tap records it, built by the taps' own pure functions
// from what their sources print. The first three entries are the examples of docs/trace-schema.md.
import { Correlator } from '../../../lab/trace/correlate.js';
import type { TraceEntry } from '../../../lab/trace/schema.js';
import { parseAuditLine } from '../../../lab/trace/taps/audit.js';
import { containerdEntry, parseContainerInfo, parseCtrEventLine } from '../../../lab/trace/taps/containerd.js';
import { decisionEntry } from '../../../lab/trace/taps/decision.js';
import { parseEtcdWatchLine } from '../../../lab/trace/taps/etcd.js';
import { informerEntry } from '../../../lab/trace/taps/informer.js';
import { kubeletEventEntry, podStatusEntry } from '../../../lab/trace/taps/kubelet.js';
import { writeEntry } from '../../../lab/trace/taps/write.js';
import { Timeline } from '../../../lab/trace/timeline.js';

const START = Date.parse('2025-06-03T14:02:11.000Z');
const NS = 'default';
const POD = 'web-7d9f-aaaaa';
const POD_UID = '5b0c3e1a-7a51-4d2e-9d43-0f6f2b8e9c11';
const NODE = 'lab-worker';
const OWNER = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f', uid: 'c1f2a7d4-3b9e-4f0a-8c55-6e2d1a9b7f30', controller: true, blockOwnerDeletion: true };

const podBefore = {
  kind: 'Pod',
  metadata: { name: POD, namespace: NS, uid: POD_UID, resourceVersion: '4702', ownerReferences: [OWNER] },
  spec: { schedulerName: 'lab-scheduler', containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
  status: { phase: 'Pending' },
};
const podBound = { ...podBefore, metadata: { ...podBefore.metadata, resourceVersion: '4711' }, spec: { ...podBefore.spec, nodeName: NODE } };
const podRunning = {
  ...podBound,
  metadata: { ...podBound.metadata, resourceVersion: '4730' },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'nginx', state: { running: { startedAt: '2025-06-03T14:02:14Z' } } }] },
};

/** What the scheduler's cycle found, as LabScheduler.report hands it on (values from a run of its default profile). */
const schedulerDecision = {
  component: 'scheduler',
  object: { kind: 'Pod', namespace: NS, name: POD, uid: POD_UID },
  verb: 'bind',
  reason: 'filter 3 nodes → 2 feasible (lab-worker, lab-worker2); score lab-worker 496, lab-worker2 490 → bind lab-worker',
  details: {
    nodes: 3,
    feasible: ['lab-worker', 'lab-worker2'],
    filterReasons: { 'lab-control-plane': ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'] },
    scores: [
      { plugin: 'TaintToleration', weight: 3, scores: { 'lab-worker': 100, 'lab-worker2': 100 } },
      { plugin: 'NodeAffinity', weight: 2, scores: { 'lab-worker': 0, 'lab-worker2': 0 } },
      { plugin: 'NodeResourcesFit', weight: 1, scores: { 'lab-worker': 97, 'lab-worker2': 94 } },
      { plugin: 'NodeResourcesBalancedAllocation', weight: 1, scores: { 'lab-worker': 99, 'lab-worker2': 96 } },
      { plugin: 'ImageLocality', weight: 1, scores: { 'lab-worker': 0, 'lab-worker2': 0 } },
    ],
    totals: { 'lab-worker': 496, 'lab-worker2': 490 },
    chosen: NODE,
    phase: 'PostBind',
    schedulerName: 'lab-scheduler',
  },
};

/** The Binding the scheduler POSTs (controllers/scheduler/scheduler.ts apiBinder). */
const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: POD, namespace: NS, uid: POD_UID }, target: { apiVersion: 'v1', kind: 'Node', name: NODE } };

/** The API server's audit line for that POST (audit-policy.yaml logs pods/binding at RequestResponse). */
const auditLine = JSON.stringify({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'RequestResponse',
  auditID: '0e8f6a52-94d1-4c1b-b7a3-2f5d9c04e6b8',
  stage: 'ResponseComplete',
  requestURI: `/api/v1/namespaces/${NS}/pods/${POD}/binding`,
  verb: 'create',
  user: { username: 'system:serviceaccount:k8s-flow-lab:scheduler', groups: ['system:serviceaccounts', 'system:serviceaccounts:k8s-flow-lab', 'system:authenticated'] },
  sourceIPs: ['172.18.0.1'],
  userAgent: 'k8s-flow-lab/scheduler',
  objectRef: { resource: 'pods', namespace: NS, name: POD, apiVersion: 'v1', subresource: 'binding' },
  responseStatus: { metadata: {}, status: 'Success', code: 201 },
  requestObject: binding,
  responseObject: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 },
  requestReceivedTimestamp: '2025-06-03T14:02:12.203512Z',
  stageTimestamp: '2025-06-03T14:02:12.206874Z',
});

/** etcdctl watch -w json: the pod written with its node (values are protobuf; the tap never decodes them). */
const etcdLine = JSON.stringify({
  Header: { cluster_id: 2307004376128937000, member_id: 6209428911262431000, revision: 4711, raft_term: 2 },
  Events: [{ kv: { key: Buffer.from(`/registry/pods/${NS}/${POD}`).toString('base64'), create_revision: 4702, mod_revision: 4711, version: 2, value: 'azhzAAoJCgJ2MRIDUG9k' } }],
  CompactRevision: 0,
  Canceled: false,
  Created: false,
});

const containerInfo = JSON.stringify({
  ID: '9d4c1f0b7e2a6c3d8f5e1a0b9c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d',
  Labels: { 'io.cri-containerd.kind': 'sandbox', 'io.kubernetes.pod.name': POD, 'io.kubernetes.pod.namespace': NS, 'io.kubernetes.pod.uid': POD_UID },
});
const ctrLine = '2025-06-03 14:02:12.914203117 +0000 UTC k8s.io /tasks/start {"container_id":"9d4c1f0b7e2a6c3d8f5e1a0b9c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d","pid":48213}';

const kubeletEvent = {
  kind: 'Event',
  metadata: { name: `${POD}.184f2b1c9a0d7e33`, namespace: NS },
  involvedObject: { kind: 'Pod', namespace: NS, name: POD, uid: POD_UID, fieldPath: 'spec.containers{nginx}' },
  reason: 'Started',
  message: 'Started container nginx',
  source: { component: 'kubelet', host: NODE },
  type: 'Normal',
  count: 1,
  lastTimestamp: '2025-06-03T14:02:14Z',
};

/** Every tap's view of the binding, correlated as a live session would be. */
export function bindingStory(): TraceEntry[] {
  let now = START;
  const correlator = new Correlator();
  const timeline = new Timeline({ startMs: START, now: () => now, enrich: (e) => correlator.link(e) });
  now = Date.parse('2025-06-03T14:02:12.201Z'); // decisions carry no time: the timeline's clock says when
  timeline.append(decisionEntry(schedulerDecision));
  timeline.append(writeEntry('scheduler', 'create', binding, undefined, 5, new Date('2025-06-03T14:02:12.207Z')));
  timeline.append(parseAuditLine(auditLine)!);
  now = Date.parse('2025-06-03T14:02:12.205Z');
  for (const input of parseEtcdWatchLine(etcdLine)) timeline.append(input);
  now = Date.parse('2025-06-03T14:02:12.214Z');
  timeline.append(informerEntry('replicaset-controller', 'MODIFIED', podBound, podBefore, 'Pod', 'pods'));
  timeline.append(containerdEntry(NODE, parseCtrEventLine(ctrLine)!, parseContainerInfo(containerInfo)));
  timeline.append(kubeletEventEntry('ADDED', kubeletEvent, undefined)!);
  now = Date.parse('2025-06-03T14:02:14.262Z');
  timeline.append(podStatusEntry('MODIFIED', podRunning, podBound)!);
  return timeline.entries();
}

/** The example lines of docs/trace-schema.md: the scheduler's decision, its write, and the API server's record of it. */
export function docExampleEntries(): TraceEntry[] {
  return bindingStory().slice(0, 3);
}
