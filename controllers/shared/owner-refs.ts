// Owner references: the controller reference (controller=true) is how a pod says which ReplicaSet
// manages it; adoption adds one, release removes it.
import type { KubernetesObject, V1OwnerReference } from '@kubernetes/client-node';

export interface GroupVersionKind {
  apiVersion: string;
  kind: string;
}

export function controllerRefOf(obj: KubernetesObject): V1OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

export function newControllerRef(owner: KubernetesObject, gvk: GroupVersionKind): V1OwnerReference {
  const name = owner.metadata?.name;
  const uid = owner.metadata?.uid;
  if (!name || !uid) throw new Error('an owner reference needs the owner name and uid');
  return { apiVersion: gvk.apiVersion, kind: gvk.kind, name, uid, controller: true, blockOwnerDeletion: true };
}

export function isControlledBy(obj: KubernetesObject, owner: KubernetesObject): boolean {
  const ref = controllerRefOf(obj);
  return ref !== undefined && owner.metadata?.uid !== undefined && ref.uid === owner.metadata.uid;
}
