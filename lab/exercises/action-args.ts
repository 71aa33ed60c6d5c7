/** Pure translation of actions into kubectl arguments, and of pods into the container to kill. */
import type { Action } from './action-schema.js';
import { isTerminating, nodeNameOf, podPhase, valueAt, type KubeObject } from './snapshot.js';

type KubectlAction = Exclude<Action, { type: 'sleep' | 'builtinControllers' | 'killContainer' | 'startLab' | 'killLeader' | 'stopLab' | 'addSimulatedNodes' | 'removeSimulatedNodes' }>;

function hasNamespaceFlag(args: readonly string[]): boolean {
  return args.some((a) => a === '-n' || a.startsWith('--namespace') || a === '-A' || a === '--all-namespaces');
}

export function kubectlArgsFor(action: KubectlAction, namespace: string): string[] {
  const ns = ['--namespace', namespace];
  switch (action.type) {
    case 'apply':
      return ['apply', ...ns, '-f', '-'];
    case 'kubectl':
      return hasNamespaceFlag(action.args) ? [...action.args] : [...action.args, ...ns];
    case 'delete':
      return ['delete', ...ns, action.resource, ...(action.name ? [action.name] : ['-l', action.selector!]), `--wait=${action.wait}`];
    case 'scale':
      return ['scale', ...ns, `${action.resource}/${action.name}`, `--replicas=${action.replicas}`];
    case 'cordon':
      return ['cordon', action.node];
    case 'uncordon':
      return ['uncordon', action.node];
    case 'taint':
      return ['taint', 'nodes', action.node, `${action.key}${action.value !== undefined ? `=${action.value}` : ''}:${action.effect}`, '--overwrite'];
    case 'untaint':
      return ['taint', 'nodes', action.node, `${action.key}${action.effect ? `:${action.effect}` : ''}-`];
    case 'labelNode':
      return ['label', 'nodes', action.node, ...Object.entries(action.labels).map(([k, v]) => (v === null ? `${k}-` : `${k}=${v}`)), '--overwrite'];
    case 'wait':
      return ['wait', ...ns, action.target, ...(action.selector ? ['-l', action.selector] : []), `--for=${action.for}`, `--timeout=${action.timeoutSeconds}s`];
  }
}

export type KillTarget = { pod: string; node: string; containerId: string } | { problem: string };

/** The first running pod (by name) with a running container of that name: its node and containerd id. */
export function containerToKill(pods: readonly KubeObject[], container: string): KillTarget {
  const candidates = pods.filter((p) => !isTerminating(p) && podPhase(p) === 'Running').sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  for (const pod of candidates) {
    const statuses = valueAt(pod, 'status.containerStatuses');
    if (!Array.isArray(statuses)) continue;
    const status = statuses.find((s) => (s as { name?: string }).name === container) as { containerID?: string; state?: { running?: unknown } } | undefined;
    const node = nodeNameOf(pod);
    const id = status?.containerID?.replace(/^containerd:\/\//, '');
    if (status?.state?.running && node && id) return { pod: pod.metadata.name, node, containerId: id };
  }
  return { problem: `no running pod with a running container "${container}" (${pods.length} pod(s) matched the selector)` };
}
