/** podsRunning: pods in phase Running (and Ready, unless `ready: false`), not being deleted. */
import { z } from 'zod';
import { isTerminating, listNames, podIsReady, podPhase, type Snapshot } from '../snapshot.js';
import { describeFilter, matchesFilter } from '../selectors.js';
import { countCheckSchema, describeBounds, withinBounds } from './bounds.js';
import { objectFilterFields, type CheckResult } from './types.js';

export const podsRunningSchema = countCheckSchema('podsRunning', { ...objectFilterFields, ready: z.boolean().default(true) });

export type PodsRunningCheck = z.infer<typeof podsRunningSchema>;

export function evaluatePodsRunning(check: PodsRunningCheck, snapshot: Snapshot): CheckResult {
  const pods = snapshot.objects.Pod.filter((p) => matchesFilter(p, check));
  const counted = pods.filter((p) => !isTerminating(p) && podPhase(p) === 'Running' && (!check.ready || podIsReady(p)));
  const others = pods
    .filter((p) => !counted.includes(p))
    .map((p) => `${p.metadata.name} (${isTerminating(p) ? 'Terminating' : podPhase(p)}${podPhase(p) === 'Running' && !podIsReady(p) ? ', not ready' : ''})`);
  const what = check.ready ? 'running and ready' : 'running';
  return {
    pass: withinBounds(counted.length, check),
    expected: `${describeBounds(check)} pods ${what} (${describeFilter(check)})`,
    saw: `${counted.length} ${what}${counted.length ? `: ${listNames(counted.map((p) => p.metadata.name))}` : ''}; others: ${listNames(others)}`,
  };
}
