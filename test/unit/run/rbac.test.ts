import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { V1ClusterRole, V1ClusterRoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import { parseManifests, RBAC_MANIFEST_DIR } from '../../../lab/run/identities.js';

const ROOT = join(RBAC_MANIFEST_DIR, '..', '..');

/** Client method → the permission it needs. Extend this when a controller starts calling something new. */
const PERMISSION_OF: Record<string, { group: string; resource: string; verb: string }> = {
  listDeploymentForAllNamespaces: { group: 'apps', resource: 'deployments', verb: 'list' },
  readNamespacedDeployment: { group: 'apps', resource: 'deployments', verb: 'get' },
  replaceNamespacedDeployment: { group: 'apps', resource: 'deployments', verb: 'update' },
  replaceNamespacedDeploymentStatus: { group: 'apps', resource: 'deployments/status', verb: 'update' },
  listReplicaSetForAllNamespaces: { group: 'apps', resource: 'replicasets', verb: 'list' },
  readNamespacedReplicaSet: { group: 'apps', resource: 'replicasets', verb: 'get' },
  createNamespacedReplicaSet: { group: 'apps', resource: 'replicasets', verb: 'create' },
  replaceNamespacedReplicaSet: { group: 'apps', resource: 'replicasets', verb: 'update' },
  patchNamespacedReplicaSet: { group: 'apps', resource: 'replicasets', verb: 'patch' },
  deleteNamespacedReplicaSet: { group: 'apps', resource: 'replicasets', verb: 'delete' },
  replaceNamespacedReplicaSetStatus: { group: 'apps', resource: 'replicasets/status', verb: 'update' },
  listPodForAllNamespaces: { group: '', resource: 'pods', verb: 'list' },
  createNamespacedPod: { group: '', resource: 'pods', verb: 'create' },
  deleteNamespacedPod: { group: '', resource: 'pods', verb: 'delete' },
  patchNamespacedPod: { group: '', resource: 'pods', verb: 'patch' },
  patchNamespacedPodStatus: { group: '', resource: 'pods/status', verb: 'patch' },
  createNamespacedPodBinding: { group: '', resource: 'pods/binding', verb: 'create' },
  listNode: { group: '', resource: 'nodes', verb: 'list' },
  listNamespace: { group: '', resource: 'namespaces', verb: 'list' },
  listServiceForAllNamespaces: { group: '', resource: 'services', verb: 'list' },
  listReplicationControllerForAllNamespaces: { group: '', resource: 'replicationcontrollers', verb: 'list' },
  listStatefulSetForAllNamespaces: { group: 'apps', resource: 'statefulsets', verb: 'list' },
  listPodDisruptionBudgetForAllNamespaces: { group: 'policy', resource: 'poddisruptionbudgets', verb: 'list' },
  listPersistentVolumeClaimForAllNamespaces: { group: '', resource: 'persistentvolumeclaims', verb: 'list' },
  listPersistentVolume: { group: '', resource: 'persistentvolumes', verb: 'list' },
  listStorageClass: { group: 'storage.k8s.io', resource: 'storageclasses', verb: 'list' },
  listCSINode: { group: 'storage.k8s.io', resource: 'csinodes', verb: 'list' },
  listVolumeAttachment: { group: 'storage.k8s.io', resource: 'volumeattachments', verb: 'list' },
  replacePersistentVolume: { group: '', resource: 'persistentvolumes', verb: 'update' },
  replaceNamespacedPersistentVolumeClaim: { group: '', resource: 'persistentvolumeclaims', verb: 'update' },
  createNamespacedEvent: { group: '', resource: 'events', verb: 'create' },
  patchNamespacedEvent: { group: '', resource: 'events', verb: 'patch' },
  readNamespacedLease: { group: 'coordination.k8s.io', resource: 'leases', verb: 'get' },
  createNamespacedLease: { group: 'coordination.k8s.io', resource: 'leases', verb: 'create' },
  replaceNamespacedLease: { group: 'coordination.k8s.io', resource: 'leases', verb: 'update' },
};

/** Informer watch path → the resource it watches. */
const WATCH_OF: Record<string, { group: string; resource: string }> = {
  '/apis/apps/v1/deployments': { group: 'apps', resource: 'deployments' },
  '/apis/apps/v1/replicasets': { group: 'apps', resource: 'replicasets' },
  '/api/v1/pods': { group: '', resource: 'pods' },
  '/api/v1/nodes': { group: '', resource: 'nodes' },
  '/api/v1/namespaces': { group: '', resource: 'namespaces' },
  '/api/v1/services': { group: '', resource: 'services' },
  '/api/v1/replicationcontrollers': { group: '', resource: 'replicationcontrollers' },
  '/apis/apps/v1/statefulsets': { group: 'apps', resource: 'statefulsets' },
  '/apis/policy/v1/poddisruptionbudgets': { group: 'policy', resource: 'poddisruptionbudgets' },
  '/api/v1/persistentvolumeclaims': { group: '', resource: 'persistentvolumeclaims' },
  '/api/v1/persistentvolumes': { group: '', resource: 'persistentvolumes' },
  '/apis/storage.k8s.io/v1/storageclasses': { group: 'storage.k8s.io', resource: 'storageclasses' },
  '/apis/storage.k8s.io/v1/csinodes': { group: 'storage.k8s.io', resource: 'csinodes' },
  '/apis/storage.k8s.io/v1/volumeattachments': { group: 'storage.k8s.io', resource: 'volumeattachments' },
};

const COMPONENTS = [
  { sa: 'deployment-controller', files: ['controllers/deployment/controller.ts', 'controllers/shared/events.ts', 'controllers/shared/leader-election.ts'] },
  { sa: 'replicaset-controller', files: ['controllers/replicaset/controller.ts', 'controllers/shared/events.ts', 'controllers/shared/leader-election.ts'] },
  { sa: 'scheduler', files: ['controllers/scheduler/scheduler.ts', 'controllers/scheduler/schedule-one.ts', 'controllers/scheduler/preemption-executor.ts', 'controllers/scheduler/pod-status-patch.ts', 'controllers/scheduler/cluster-informers.ts', 'controllers/shared/events.ts', 'controllers/shared/leader-election.ts'] },
];

type Grants = Map<string, Set<string>>; // 'group/resource' → verbs

function add(grants: Grants, group: string, resource: string, verb: string): void {
  const key = `${group}/${resource}`;
  if (!grants.has(key)) grants.set(key, new Set());
  grants.get(key)!.add(verb);
}

/**
 * The shared informer factories (controllers/shared/workload-informers.ts), name → its source:
 * a component that calls one needs what that factory's source lists and watches.
 */
const INFORMER_FACTORIES = new Map(
  readFileSync(join(ROOT, 'controllers/shared/workload-informers.ts'), 'utf8')
    .split(/^export const /m)
    .slice(1)
    .map((part) => [part.slice(0, part.search(/\W/)), part] as const),
);

/** A file's source with the source of each shared informer factory it calls appended. */
function withFactoriesCalled(source: string): string {
  const called = [...INFORMER_FACTORIES].filter(([name]) => new RegExp(`\\b${name}\\s*\\(`).test(source));
  return [source, ...called.map(([, factory]) => factory)].join('\n');
}

/** What the code calls: client methods on `core`/`apps`/`policy`/`storage`/..., and informer watch paths. */
function grantsUsedBy(files: string[]): { grants: Grants; unknown: string[] } {
  const grants: Grants = new Map();
  const unknown: string[] = [];
  for (const file of files) {
    const source = withFactoriesCalled(readFileSync(join(ROOT, file), 'utf8'));
    for (const [, method] of source.matchAll(/\b(?:core|apps|coordination|policy|storage)\s*\.\s*((?:list|read|create|replace|patch|delete|watch)\w*)\s*\(/g)) {
      const permission = PERMISSION_OF[method!];
      if (!permission) unknown.push(method!);
      else add(grants, permission.group, permission.resource, permission.verb);
    }
    for (const [, path] of source.matchAll(/path:\s*'([^']+)'/g)) {
      const watched = WATCH_OF[path!];
      if (!watched) unknown.push(`watch ${path}`);
      else add(grants, watched.group, watched.resource, 'watch');
    }
  }
  return { grants, unknown };
}

/** What the component's roles grant together: its ClusterRole and its leader-election Role. */
function grantsIn(roles: V1ClusterRole[]): Grants {
  const grants: Grants = new Map();
  for (const rule of roles.flatMap((role) => role.rules ?? [])) {
    for (const group of rule.apiGroups ?? []) for (const resource of rule.resources ?? []) for (const verb of rule.verbs) add(grants, group, resource, verb);
  }
  return grants;
}

const sorted = (g: Grants) => Object.fromEntries([...g].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()]));

