/**
 * Pure: kwok's configuration file (--config): its options and the lab's own Stages, the rules that
 * tell kwok what to write for the nodes and pods it manages. With no Stage CRD in the cluster
 * (--enable-crds is left empty) kwok reads its stages from this file and refuses to start without
 * any; so the cluster gains no CRD and loses nothing when kwok goes.
 *
 * The stages, written for the lab:
 * - lab-node-ready: a managed node that is not Ready becomes Ready (conditions, addresses, phase);
 *   kwok itself renews each node's Lease, which is what keeps it Ready afterwards.
 * - lab-pod-running: a pod bound to a managed node, Pending and not being deleted, becomes Running
 *   and Ready at once, with a pod IP and a running state for each container (init containers
 *   completed). Readiness gates are not simulated: a pod with one stays not Ready.
 * - lab-pod-delete: a pod being deleted is deleted for good (grace period 0), as the kubelet does
 *   once its containers have stopped.
 * A pod that would finish (a Job's) keeps running: no stage completes pods.
 */
import { stringify } from 'yaml';
import { KWOK_ANNOTATION } from './options.js';

/** kwok renews each Lease every duration/4: 30 s, inside the node monitor grace period (50 s). */
export const NODE_LEASE_DURATION_SECONDS = 120;
/** The InternalIP of every simulated node and the hostIP of their pods: TEST-NET-1 (RFC 5737), never routed. */
export const SIMULATED_NODE_IP = '192.0.2.1';
/** Pod IPs for nodes that got no podCIDR from kube-controller-manager (kind gives out 256 /24s). */
export const SIMULATED_POD_CIDR = '10.128.0.0/16';

interface StageSelectorExpression {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

interface Stage {
  apiVersion: 'kwok.x-k8s.io/v1alpha1';
  kind: 'Stage';
  metadata: { name: string };
  spec: {
    resourceRef: { apiGroup: 'v1'; kind: 'Node' | 'Pod' };
    selector: { matchExpressions: StageSelectorExpression[] };
    steps: Array<{ patch: { subresource: 'status'; root: 'status'; template: string } } | { delete: true }>;
  };
}

function stage(name: string, kind: 'Node' | 'Pod', matchExpressions: StageSelectorExpression[], steps: Stage['spec']['steps']): Stage {
  return { apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'Stage', metadata: { name }, spec: { resourceRef: { apiGroup: 'v1', kind }, selector: { matchExpressions }, steps } };
}

const statusPatch = (template: string) => ({ patch: { subresource: 'status' as const, root: 'status' as const, template } });

/** jq: the status of the object's condition of this type (empty when it has none). */
const conditionStatus = (type: string) => `.status.conditions.[] | select( .type == "${type}" ) | .status`;

const NODE_READY_TEMPLATE = [
  '{{ $now := Now }}',
  'phase: Running',
  'conditions:',
  '- type: Ready',
  '  status: "True"',
  '  reason: KwokSimulatedNode',
  '  message: "simulated by kwok for k8s-flow-lab: no kubelet, no containers"',
  '  lastHeartbeatTime: {{ $now | Quote }}',
  '  lastTransitionTime: {{ $now | Quote }}',
  ...['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'].flatMap((type) => [
    `- type: ${type}`,
    '  status: "False"',
    '  reason: KwokSimulatedNode',
    '  lastHeartbeatTime: {{ $now | Quote }}',
    '  lastTransitionTime: {{ $now | Quote }}',
  ]),
  'addresses:',
  '- type: InternalIP',
  '  address: {{ NodeIP | Quote }}',
  '- type: Hostname',
  '  address: {{ .metadata.name | Quote }}',
].join('\n');

const POD_RUNNING_TEMPLATE = [
  '{{ $now := Now }}',
  'phase: Running',
  'startTime: {{ $now | Quote }}',
  'hostIP: {{ NodeIPWith .spec.nodeName | Quote }}',
  'podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}',
  'conditions:',
  ...['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready'].flatMap((type) => [
    `- type: ${type}`,
    '  status: "True"',
    '  lastTransitionTime: {{ $now | Quote }}',
  ]),
  'containerStatuses:',
  '{{ range .spec.containers }}',
  '- name: {{ .name | Quote }}',
  '  image: {{ .image | Quote }}',
  '  imageID: ""',
  '  ready: true',
  '  started: true',
  '  restartCount: 0',
  '  state:',
  '    running:',
  '      startedAt: {{ $now | Quote }}',
  '{{ end }}',
  '{{ with .spec.initContainers }}',
  'initContainerStatuses:',
  '{{ range . }}',
  '- name: {{ .name | Quote }}',
  '  image: {{ .image | Quote }}',
  '  imageID: ""',
  '  ready: true',
  '  restartCount: 0',
  '  state:',
  '    terminated:',
  '      exitCode: 0',
  '      reason: Completed',
  '      startedAt: {{ $now | Quote }}',
  '      finishedAt: {{ $now | Quote }}',
  '{{ end }}',
  '{{ end }}',
].join('\n');

export function labStages(): Stage[] {
  return [
    stage('lab-node-ready', 'Node', [{ key: conditionStatus('Ready'), operator: 'NotIn', values: ['True'] }], [statusPatch(NODE_READY_TEMPLATE)]),
    stage('lab-pod-running', 'Pod', [
      { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
      { key: '.spec.nodeName', operator: 'Exists' },
      { key: '.status.phase', operator: 'In', values: ['Pending'] },
    ], [statusPatch(POD_RUNNING_TEMPLATE)]),
    stage('lab-pod-delete', 'Pod', [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }], [{ delete: true }]),
  ];
}

export function kwokConfiguration(): Record<string, unknown> {
  return {
    apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
    kind: 'KwokConfiguration',
    options: {
      manageAllNodes: false,
      manageNodesWithAnnotationSelector: `${KWOK_ANNOTATION.key}=${KWOK_ANNOTATION.value}`,
      nodeIP: SIMULATED_NODE_IP,
      cidr: SIMULATED_POD_CIDR,
      nodeLeaseDurationSeconds: NODE_LEASE_DURATION_SECONDS,
      // kwok v0.8.0 applies its defaults only without a configuration file: with one, a zero
      // parallelism is refused ("node leases parallelism must be greater than 0"). Its defaults:
      nodeLeaseParallelism: 4,
      nodePlayStageParallelism: 4,
      podPlayStageParallelism: 4,
      podsOnNodeSyncParallelism: 1,
      enableProfilingHandler: false,
      enableDebuggingHandlers: false,
    },
  };
}

/** The whole file: the configuration, then the stages, as one multi-document YAML. */
export function kwokConfigYaml(): string {
  return [kwokConfiguration(), ...labStages()].map((doc) => stringify(doc, { lineWidth: 0 })).join('---\n');
}
