/**
 * boundOnceBy: each pod was bound exactly once, and by the expected scheduler. Bindings are
 * `bind` writes (write tap) or `create` on the pods/binding subresource (audit tap); the same
 * binding seen by both taps counts once. Pods bound in the cluster without a binding in the trace
 * fail (something set spec.nodeName directly, or the trace started too late).
 */
import { z } from 'zod';
import type { Actor, TraceEntry } from '../../trace/schema.js';
import { isTerminating, nodeNameOf, type Snapshot } from '../snapshot.js';
import { matchesFilter } from '../selectors.js';
import { NO_TRACE } from './trace-match.js';
import { checkObject, objectFilterFields, type CheckResult } from './types.js';

export const SCHEDULER_ACTORS: Record<string, Actor> = { 'lab-scheduler': 'scheduler', 'default-scheduler': 'default-scheduler' };

export const boundOnceBySchema = checkObject('boundOnceBy', {
  scheduler: z.enum(['lab-scheduler', 'default-scheduler']),
  ...objectFilterFields,
  minPods: z.number().int().positive().default(1),
});

export type BoundOnceByCheck = z.infer<typeof boundOnceBySchema>;

function isBinding(e: TraceEntry): boolean {
  if (e.object.kind !== 'Pod') return false;
  const code = e.details.code;
  if (typeof code === 'number' && code >= 400) return false;
  return (e.tap === 'write' && e.verb === 'bind') || (e.tap === 'audit' && e.verb === 'create' && e.details.subresource === 'binding');
}

interface PodBindings {
  count: number;
  actors: Set<string>;
  nodes: Set<string>;
}

export function bindingsByPod(entries: readonly TraceEntry[], namespace: string): Map<string, PodBindings> {
  // Count per tap, then take the larger count: each tap sees every binding at most once.
  const perTap = new Map<string, Map<string, number>>();
  const result = new Map<string, PodBindings>();
  for (const e of entries) {
    if (!isBinding(e) || e.object.namespace !== namespace) continue;
    const name = e.object.name;
    const counts = perTap.get(name) ?? new Map<string, number>();
    counts.set(e.tap, (counts.get(e.tap) ?? 0) + 1);
    perTap.set(name, counts);
    const pod = result.get(name) ?? { count: 0, actors: new Set(), nodes: new Set() };
    pod.count = Math.max(...counts.values());
    pod.actors.add(e.actor);
    if (typeof e.details.node === 'string') pod.nodes.add(e.details.node);
    result.set(name, pod);
  }
  return result;
}

export function evaluateBoundOnceBy(check: BoundOnceByCheck, snapshot: Snapshot): CheckResult {
  const actor = SCHEDULER_ACTORS[check.scheduler]!;
  const expected = `at least ${check.minPods} pod(s), each bound exactly once, by ${check.scheduler} (trace actor ${actor})`;
  if (!snapshot.traceAvailable) return { pass: false, expected, saw: NO_TRACE };
  const bindings = bindingsByPod(snapshot.trace, snapshot.namespace);
  const livePods = snapshot.objects.Pod.filter((p) => !isTerminating(p) && matchesFilter(p, check));
  const names = new Set(livePods.map((p) => p.metadata.name));
  // Pods already deleted still count if the trace saw them bound (name prefix only: no labels left).
  if (check.selector === undefined) {
    for (const name of bindings.keys()) if (check.namePrefix === undefined || name.startsWith(check.namePrefix)) names.add(name);
  }
  const problems: string[] = [];
  const good: string[] = [];
  for (const name of [...names].sort()) {
    const b = bindings.get(name);
    const pod = livePods.find((p) => p.metadata.name === name);
    if (!b) {
      problems.push(pod && nodeNameOf(pod) ? `${name} is on ${nodeNameOf(pod)} but no binding is in the trace` : `${name} was never bound`);
    } else if (b.count !== 1) {
      problems.push(`${name} was bound ${b.count} times`);
    } else if (!b.actors.has(actor) || b.actors.size > 1) {
      problems.push(`${name} was bound by ${[...b.actors].join(', ')}`);
    } else {
      good.push(`${name}→${[...b.nodes][0] ?? '?'}`);
    }
  }
  if (names.size < check.minPods) problems.push(`only ${names.size} pod(s) to look at`);
  return {
    pass: problems.length === 0,
    expected,
    saw: [`${good.length} bound once by ${check.scheduler}${good.length ? ` (${good.slice(0, 5).join(', ')}${good.length > 5 ? ', ...' : ''})` : ''}`, ...problems].join('; '),
  };
}
