/** ObjectRef and owner extraction from objects as they come from the API. */
import type { ObjectRef } from '../schema.js';
import type { OwnerRef } from '../correlate.js';
import type { LooseObject } from './types.js';

export function refOf(obj: LooseObject, kindHint?: string): ObjectRef {
  const meta = obj.metadata ?? {};
  const ref: ObjectRef = { kind: obj.kind ?? kindHint ?? 'Unknown', name: meta.name ?? meta.generateName ?? '' };
  if (meta.namespace) ref.namespace = meta.namespace;
  if (meta.uid) ref.uid = meta.uid;
  return ref;
}

/** The controller owner (ownerReferences[controller=true]), as the correlator wants it. */
export function controllerOwnerOf(obj: LooseObject | undefined): OwnerRef | undefined {
  const owner = obj?.metadata?.ownerReferences?.find((o) => o.controller === true);
  if (!owner?.kind || !owner.name) return undefined;
  return owner.uid ? { kind: owner.kind, name: owner.name, uid: owner.uid } : { kind: owner.kind, name: owner.name };
}
