/**
 * traceMaxConcurrent: the most pods of a set that were alive at the same moment, from the trace:
 * e.g. during a rolling update never more than replicas + maxSurge. `minPeak` makes sure the set
 * was really exercised (an empty trace never passes).
 */
import { z } from 'zod';
import { listNames, type Snapshot } from '../snapshot.js';
import { peakConcurrency, podLifetimes } from './pod-lifetimes.js';
import { NO_TRACE } from './trace-match.js';
import { checkObject, type CheckResult } from './types.js';

export const traceMaxConcurrentSchema = checkObject('traceMaxConcurrent', {
  namePrefix: z.string().min(1),
  max: z.number().int().positive(),
  minPeak: z.number().int().positive().default(1),
  /** At least this many pods of the set must have come and gone (e.g. a rollout replaced them). */
  minReplaced: z.number().int().nonnegative().default(0),
}).refine((c) => c.minPeak <= c.max, { message: '`minPeak` must not exceed `max`' });

export type TraceMaxConcurrentCheck = z.infer<typeof traceMaxConcurrentSchema>;

export function evaluateTraceMaxConcurrent(check: TraceMaxConcurrentCheck, snapshot: Snapshot): CheckResult {
  const replacedText = check.minReplaced ? `, with at least ${check.minReplaced} pod(s) deleted along the way` : '';
  const expected = `pods ${check.namePrefix}* alive at once: at most ${check.max}, at peak at least ${check.minPeak}${replacedText}`;
  if (!snapshot.traceAvailable) return { pass: false, expected, saw: NO_TRACE };
  const lifetimes = podLifetimes(snapshot.trace, snapshot.namespace, check.namePrefix);
  const peak = peakConcurrency(lifetimes);
  const replaced = lifetimes.filter((l) => l.goneMs !== undefined).length;
  const pass = peak.count <= check.max && peak.count >= check.minPeak && replaced >= check.minReplaced;
  return {
    pass,
    expected,
    saw:
      lifetimes.length === 0
        ? `no pods ${check.namePrefix}* in the trace`
        : `peak of ${peak.count} at t=${(peak.atMs / 1000).toFixed(1)}s (${listNames(peak.pods, 8)}); ${lifetimes.length} pod(s) in the trace, ${replaced} deleted`,
  };
}
