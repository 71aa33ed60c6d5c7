/**
 * The API server's own clock for the scheduling benches: when the server received each pod's
 * create, and when it completed each pod's binding, read from its audit log (the lab's policy logs
 * both, manifests/audit-policy.yaml). The server writes these times itself, in microseconds, so
 * neither the bench's watch (an event reaching the bench tens of milliseconds late when both
 * cores are busy) nor which process the kernel ran first enters a rate that both schedulers reach
 * at their client's token bucket: at 75 pods/s over 4 s, 20 ms late on the last binding is 0.5 %.
 *
 * The log is tailed (lab/trace/taps/file-tail.ts: rotation and truncation survived) from the
 * host directory the running control plane writes it to, from its end when the clock starts.
 */
import { controlPlaneContainer } from '../cluster/nodes.js';
import { clusterAuditLogPath } from '../cluster/checkout-sync.js';
import type { AuditEvent } from '../trace/taps/audit.js';
import { FileTail } from '../trace/taps/file-tail.js';

/** A pod's moment in one namespace, in the server's time (ms since the epoch, with microseconds). */
export interface PodMoment {
  name: string;
  moment: 'created' | 'bound';
  atMs: number;
}

/**
 * Pure: an RFC 3339 time with up to nine fractional digits (the audit log writes six) → ms since
 * the epoch, keeping the digits beyond the millisecond that Date.parse drops. NaN when unparsable.
 */
export function serverTimeMs(timestamp: string): number {
  const ms = Date.parse(timestamp);
  const fraction = /\.(\d{4,9})Z$/.exec(timestamp)?.[1];
  return fraction === undefined ? ms : ms + Number(`0.${fraction.slice(3)}`);
}

/**
 * Pure: one audit line → the successful create of a pod of `namespace` (when the server received
 * it) or of its binding (when the server completed it), else undefined (any other line, a failed
 * request, a line that is not JSON).
 */
export function podMomentOf(line: string, namespace: string): PodMoment | undefined {
  // Most lines are about other namespaces: skip them before parsing.
  if (!line.includes(`"namespace":"${namespace}"`)) return undefined;
  let event: AuditEvent;
  try {
    event = JSON.parse(line) as AuditEvent;
  } catch {
    return undefined;
  }
  const ref = event.objectRef;
  if (event.stage !== 'ResponseComplete' || event.verb !== 'create' || ref?.resource !== 'pods' || ref.namespace !== namespace) return undefined;
  if (event.responseStatus?.code !== 201) return undefined;
  const name = ref.name || event.responseObject?.metadata?.name || event.requestObject?.metadata?.name;
  if (!name) return undefined;
  if (ref.subresource === 'binding') {
    const atMs = serverTimeMs(event.stageTimestamp ?? '');
    return Number.isNaN(atMs) ? undefined : { name, moment: 'bound', atMs };
  }
  if (ref.subresource) return undefined;
  const atMs = serverTimeMs(event.requestReceivedTimestamp ?? '');
  return Number.isNaN(atMs) ? undefined : { name, moment: 'created', atMs };
}

/** Creates and bindings of one namespace's pods as the API server timed them. */
export interface ServerPodTimes {
  created: Map<string, number>;
  bound: Map<string, number>;
}

/** A log that has none of the pods this long after they were all bound is not the one the API server writes. */
const NOTHING_SEEN_TIMEOUT_MS = 5_000;

export interface AuditClock extends ServerPodTimes {
  /**
   * Resolves once every one of `names` has both times; rejects after `timeoutMs` saying how many
   * lack one, or after NOTHING_SEEN_TIMEOUT_MS when the log has none of them at all.
   */
  until(names: readonly string[], timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts reading the running cluster's audit log from its end, for the pods of `namespace`. */
export async function startAuditClock(namespace: string, auditLogPath?: string): Promise<AuditClock> {
  const path = auditLogPath ?? (await clusterAuditLogPath(await controlPlaneContainer()));
  const times: ServerPodTimes = { created: new Map(), bound: new Map() };
  let failure: Error | undefined;
  const tail = new FileTail({
    path,
    from: 'end',
    pollMs: 100,
    onLine: (line) => {
      const moment = podMomentOf(line, namespace);
      if (moment && !times[moment.moment].has(moment.name)) times[moment.moment].set(moment.name, moment.atMs);
    },
    onError: (error) => {
      failure = error;
    },
  });
  await tail.start();
  const lacking = (names: readonly string[]) => names.filter((name) => !times.created.has(name) || !times.bound.has(name));
  return {
    ...times,
    async until(names, timeoutMs) {
      const start = performance.now();
      for (;;) {
        const missing = lacking(names);
        if (missing.length === 0) return;
        const waited = performance.now() - start;
        const nothingSeen = names.every((name) => !times.created.has(name) && !times.bound.has(name));
        if (waited > timeoutMs || (nothingSeen && waited > NOTHING_SEEN_TIMEOUT_MS)) {
          throw new Error(`the API server's audit log (${path}) lacks the create or the binding of ${missing.length} of ${names.length} pods of ${namespace} after ${Math.round(waited / 1000)} s (such as ${missing[0]})${failure ? `; reading it failed: ${failure.message}` : ''}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: () => tail.stop(),
  };
}
