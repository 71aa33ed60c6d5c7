/**
 * createdOnce: a component created exactly as many objects as it should, and none twice, e.g.
 * "the ReplicaSet controller created 8 pods, each once, though its leader changed mid-rollout".
 * Creates come from the audit log and the lab's write tap; one create seen by both counts once
 * (per object, the larger of the two taps' counts). A name ending in "-" is a generateName the
 * source did not resolve: it names no single object and is left out. With `spansTakeoverOf`, some
 * of the objects must have been created before that Lease's takeover and some after it.
 */
import { z } from 'zod';
import type { TraceEntry } from '../../trace/schema.js';
import { listNames, type Snapshot } from '../snapshot.js';
import { countCheckSchema, describeBounds, withinBounds } from './bounds.js';
import { shortIdentity, takeoversOf, wallMs } from './lease-history.js';
import { entryMatches, NO_TRACE } from './trace-match.js';
import { leaseNameField, type CheckResult } from './types.js';

export const createdOnceSchema = countCheckSchema('createdOnce', {
  actor: z.string().min(1),
  objectKind: z.string().min(1).default('Pod'),
  namePrefix: z.string().min(1).optional(),
  spansTakeoverOf: leaseNameField.optional(),
});

export type CreatedOnceCheck = z.infer<typeof createdOnceSchema>;

interface Created {
  count: number;
  firstMs: number;
}

/** Per object name: how many creates (the larger count of the two taps) and when the first was. */
export function createsByName(entries: readonly TraceEntry[], check: CreatedOnceCheck, namespace: string): Map<string, Created> {
  const match = { actor: check.actor, objectKind: check.objectKind, verb: 'create', tap: ['audit', 'write'] as ('audit' | 'write')[], subresource: '', ...(check.namePrefix ? { namePrefix: check.namePrefix } : {}) };
  const perTap = new Map<string, Map<string, number>>();
  const result = new Map<string, Created>();
  for (const e of entries) {
    if (!entryMatches(e, match, namespace) || e.object.name === '' || e.object.name.endsWith('-')) continue;
    const counts = perTap.get(e.object.name) ?? new Map<string, number>();
    counts.set(e.tap, (counts.get(e.tap) ?? 0) + 1);
    perTap.set(e.object.name, counts);
    const previous = result.get(e.object.name);
    result.set(e.object.name, { count: Math.max(...counts.values()), firstMs: Math.min(previous?.firstMs ?? Infinity, wallMs(e)) });
  }
  return result;
}

export function evaluateCreatedOnce(check: CreatedOnceCheck, snapshot: Snapshot): CheckResult {
  const what = `${check.objectKind}${check.namePrefix ? ` ${check.namePrefix}*` : ''}`;
  const spans = check.spansTakeoverOf ? `, some before and some after the takeover of Lease ${check.spansTakeoverOf}` : '';
  const expected = `${describeBounds(check)} ${what} created by ${check.actor}, none created twice${spans}`;
  if (!snapshot.traceAvailable) return { pass: false, expected, saw: NO_TRACE };
  const created = createsByName(snapshot.trace, check, snapshot.namespace);
  const names = [...created.keys()].sort();
  const twice = names.filter((n) => created.get(n)!.count > 1).map((n) => `${n} ×${created.get(n)!.count}`);
  const problems: string[] = [];
  if (twice.length > 0) problems.push(`created more than once: ${listNames(twice, 4)}`);
  let split = '';
  if (check.spansTakeoverOf) {
    const takeover = takeoversOf(snapshot.trace, check.spansTakeoverOf).at(-1);
    if (!takeover) {
      problems.push(`no takeover of Lease ${check.spansTakeoverOf} in the trace`);
    } else {
      const before = names.filter((n) => created.get(n)!.firstMs < takeover.atMs).length;
      split = `; ${before} before and ${names.length - before} after ${shortIdentity(takeover.holder)} took over ${check.spansTakeoverOf}`;
      if (before === 0 || before === names.length) problems.push(`all were created ${before === 0 ? 'after' : 'before'} the takeover`);
    }
  }
  return {
    pass: withinBounds(names.length, check) && problems.length === 0,
    expected,
    saw: [`${names.length} created${names.length ? ` (${listNames(names, 4)})` : ''}${split}`, ...problems].join('; '),
  };
}
