/**
 * jsonPath: one field of one object, by dotted path (`status.readyReplicas`,
 * `metadata.annotations['deployment.kubernetes.io/revision']`, `spec.containers[0].image`).
 */
import { z } from 'zod';
import { SNAPSHOT_KINDS, parsePath, valueAt, type Snapshot } from '../snapshot.js';
import { checkObject, regexField, type CheckResult } from './types.js';

const pathField = z.string().refine(
  (path) => {
    try {
      parsePath(path);
      return true;
    } catch {
      return false;
    }
  },
  { message: "not a path (examples: status.readyReplicas, metadata.annotations['a.b/c'], spec.containers[0].image)" },
);

export const jsonPathSchema = checkObject('jsonPath', {
  resource: z.enum(SNAPSHOT_KINDS),
  name: z.string().min(1),
  path: pathField,
  equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
  matches: regexField.optional(),
  exists: z.boolean().optional(),
}).refine((c) => [c.equals, c.matches, c.exists].filter((x) => x !== undefined).length === 1, {
  message: 'give exactly one of `equals`, `matches`, `exists`',
});

export type JsonPathCheck = z.infer<typeof jsonPathSchema>;

function show(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}

export function evaluateJsonPath(check: JsonPathCheck, snapshot: Snapshot): CheckResult {
  const condition =
    check.equals !== undefined ? `= ${JSON.stringify(check.equals)}` : check.matches !== undefined ? `~ /${check.matches}/` : check.exists ? 'present' : 'absent';
  const expected = `${check.resource} ${check.name}: ${check.path} ${condition}`;
  const obj = snapshot.objects[check.resource].find((o) => o.metadata.name === check.name);
  if (!obj) {
    // An absent object has no fields: that satisfies `exists: false` and nothing else.
    return { pass: check.exists === false, expected, saw: `no ${check.resource} ${check.name}` };
  }
  const value = valueAt(obj, check.path);
  let pass: boolean;
  if (check.equals !== undefined) pass = value === check.equals || (value !== undefined && value !== null && String(value) === String(check.equals));
  else if (check.matches !== undefined) pass = value !== undefined && new RegExp(check.matches).test(typeof value === 'string' ? value : JSON.stringify(value));
  else pass = (value !== undefined) === check.exists;
  return { pass, expected, saw: `${check.path} = ${show(value)}` };
}
