/**
 * Turns a pile of observations into a causal story. Each entry gets `causeId` when the trace can
 * tell what made it happen:
 *   decision            ← the latest watch event the same component saw on that object (or its owner)
 *   write               ← the component's decision about that object or its owner; a bind ← the pod's watch event
 *   audit               ← the lab component's own write (same request seen client-side); for others,
 *                         through the owner chain or the pod's binding (kubelet status writes)
 *   etcd PUT/DELETE     ← the write/audit entry with the same object and resourceVersion (= mod_revision)
 *   informer event      ← the etcd entry (or write) with the same object and resourceVersion
 *   kubelet             ← the binding of that pod
 *   containerd          ← the previous step of the same container; a pod's first container ← its
 *                         sandbox; the sandbox ← the pod's binding
 * The owner chain (Deployment → ReplicaSet → Pod) comes from `details.owner`, which the taps fill
 * from controller ownerReferences.
 *
 * Two ways to use it: `Correlator.link` for live entries (it can only look back at what has arrived),
 * and `correlate(entries)` after the fact, which replays entries in order of occurrence so a source
 * that reports late (the audit log is flushed after etcd's watch fires) still lands in place.
 */
import { objectKeyOf, type ObjectRef, type TraceEntry } from './schema.js';

export interface OwnerRef {
  kind: string;
  name: string;
  uid?: string;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection', 'bind']);

function ownerFromDetails(entry: TraceEntry): OwnerRef | undefined {
  const owner = entry.details.owner as Partial<OwnerRef> | undefined;
  if (owner && typeof owner.kind === 'string' && typeof owner.name === 'string') {
    return owner.uid ? { kind: owner.kind, name: owner.name, uid: owner.uid } : { kind: owner.kind, name: owner.name };
  }
  return undefined;
}

/** True for entries that record a pod being bound to a node, whichever tap saw it. */
export function isBinding(entry: TraceEntry): boolean {
  if (entry.object.kind !== 'Pod' && entry.object.kind !== 'Binding') return false;
  switch (entry.tap) {
    case 'write':
      return entry.verb === 'bind' || entry.details.subresource === 'binding';
    case 'audit':
      return entry.details.subresource === 'binding' || entry.object.kind === 'Binding';
    default:
      return false;
  }
}

/** Knows, for every object seen so far, its controller owner. Also used by the live filter. */
export class OwnerIndex {
  private readonly ownerByKey = new Map<string, string>();
  private readonly keyByUid = new Map<string, string>();

  observe(entry: TraceEntry): void {
    const key = objectKeyOf(entry.object);
    if (entry.object.uid) this.keyByUid.set(entry.object.uid, key);
    const owner = ownerFromDetails(entry);
    if (owner) this.ownerByKey.set(key, objectKeyOf({ kind: owner.kind, namespace: entry.object.namespace, name: owner.name }));
  }

  ownerOf(key: string): string | undefined {
    return this.ownerByKey.get(key);
  }

  keyOfUid(uid: string): string | undefined {
    return this.keyByUid.get(uid);
  }

  /** True when `key` is `ancestorKey` or owned by it, directly or transitively. */
  isWithin(key: string, ancestorKey: string): boolean {
    let cur: string | undefined = key;
    for (let depth = 0; cur && depth < 10; depth++) {
      if (cur === ancestorKey) return true;
      cur = this.ownerByKey.get(cur);
    }
    return false;
  }
}

/** Keys for the indexes. */
const rvKey = (ref: ObjectRef, rv: string) => `${objectKeyOf(ref)}@${rv}`;
const actorKey = (actor: string, key: string) => `${actor}|${key}`;
const queueKey = (actor: string, verb: string, ref: ObjectRef) => `${actor}|${verb}|${ref.kind}|${ref.namespace ?? ''}`;

/** Which kind of object a built-in controller reacts to when it writes a given kind. */
const PARENT_KIND: Record<string, string> = { ReplicaSet: 'Deployment', Pod: 'ReplicaSet' };

export class Correlator {
  readonly owners = new OwnerIndex();
  private readonly lastInformer = new Map<string, TraceEntry>(); // by object key
  private readonly lastInformerSeenBy = new Map<string, TraceEntry>(); // by actor|object key
  private readonly lastDecision = new Map<string, TraceEntry>(); // by actor|object key
  private readonly byRv = new Map<string, { write?: TraceEntry; audit?: TraceEntry; etcd?: TraceEntry }>();
  private readonly unmatchedWrites = new Map<string, TraceEntry[]>(); // lab writes awaiting their audit line
  private readonly lastApiWrite = new Map<string, TraceEntry>(); // by object key: latest write/audit write
  private readonly lastApiWriteOfKind = new Map<string, TraceEntry>(); // by kind|namespace
  private readonly bindingOf = new Map<string, TraceEntry>(); // by pod key
  private readonly containerSteps = new Map<string, TraceEntry>(); // by container id: latest step
  private readonly sandboxOf = new Map<string, TraceEntry>(); // by pod key: sandbox's latest step

