/**
 * podScheduledFalse: the scheduler gave up on a pod for now: condition PodScheduled=False with
 * reason Unschedulable (by default), optionally with a message like "0/3 nodes are available".
 */
import { z } from 'zod';
import { isTerminating, podConditions, type Snapshot } from '../snapshot.js';
import { describeFilter, matchesFilter } from '../selectors.js';
import { checkObject, objectFilterFields, regexField, type CheckResult } from './types.js';

export const podScheduledFalseSchema = checkObject('podScheduledFalse', {
  ...objectFilterFields,
  reason: z.string().min(1).default('Unschedulable'),
  message: regexField.optional(),
  /** Every selected pod (default: at least one). */
  all: z.boolean().default(false),
});

export type PodScheduledFalseCheck = z.infer<typeof podScheduledFalseSchema>;

export function evaluatePodScheduledFalse(check: PodScheduledFalseCheck, snapshot: Snapshot): CheckResult {
  const expected = `${check.all ? 'every' : 'at least one'} pod (${describeFilter(check)}) with PodScheduled=False reason ${check.reason}${check.message ? ` message ~ /${check.message}/` : ''}`;
  const pods = snapshot.objects.Pod.filter((p) => !isTerminating(p) && matchesFilter(p, check));
  if (pods.length === 0) return { pass: false, expected, saw: `no pods (${describeFilter(check)})` };
  const states = pods.map((pod) => {
    const cond = podConditions(pod).find((c) => c.type === 'PodScheduled');
    const ok = cond !== undefined && cond.status === 'False' && cond.reason === check.reason && (!check.message || new RegExp(check.message).test(cond.message ?? ''));
    const shown = cond ? `PodScheduled=${cond.status}${cond.reason ? ` ${cond.reason}` : ''}${cond.message ? ` "${cond.message}"` : ''}` : 'no PodScheduled condition';
    return { ok, line: `${pod.metadata.name}: ${shown}` };
  });
  const matched = states.filter((s) => s.ok).length;
  return {
    pass: check.all ? matched === pods.length : matched > 0,
    expected,
    saw: states.map((s) => s.line).slice(0, 5).join('; '),
  };
}