describe('RBAC manifests', () => {
  it('the namespace manifest parses', () => {
    const [ns] = parseManifests(readFileSync(join(RBAC_MANIFEST_DIR, 'namespace.yaml'), 'utf8'), 'namespace.yaml');
    expect(ns).toMatchObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'k8s-flow-lab' } });
  });

  it.each(COMPONENTS)('$sa: ServiceAccount, ClusterRole, a leader-election Role in the lab namespace, and their bindings', ({ sa }) => {
    const objects = parseManifests(readFileSync(join(RBAC_MANIFEST_DIR, `${sa}.yaml`), 'utf8'), sa);
    expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
    const [account, role, binding, leaseRole, leaseBinding] = objects as [V1ServiceAccount, V1ClusterRole, V1ClusterRoleBinding, V1ClusterRole, V1ClusterRoleBinding];
    expect(account.metadata).toMatchObject({ name: sa, namespace: 'k8s-flow-lab' });
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata!.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa, namespace: 'k8s-flow-lab' }]);
    expect(leaseRole.metadata).toMatchObject({ namespace: 'k8s-flow-lab' });
    expect(leaseBinding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: leaseRole.metadata!.name });
    expect(leaseBinding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa, namespace: 'k8s-flow-lab' }]);
    // Leases only in the lab's namespace: the ClusterRole grants none.
    expect((role.rules ?? []).flatMap((r) => r.resources ?? [])).not.toContain('leases');
    // No wildcards: least privilege means naming every verb and resource.
    for (const rule of [...(role.rules ?? []), ...(leaseRole.rules ?? [])]) {
      expect(rule.verbs).not.toContain('*');
      expect(rule.resources).not.toContain('*');
    }
  });

  it.each(COMPONENTS)('$sa grants exactly the verbs its code calls', ({ sa, files }) => {
    const used = grantsUsedBy(files);
    expect(used.unknown, 'client calls missing from PERMISSION_OF/WATCH_OF').toEqual([]);
    const roles = parseManifests(readFileSync(join(RBAC_MANIFEST_DIR, `${sa}.yaml`), 'utf8'), sa).filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role') as V1ClusterRole[];
    expect(sorted(grantsIn(roles))).toEqual(sorted(used.grants));
  });

  it('the scan finds what each component is known to need', () => {
    expect(sorted(grantsUsedBy(COMPONENTS[2]!.files).grants)).toEqual({
      '/events': ['create', 'patch'],
      '/namespaces': ['list', 'watch'],
      '/nodes': ['list', 'watch'],
      '/pods': ['delete', 'list', 'watch'],
      '/replicationcontrollers': ['list', 'watch'],
      '/services': ['list', 'watch'],
      'apps/replicasets': ['list', 'watch'],
      'apps/statefulsets': ['list', 'watch'],
      'policy/poddisruptionbudgets': ['list', 'watch'],
      '/persistentvolumeclaims': ['list', 'update', 'watch'],
      '/persistentvolumes': ['list', 'update', 'watch'],
      'storage.k8s.io/csinodes': ['list', 'watch'],
      'storage.k8s.io/storageclasses': ['list', 'watch'],
      'storage.k8s.io/volumeattachments': ['list', 'watch'],
      '/pods/binding': ['create'],
      '/pods/status': ['patch'],
      'coordination.k8s.io/leases': ['create', 'get', 'update'],
    });
    expect(sorted(grantsUsedBy(COMPONENTS[1]!.files).grants)['/pods']).toEqual(['create', 'delete', 'list', 'patch', 'watch']);
    // Informers made by the shared factories count for the component that calls them, and only those.
    expect(INFORMER_FACTORIES.size).toBe(4);
    expect(sorted(grantsUsedBy(COMPONENTS[1]!.files).grants)['apps/deployments']).toBeUndefined();
    expect(sorted(grantsUsedBy(COMPONENTS[0]!.files).grants)['apps/deployments']).toEqual(['get', 'list', 'update', 'watch']);
  });
});