  /** Set causeId (unless already set) from what has been seen so far, then index the entry. */
  link(entry: TraceEntry): TraceEntry {
    this.owners.observe(entry);
    const linked = entry.causeId === undefined ? withCause(entry, this.findCause(entry)) : entry;
    this.index(linked);
    return linked;
  }

  private findCause(e: TraceEntry): TraceEntry | undefined {
    const key = objectKeyOf(e.object);
    const ownerKey = this.owners.ownerOf(key);
    switch (e.tap) {
      case 'decision':
        return (
          this.lastInformerSeenBy.get(actorKey(e.actor, key)) ??
          (ownerKey ? this.lastInformerSeenBy.get(actorKey(e.actor, ownerKey)) : undefined) ??
          this.lastInformer.get(key)
        );
      case 'write':
        return (
          this.lastDecision.get(actorKey(e.actor, key)) ??
          (ownerKey ? this.lastDecision.get(actorKey(e.actor, ownerKey)) : undefined) ??
          (isBinding(e) ? this.lastInformer.get(key) : undefined) ??
          (ownerKey ? this.lastInformerSeenBy.get(actorKey(e.actor, ownerKey)) : undefined) ??
          this.lastInformerSeenBy.get(actorKey(e.actor, key))
        );
      case 'audit':
        return this.causeOfAudit(e, key, ownerKey);
      case 'etcd': {
        const sameRv = e.resourceVersion ? this.byRv.get(rvKey(e.object, e.resourceVersion)) : undefined;
        return sameRv?.write ?? sameRv?.audit ?? this.lastApiWrite.get(key);
      }
      case 'informer': {
        const sameRv = e.resourceVersion ? this.byRv.get(rvKey(e.object, e.resourceVersion)) : undefined;
        return sameRv?.etcd ?? sameRv?.write ?? sameRv?.audit;
      }
      case 'kubelet':
        return this.bindingOf.get(key);
      case 'containerd': {
        const id = e.details.containerId;
        const previous = typeof id === 'string' ? this.containerSteps.get(id) : undefined;
        if (previous) return previous;
        if (e.details.containerKind === 'container') return this.sandboxOf.get(key) ?? this.bindingOf.get(key);
        return this.bindingOf.get(key);
      }
    }
  }

  private causeOfAudit(e: TraceEntry, key: string, ownerKey: string | undefined): TraceEntry | undefined {
    // The lab's own request, seen client-side first: match FIFO per (actor, verb, kind, namespace),
    // preferring the same name (generateName creates may show no name in the audit objectRef).
    const queue = this.unmatchedWrites.get(queueKey(e.actor, e.verb, e.object));
    if (queue && queue.length > 0) {
      const byName = queue.findIndex((w) => w.object.name === e.object.name);
      const [match] = queue.splice(byName >= 0 ? byName : 0, 1);
      return match;
    }
    if (e.actor.startsWith('kubelet@')) return this.bindingOf.get(key);
    if (isBinding(e)) return this.lastInformer.get(key) ?? this.lastApiWrite.get(key);
    if (e.verb === 'create' || e.verb === 'update' || e.verb === 'patch') {
      if (ownerKey) return this.lastApiWrite.get(ownerKey) ?? this.lastInformer.get(ownerKey);
      const parentKind = PARENT_KIND[e.object.kind];
      if (parentKind && e.actor.startsWith('kube-controller-manager/')) {
        return this.lastApiWriteOfKind.get(`${parentKind}|${e.object.namespace ?? ''}`);
      }
    }
    return undefined;
  }

