/** objectCount: how many objects of a kind exist (optionally by labels / name prefix). */
import { z } from 'zod';
import { SNAPSHOT_KINDS, isTerminating, listNames, type Snapshot } from '../snapshot.js';
import { describeFilter, matchesFilter } from '../selectors.js';
import { countCheckSchema, describeBounds, withinBounds } from './bounds.js';
import { objectFilterFields, type CheckResult } from './types.js';

export const objectCountSchema = countCheckSchema('objectCount', {
  resource: z.enum(SNAPSHOT_KINDS),
  ...objectFilterFields,
  /** Count objects being deleted too (default false: a terminating pod is on its way out). */
  includeTerminating: z.boolean().default(false),
});

export type ObjectCountCheck = z.infer<typeof objectCountSchema>;

export function evaluateObjectCount(check: ObjectCountCheck, snapshot: Snapshot): CheckResult {
  const matching = snapshot.objects[check.resource].filter(
    (obj) => matchesFilter(obj, check) && (check.includeTerminating || !isTerminating(obj)),
  );
  const scope = describeFilter(check);
  return {
    pass: withinBounds(matching.length, check),
    expected: `${describeBounds(check)} ${check.resource} (${scope})`,
    saw: `${matching.length} ${check.resource} (${scope}): ${listNames(matching.map((o) => o.metadata.name))}`,
  };
}
