/**
 * traceCount: how many trace entries match, e.g. "the ReplicaSet controller created exactly 3
 * pods" (tap audit, actor replicaset-controller, verb create, kind Pod). `distinctObjects` counts
 * objects instead of entries, so one write seen by two taps counts once.
 */
import { z } from 'zod';
import { objectKeyOf } from '../../trace/schema.js';
import { listNames, type Snapshot } from '../snapshot.js';
import { countCheckSchema, describeBounds, withinBounds } from './bounds.js';
import { describeEntry, describeMatch, entryMatches, NO_TRACE, traceMatchSchema } from './trace-match.js';
import type { CheckResult } from './types.js';

export const traceCountSchema = countCheckSchema('traceCount', { match: traceMatchSchema, distinctObjects: z.boolean().default(false) });

export type TraceCountCheck = z.infer<typeof traceCountSchema>;

export function evaluateTraceCount(check: TraceCountCheck, snapshot: Snapshot): CheckResult {
  const unit = check.distinctObjects ? 'distinct objects' : 'entries';
  const expected = `${describeBounds(check)} trace ${unit} with ${describeMatch(check.match)}`;
  if (!snapshot.traceAvailable) return { pass: false, expected, saw: NO_TRACE };
  const matching = snapshot.trace.filter((e) => entryMatches(e, check.match, snapshot.namespace));
  const count = check.distinctObjects ? new Set(matching.map((e) => objectKeyOf(e.object))).size : matching.length;
  const examples = check.distinctObjects
    ? [...new Set(matching.map((e) => e.object.name))]
    : matching.map(describeEntry);
  return {
    pass: withinBounds(count, check),
    expected,
    saw: `${count} ${unit}${count ? `: ${listNames(examples, 4)}` : ''} (of ${snapshot.trace.length} entries in the trace)`,
  };
}
