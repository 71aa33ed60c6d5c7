/**
 * Which entries a view shows: an object and everything it owns ('deployment/web'), an actor, a
 * namespace, a start time. Shared by the live view and the exporters.
 */
import { OwnerIndex } from './correlate.js';
import { objectKeyOf, type TraceEntry } from './schema.js';

export interface TraceFilter {
  /** 'deployment/web', 'rs/web-abc', 'pod/web-abc-xyz' (namespace from `namespace`, default 'default'). */
  object?: string;
  /** Exact actor, or a prefix ending in '@' ('kubelet@' = every kubelet). */
  actor?: string;
  namespace?: string;
  /** Only entries at or after this session time (ms), or this duration before `nowMs` ('30s', '2m', '500ms'). */
  since?: number | string;
}

const KIND_ALIASES: Record<string, string> = {
  deployment: 'Deployment', deployments: 'Deployment', deploy: 'Deployment',
  replicaset: 'ReplicaSet', replicasets: 'ReplicaSet', rs: 'ReplicaSet',
  pod: 'Pod', pods: 'Pod', po: 'Pod',
  node: 'Node', nodes: 'Node', no: 'Node',
};

/** 'deployment/web' → { kind: 'Deployment', name: 'web' } */
export function parseObjectSelector(text: string): { kind: string; name: string } {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) throw new Error(`expected KIND/NAME, got '${text}'`);
  const kindText = text.slice(0, slash);
  return { kind: KIND_ALIASES[kindText.toLowerCase()] ?? kindText, name: text.slice(slash + 1) };
}

/** '30s' → 30000; '2m' → 120000; '500ms' → 500; '1.5s' → 1500. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`expected a duration like 500ms, 30s, 2m; got '${text}'`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

/**
 * A predicate for `filter`. `owners` tells which objects belong to the selected one; pass the
 * session correlator's index for live use (it grows as entries arrive).
 */
export function makeFilter(filter: TraceFilter, owners: OwnerIndex, nowMs = 0): (e: TraceEntry) => boolean {
  const namespace = filter.namespace;
  const target = filter.object ? parseObjectSelector(filter.object) : undefined;
  const targetKey = target ? objectKeyOf({ ...target, namespace: namespace ?? 'default' }) : undefined;
  const sinceMs =
    filter.since === undefined ? undefined : typeof filter.since === 'number' ? filter.since : nowMs - parseDuration(filter.since);
  const actor = filter.actor;
  return (e) => {
    if (sinceMs !== undefined && e.tMs < sinceMs) return false;
    if (namespace && e.object.namespace !== namespace) return false;
    if (actor && !(actor.endsWith('@') ? e.actor.startsWith(actor) : e.actor === actor)) return false;
    if (targetKey && !owners.isWithin(objectKeyOf(e.object), targetKey)) return false;
    return true;
  };
}

/** Filter a finished list (builds the owner index from the entries themselves). */
export function filterEntries(entries: readonly TraceEntry[], filter: TraceFilter, nowMs?: number): TraceEntry[] {
  const owners = new OwnerIndex();
  for (const e of entries) owners.observe(e);
  const keep = makeFilter(filter, owners, nowMs ?? (entries.length ? Math.max(...entries.map((e) => e.tMs)) : 0));
  return entries.filter(keep);
}
