// Owner references: the controller reference (controller=true) is how a pod says which ReplicaSet
// manages it, and a ReplicaSet which Deployment; adoption adds one, release removes it.
import type { KubernetesObject, V1OwnerReference } from '@kubernetes/client-node';
import type { Informer } from './informer.js';

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

/**
 * Strategic merge patch adding the owner's controller reference to `obj` (controller_ref_manager.go's
 * adopt patch); metadata.uid makes the apiserver refuse it if `obj` was replaced by another with the same name.
 */
export function adoptPatch(owner: KubernetesObject, gvk: GroupVersionKind, obj: KubernetesObject): object {
  return { metadata: { ownerReferences: [newControllerRef(owner, gvk)], uid: obj.metadata?.uid } };
}

/** Strategic merge patch deleting the owner's reference from `obj` (list items are keyed by uid). */
export function releasePatch(owner: KubernetesObject, obj: KubernetesObject): object {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: owner.metadata?.uid }], uid: obj.metadata?.uid } };
}

/**
 * upstream's resolveControllerRef: the object of `kind` that `ref` names, if the cache has it with
 * the same uid (a namesake created after the owner was deleted is not the owner).
 */
export function resolveControllerRef<T extends KubernetesObject>(cache: Pick<Informer<T>, 'get'>, kind: string, namespace: string | undefined, ref: V1OwnerReference | undefined): T | undefined {
  if (!ref || ref.kind !== kind) return undefined;
  const owner = cache.get(namespace, ref.name);
  return owner?.metadata?.uid === ref.uid ? owner : undefined;
}

export function isControlledBy(obj: KubernetesObject, owner: KubernetesObject): boolean {
  const ref = controllerRefOf(obj);
  return ref !== undefined && owner.metadata?.uid !== undefined && ref.uid === owner.metadata.uid;
}
