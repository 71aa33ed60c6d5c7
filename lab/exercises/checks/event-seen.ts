/** eventSeen: a core/v1 Event with this reason (and message, object, type, source) exists. */
import { z } from 'zod';
import { valueAt, type KubeObject, type Snapshot } from '../snapshot.js';
import { checkObject, regexField, type CheckResult } from './types.js';

export const eventSeenSchema = checkObject('eventSeen', {
  reason: z.string().min(1),
  message: regexField.optional(),
  type: z.enum(['Normal', 'Warning']).optional(),
  involvedKind: z.string().min(1).optional(),
  involvedNamePrefix: z.string().min(1).optional(),
  /** Who recorded it (source.component or reportingComponent), as a regular expression. */
  source: regexField.optional(),
  min: z.number().int().positive().default(1),
});

export type EventSeenCheck = z.infer<typeof eventSeenSchema>;

const text = (obj: KubeObject, path: string): string => {
  const v = valueAt(obj, path);
  return typeof v === 'string' ? v : '';
};

function describeEvent(ev: KubeObject): string {
  return `${text(ev, 'reason')} on ${text(ev, 'involvedObject.kind')}/${text(ev, 'involvedObject.name')}: "${text(ev, 'message')}"`;
}

export function evaluateEventSeen(check: EventSeenCheck, snapshot: Snapshot): CheckResult {
  const on = [check.involvedKind, check.involvedNamePrefix ? `${check.involvedNamePrefix}*` : undefined].filter(Boolean).join(' ');
  const expected = `at least ${check.min} event(s) ${check.reason}${check.message ? ` with message ~ /${check.message}/` : ''}${on ? ` on ${on}` : ''}${check.source ? ` from ${check.source}` : ''}`;
  const aboutObject = snapshot.objects.Event.filter((ev) => {
    if (check.involvedKind && text(ev, 'involvedObject.kind') !== check.involvedKind) return false;
    if (check.involvedNamePrefix && !text(ev, 'involvedObject.name').startsWith(check.involvedNamePrefix)) return false;
    return true;
  });
  const matching = aboutObject.filter((ev) => {
    if (text(ev, 'reason') !== check.reason) return false;
    if (check.type && text(ev, 'type') !== check.type) return false;
    if (check.message && !new RegExp(check.message).test(text(ev, 'message'))) return false;
    if (check.source && !new RegExp(check.source).test(`${text(ev, 'source.component')} ${text(ev, 'reportingComponent')}`)) return false;
    return true;
  });
  const count = matching.reduce((sum, ev) => sum + (typeof ev.count === 'number' && ev.count > 0 ? ev.count : 1), 0);
  const sample = (matching.length ? matching : aboutObject).slice(-3).map(describeEvent);
  return {
    pass: count >= check.min,
    expected,
    saw: `${count} matching${sample.length ? ` (${matching.length ? '' : 'other events: '}${sample.join('; ')})` : `; ${aboutObject.length} event(s) on the object(s)`}`,
  };
}
