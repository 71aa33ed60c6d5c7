/** Every check kind: its schema (for exercise files) and its pure evaluator. */
import { z } from 'zod';
import type { Snapshot } from '../snapshot.js';
import { boundOnceBySchema, evaluateBoundOnceBy } from './bound-once-by.js';
import { containerRestartedSchema, evaluateContainerRestarted } from './container-restarted.js';
import { createdOnceSchema, evaluateCreatedOnce } from './created-once.js';
import { evaluateEventSeen, eventSeenSchema } from './event-seen.js';
import { evaluateJsonPath, jsonPathSchema } from './json-path.js';
import { evaluateLeaseTakeover, leaseTakeoverSchema } from './lease-takeover.js';
import { evaluateNodeOfPod, nodeOfPodSchema } from './node-of-pod.js';
import { evaluateObjectCount, objectCountSchema } from './object-count.js';
import { evaluateOwnerChain, ownerChainSchema } from './owner-chain.js';
import { evaluatePodScheduledFalse, podScheduledFalseSchema } from './pod-scheduled-false.js';
import { evaluatePodsRunning, podsRunningSchema } from './pods-running.js';
import { evaluatePodSpread, podSpreadSchema } from './pod-spread.js';
import { evaluateRevision, revisionSchema } from './revision.js';
import { evaluateTraceCount, traceCountSchema } from './trace-count.js';
import { evaluateTraceMaxConcurrent, traceMaxConcurrentSchema } from './trace-max-concurrent.js';
import type { CheckResult } from './types.js';

export type { CheckResult } from './types.js';

export const checkSchema = z.discriminatedUnion('kind', [
  objectCountSchema,
  podsRunningSchema,
  ownerChainSchema,
  revisionSchema,
  traceCountSchema,
  traceMaxConcurrentSchema,
  boundOnceBySchema,
  containerRestartedSchema,
  eventSeenSchema,
  podScheduledFalseSchema,
  nodeOfPodSchema,
  podSpreadSchema,
  jsonPathSchema,
  leaseTakeoverSchema,
  createdOnceSchema,
]);

export type Check = z.infer<typeof checkSchema>;
export type CheckKind = Check['kind'];

export const CHECK_KINDS: readonly CheckKind[] = [
  'objectCount',
  'podsRunning',
  'ownerChain',
  'revision',
  'traceCount',
  'traceMaxConcurrent',
  'boundOnceBy',
  'containerRestarted',
  'eventSeen',
  'podScheduledFalse',
  'nodeOfPod',
  'podSpread',
  'jsonPath',
  'leaseTakeover',
  'createdOnce',
];

/** Checks that read the trace: they verify how the result came about, not only the result. */
export const TRACE_CHECK_KINDS: ReadonlySet<CheckKind> = new Set(['traceCount', 'traceMaxConcurrent', 'boundOnceBy', 'containerRestarted', 'leaseTakeover', 'createdOnce']);

export function evaluateCheck(check: Check, snapshot: Snapshot): CheckResult {
  switch (check.kind) {
    case 'objectCount':
      return evaluateObjectCount(check, snapshot);
    case 'podsRunning':
      return evaluatePodsRunning(check, snapshot);
    case 'ownerChain':
      return evaluateOwnerChain(check, snapshot);
    case 'revision':
      return evaluateRevision(check, snapshot);
    case 'traceCount':
      return evaluateTraceCount(check, snapshot);
    case 'traceMaxConcurrent':
      return evaluateTraceMaxConcurrent(check, snapshot);
    case 'boundOnceBy':
      return evaluateBoundOnceBy(check, snapshot);
    case 'containerRestarted':
      return evaluateContainerRestarted(check, snapshot);
    case 'eventSeen':
      return evaluateEventSeen(check, snapshot);
    case 'podScheduledFalse':
      return evaluatePodScheduledFalse(check, snapshot);
    case 'nodeOfPod':
      return evaluateNodeOfPod(check, snapshot);
    case 'podSpread':
      return evaluatePodSpread(check, snapshot);
    case 'jsonPath':
      return evaluateJsonPath(check, snapshot);
    case 'leaseTakeover':
      return evaluateLeaseTakeover(check, snapshot);
    case 'createdOnce':
      return evaluateCreatedOnce(check, snapshot);
  }
}

/** The sentence shown for a check: its description, or what it expects. */
export function checkTitle(check: Check, result?: CheckResult): string {
  return check.description ?? result?.expected ?? check.kind;
}
