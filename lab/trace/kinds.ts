/**
 * Resource names as the audit log and etcd spell them, mapped to kinds as the rest of the trace
 * spells them, so an object has one key whichever tap saw it.
 */
const RESOURCE_KINDS: Record<string, string> = {
  pods: 'Pod',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  nodes: 'Node',
  minions: 'Node', // etcd's historical name for nodes
  events: 'Event',
  leases: 'Lease',
  secrets: 'Secret',
  configmaps: 'ConfigMap',
  services: 'Service',
  endpoints: 'Endpoints',
  endpointslices: 'EndpointSlice',
  serviceaccounts: 'ServiceAccount',
  namespaces: 'Namespace',
  bindings: 'Binding',
  controllerrevisions: 'ControllerRevision',
  daemonsets: 'DaemonSet',
  statefulsets: 'StatefulSet',
  jobs: 'Job',
};

/** 'pods' → 'Pod'; unknown resources get a readable guess ('widgets' → 'Widget'). */
export function kindOfResource(resource: string): string {
  const known = RESOURCE_KINDS[resource];
  if (known) return known;
  const singular = resource.endsWith('s') ? resource.slice(0, -1) : resource;
  return singular.charAt(0).toUpperCase() + singular.slice(1);
}

/** Resources that are not namespaced, so /registry/<r>/<name> has no namespace segment. */
export const CLUSTER_SCOPED_RESOURCES = new Set(['nodes', 'minions', 'namespaces', 'persistentvolumes', 'clusterroles', 'clusterrolebindings', 'priorityclasses', 'storageclasses', 'csinodes', 'runtimeclasses']);
