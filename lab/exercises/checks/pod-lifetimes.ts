/**
 * When each pod lived, reconstructed from the trace: born at its first create (audit or write
 * tap), etcd PUT or informer ADDED; gone at its first delete request, etcd DELETE or informer
 * DELETED. A pod marked for deletion no longer counts, as for the Deployment controller.
 */
import type { TraceEntry } from '../../trace/schema.js';

export interface PodLifetime {
  name: string;
  bornMs: number;
  goneMs: number | undefined;
}

function isApiCall(e: TraceEntry): boolean {
  const sub = e.details.subresource;
  return (e.tap === 'audit' || e.tap === 'write') && (sub === undefined || sub === '');
}

function isBirth(e: TraceEntry): boolean {
  return (isApiCall(e) && e.verb === 'create') || (e.tap === 'etcd' && e.verb === 'PUT') || (e.tap === 'informer' && e.verb === 'ADDED');
}

function isDeath(e: TraceEntry): boolean {
  return (isApiCall(e) && e.verb === 'delete') || (e.tap === 'etcd' && e.verb === 'DELETE') || (e.tap === 'informer' && e.verb === 'DELETED');
}

/** Pods seen only dying were there before the trace window: born at its start (t=0). */
export function podLifetimes(entries: readonly TraceEntry[], namespace: string, namePrefix: string | undefined): PodLifetime[] {
  const byName = new Map<string, { born?: number; gone?: number }>();
  for (const e of entries) {
    if (e.object.kind !== 'Pod' || e.object.namespace !== namespace) continue;
    if (namePrefix !== undefined && !e.object.name.startsWith(namePrefix)) continue;
    const code = e.details.code;
    if (typeof code === 'number' && code >= 400) continue;
    const birth = isBirth(e);
    const death = isDeath(e);
    if (!birth && !death) continue;
    const life = byName.get(e.object.name) ?? {};
    if (birth) life.born = Math.min(life.born ?? Infinity, e.tMs);
    if (death) life.gone = Math.min(life.gone ?? Infinity, e.tMs);
    byName.set(e.object.name, life);
  }
  return [...byName.entries()].map(([name, life]) => ({ name, bornMs: life.born ?? 0, goneMs: life.gone }));
}

export interface Peak {
  count: number;
  atMs: number;
  pods: string[];
}

/** The largest number of pods alive at one instant. At equal times departures go first. */
export function peakConcurrency(lifetimes: readonly PodLifetime[]): Peak {
  const changes: Array<{ t: number; delta: 1 | -1; name: string }> = [];
  for (const life of lifetimes) {
    changes.push({ t: life.bornMs, delta: 1, name: life.name });
    if (life.goneMs !== undefined) changes.push({ t: Math.max(life.goneMs, life.bornMs), delta: -1, name: life.name });
  }
  changes.sort((a, b) => a.t - b.t || a.delta - b.delta);
  const alive = new Set<string>();
  let peak: Peak = { count: 0, atMs: 0, pods: [] };
  for (const change of changes) {
    if (change.delta === 1) alive.add(change.name);
    else alive.delete(change.name);
    if (alive.size > peak.count) peak = { count: alive.size, atMs: change.t, pods: [...alive].sort() };
  }
  return peak;
}
