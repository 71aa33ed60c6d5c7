/**
 * Who made an API request, from the audit log's user and user agent. The lab's components announce
 * themselves with 'k8s-flow-lab/<component>'; Kubernetes' own components are recognised by their
 * service account or system user, so a trace shows plainly when the built-in controllers acted.
 */
import type { Actor } from './schema.js';

const LAB_AGENT = /^k8s-flow-lab\/(deployment-controller|replicaset-controller|scheduler)\b/;

export function actorFromRequest(username: string | undefined, userAgent: string | undefined): Actor {
  const user = username ?? '';
  const agent = userAgent ?? '';

  const lab = LAB_AGENT.exec(agent);
  if (lab) return lab[1] as Actor;

  if (user === 'system:serviceaccount:kube-system:deployment-controller' || /^kube-controller-manager\/.*deployment-controller/.test(agent)) {
    return 'kube-controller-manager/deployment-controller';
  }
  if (user === 'system:serviceaccount:kube-system:replicaset-controller' || /^kube-controller-manager\/.*replicaset-controller/.test(agent)) {
    return 'kube-controller-manager/replicaset-controller';
  }
  if (user === 'system:kube-scheduler' || agent.startsWith('kube-scheduler/')) return 'default-scheduler';

  // kube-controller-manager's other controllers run under their own service accounts
  // (--use-service-account-credentials): the garbage collector, the namespace controller, the
  // service-account and root-ca-cert publishers that fill a new namespace, ...
  const kcmController = /^system:serviceaccount:kube-system:([a-z0-9][a-z0-9-]*)$/.exec(user);
  if (kcmController && agent.startsWith('kube-controller-manager/')) return `kube-controller-manager/${kcmController[1]}`;
  if (user === 'system:kube-controller-manager') return 'kube-controller-manager/kube-controller-manager';

  const node = /^system:node:(.+)$/.exec(user);
  if (node) return `kubelet@${node[1]}`;

  if (agent.startsWith('kubectl/') || agent.startsWith('kubectl.exe/')) return 'kubectl';
  return 'user';
}

/** The fixed left-to-right order of participants in diagrams and of actor colours in the live view. */
export function actorRank(actor: Actor): number {
  if (actor === 'kubectl' || actor === 'user') return 0;
  if (actor === 'api-server') return 1;
  if (actor === 'etcd') return 2;
  if (actor === 'deployment-controller') return 3;
  if (actor === 'kube-controller-manager/deployment-controller') return 3.5;
  if (actor === 'replicaset-controller') return 4;
  if (actor === 'kube-controller-manager/replicaset-controller') return 4.5;
  if (actor.startsWith('kube-controller-manager/')) return 4.7; // GC, namespace controller, ...
  if (actor === 'scheduler') return 5;
  if (actor === 'default-scheduler') return 5.5;
  if (actor.startsWith('kubelet@')) return 6;
  return 7; // containerd@
}