  private index(e: TraceEntry): void {
    const key = objectKeyOf(e.object);
    if (e.resourceVersion && (e.tap === 'write' || e.tap === 'audit' || e.tap === 'etcd')) {
      const slot = this.byRv.get(rvKey(e.object, e.resourceVersion)) ?? {};
      if (!slot[e.tap]) slot[e.tap] = e;
      this.byRv.set(rvKey(e.object, e.resourceVersion), slot);
    }
    switch (e.tap) {
      case 'informer':
        this.lastInformer.set(key, e);
        this.lastInformerSeenBy.set(actorKey(e.actor, key), e);
        break;
      case 'decision':
        this.lastDecision.set(actorKey(e.actor, key), e);
        break;
      case 'write': {
        // A bind is a POST of a Binding: the audit log calls it 'create' (subresource binding).
        const q = queueKey(e.actor, e.verb === 'bind' ? 'create' : e.verb, e.object);
        const queue = this.unmatchedWrites.get(q) ?? [];
        queue.push(e);
        if (queue.length > 1000) queue.shift(); // audit disabled: do not grow without bound
        this.unmatchedWrites.set(q, queue);
        this.noteApiWrite(e, key);
        break;
      }
      case 'audit':
        if (WRITE_VERBS.has(e.verb)) this.noteApiWrite(e, key);
        break;
      case 'containerd': {
        const id = e.details.containerId;
        if (typeof id === 'string') this.containerSteps.set(id, e);
        if (e.details.containerKind === 'sandbox') this.sandboxOf.set(key, e);
        break;
      }
    }
    if (isBinding(e) || (e.tap === 'informer' && hasNodeNameChange(e))) {
      const podKey = objectKeyOf({ kind: 'Pod', namespace: e.object.namespace, name: e.object.name });
      if (!this.bindingOf.has(podKey) || e.tap !== 'informer') this.bindingOf.set(podKey, e);
    }
  }

  private noteApiWrite(e: TraceEntry, key: string): void {
    this.lastApiWrite.set(key, e);
    this.lastApiWriteOfKind.set(`${e.object.kind}|${e.object.namespace ?? ''}`, e);
  }
}

function hasNodeNameChange(e: TraceEntry): boolean {
  const diff = e.details.diff;
  return Array.isArray(diff) && diff.some((c) => (c as { field?: string; to?: string }).field === 'spec.nodeName' && (c as { to?: string }).to);
}

function withCause(entry: TraceEntry, cause: TraceEntry | undefined): TraceEntry {
  if (!cause || cause.id === entry.id) return entry;
  return { ...entry, causeId: cause.id };
}

/** Order by occurrence: time, then arrival. */
export function byOccurrence(a: TraceEntry, b: TraceEntry): number {
  return a.tMs - b.tMs || a.id - b.id;
}

/**
 * Re-link a finished session: replay entries in order of occurrence through a fresh Correlator.
 * Links a tap set live are replaced; entries come back in their original (id) order.
 */
export function correlate(entries: readonly TraceEntry[]): TraceEntry[] {
  const correlator = new Correlator();
  const linked = new Map<number, TraceEntry>();
  for (const e of [...entries].sort(byOccurrence)) {
    const { causeId: _dropped, ...bare } = e;
    linked.set(e.id, correlator.link(bare));
  }
  return entries.map((e) => linked.get(e.id)!);
}

/**
 * Causal order: chronological, except that nothing comes before its cause (when the cause is in
 * the set). Sources stamp times with different clocks and delays; this keeps the story readable.
 */
export function causalOrder(entries: readonly TraceEntry[]): TraceEntry[] {
  const present = new Map(entries.map((e) => [e.id, e] as const));
  const children = new Map<number, TraceEntry[]>();
  const ready: TraceEntry[] = [];
  for (const e of entries) {
    if (e.causeId !== undefined && present.has(e.causeId) && e.causeId !== e.id) {
      const list = children.get(e.causeId) ?? [];
      list.push(e);
      children.set(e.causeId, list);
    } else {
      ready.push(e);
    }
  }
  const out: TraceEntry[] = [];
  // A sorted list as a simple priority queue: stories are hundreds to thousands of entries.
  ready.sort(byOccurrence);
  // Each entry once, even when ids repeat (a malformed file): a repeated id would re-release its
  // children and could cycle for ever.
  const released = new Set<number>();
  while (ready.length > 0) {
    const next = ready.shift()!;
    out.push(next);
    if (released.has(next.id)) continue;
    released.add(next.id);
    for (const child of children.get(next.id) ?? []) {
      const at = ready.findIndex((r) => byOccurrence(child, r) < 0);
      ready.splice(at < 0 ? ready.length : at, 0, child);
    }
  }
  return out;
}

/**
 * The story of one object: its own entries and those of everything it owns (transitively), plus
 * the entries that caused them, in causal order.
 */
export function storyOf(entries: readonly TraceEntry[], root: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): TraceEntry[] {
  const owners = new OwnerIndex();
  for (const e of entries) owners.observe(e);
  const rootKey = objectKeyOf(root);
  const byId = new Map(entries.map((e) => [e.id, e] as const));
  const chosen = new Map<number, TraceEntry>();
  for (const e of entries) {
    if (!owners.isWithin(objectKeyOf(e.object), rootKey)) continue;
    chosen.set(e.id, e);
    // Bring in the direct cause too: it is often about another object (a kubectl request, a binding).
    const cause = e.causeId !== undefined ? byId.get(e.causeId) : undefined;
    if (cause) chosen.set(cause.id, cause);
  }
  return causalOrder([...chosen.values()]);
}
