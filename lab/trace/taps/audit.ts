/**
 * auditTap: what the API server itself recorded (audit.k8s.io/v1 Event lines), tailed from the
 * host path the cluster layer mounts. Only completed requests count (stage ResponseComplete or
 * Panic), so each request is one entry; read-only chatter about leases and events is skipped.
 */
import { actorFromRequest } from '../actors.js';
import { kindOfResource } from '../kinds.js';
import type { TraceInput } from '../schema.js';
import { FileTail } from './file-tail.js';
import { controllerOwnerOf } from './object-ref.js';
import type { LooseObject, TapOptions, TraceTap } from './types.js';

export interface AuditEvent {
  kind?: string;
  apiVersion?: string;
  level?: string;
  auditID?: string;
  stage?: string;
  requestURI?: string;
  verb?: string;
  user?: { username?: string };
  userAgent?: string;
  objectRef?: { resource?: string; namespace?: string; name?: string; uid?: string; apiGroup?: string; resourceVersion?: string; subresource?: string };
  responseStatus?: { code?: number; reason?: string; message?: string };
  requestObject?: LooseObject;
  responseObject?: LooseObject;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
}

const READ_ONLY_VERBS = new Set(['get', 'list', 'watch']);
const NOISY_RESOURCES = new Set(['leases', 'events']);

export interface AuditParseOptions {
  /** Keep get/list/watch of leases and events (skipped by default). */
  keepNoisyReads?: boolean;
}

/**
 * A leader renewing its Lease (every 2 s) tells nothing new; an acquisition sets acquireTime to the
 * renewTime it writes, and a release empties the holder, so those two are kept.
 */
export function isLeaseRenewal(verb: string, request: LooseObject | undefined): boolean {
  if (verb !== 'update') return false;
  const spec = request?.spec as { holderIdentity?: string; acquireTime?: string; renewTime?: string } | undefined;
  if (!spec?.holderIdentity) return false;
  return spec.acquireTime !== spec.renewTime;
}

const SCALABLE = new Set(['deployments', 'replicasets']);

/**
 * The spec.replicas a write of a Deployment or ReplicaSet (or its scale) left, from the response
 * body (what was stored), else the request's: the built-in controllers' writes are seen only here.
 * A patch's request is partial, so only its response counts.
 */
function replicasOf(resource: string, subresource: string | undefined, verb: string, request: LooseObject | undefined, response: LooseObject | undefined): number | undefined {
  if (!SCALABLE.has(resource) || (subresource !== undefined && subresource !== 'scale')) return undefined;
  if (verb !== 'create' && verb !== 'update' && verb !== 'patch') return undefined;
  const specReplicas = (o: LooseObject | undefined) => (o?.spec as { replicas?: unknown } | undefined)?.replicas;
  const replicas = response?.kind === 'Status' ? undefined : specReplicas(response) ?? (verb === 'patch' ? undefined : specReplicas(request));
  return typeof replicas === 'number' && Number.isInteger(replicas) ? replicas : undefined;
}

/** Pure: one audit log line → a timeline input, or undefined when the line is skipped. Throws on non-JSON. */
export function parseAuditLine(line: string, opts: AuditParseOptions = {}): TraceInput | undefined {
  const ev = JSON.parse(line) as AuditEvent;
  if (ev.kind !== 'Event' || !ev.apiVersion?.startsWith('audit.k8s.io/')) return undefined;
  if (ev.stage !== 'ResponseComplete' && ev.stage !== 'Panic') return undefined;
  const verb = ev.verb ?? 'unknown';
  const resource = ev.objectRef?.resource;
  if (!resource) return undefined; // non-resource URLs (/healthz, /version...)
  if (!opts.keepNoisyReads && READ_ONLY_VERBS.has(verb) && NOISY_RESOURCES.has(resource)) return undefined;
  if (resource === 'leases' && isLeaseRenewal(verb, ev.requestObject)) return undefined;

  const ref = ev.objectRef!;
  const request = ev.requestObject;
  const response = ev.responseObject;
  const name = ref.name || response?.metadata?.name || request?.metadata?.name || request?.metadata?.generateName || '';
  const object: TraceInput['object'] = { kind: kindOfResource(resource), name };
  if (ref.namespace) object.namespace = ref.namespace;
  const uid = ref.uid || response?.metadata?.uid;
  if (uid) object.uid = uid;

  const details: Record<string, unknown> = {
    code: ev.responseStatus?.code,
    user: ev.user?.username,
    userAgent: ev.userAgent,
    uri: ev.requestURI,
    auditID: ev.auditID,
  };
  if (ref.subresource) details.subresource = ref.subresource;
  if (ref.resourceVersion) details.requestResourceVersion = ref.resourceVersion; // a precondition, not the result
  if (ev.responseStatus?.reason) details.failure = ev.responseStatus.reason;
  const owner = controllerOwnerOf(request) ?? controllerOwnerOf(response);
  if (owner) details.owner = owner;
  if (resource === 'leases' && request?.spec) {
    const spec = request.spec as { holderIdentity?: string };
    details.holder = spec.holderIdentity || '(released)';
  }
  const replicas = replicasOf(resource, ref.subresource, verb, request, response);
  if (replicas !== undefined) details.replicas = replicas;
  if (ref.subresource === 'binding') {
    const target = request?.target as { name?: string } | undefined;
    if (target?.name) details.node = target.name;
  }

  const received = ev.requestReceivedTimestamp ? Date.parse(ev.requestReceivedTimestamp) : NaN;
  const completed = ev.stageTimestamp ? Date.parse(ev.stageTimestamp) : NaN;
  const input: TraceInput = {
    tap: 'audit',
    actor: actorFromRequest(ev.user?.username, ev.userAgent),
    verb,
    object,
    details,
  };
  if (!Number.isNaN(received)) input.at = new Date(received);
  if (!Number.isNaN(received) && !Number.isNaN(completed)) input.latencyMs = Math.max(0, completed - received);
  // Only a response body knows the resourceVersion the write produced.
  const resultRv = response?.metadata?.resourceVersion;
  if (resultRv && !READ_ONLY_VERBS.has(verb)) input.resourceVersion = resultRv;
  return input;
}

export class AuditTap implements TraceTap {
  readonly name = 'audit';
  private readonly tail: FileTail;
  /** Lines that were not audit JSON. */
  badLines = 0;

  constructor(private readonly opts: Pick<TapOptions, 'auditLogPath' | 'timeline' | 'log'> & AuditParseOptions & { from?: 'start' | 'end' }) {
    this.tail = new FileTail({
      path: opts.auditLogPath,
      from: opts.from ?? 'end',
      onLine: (line) => this.onLine(line),
      onError: (err) => opts.log?.(`audit tap: ${err.message}`),
    });
  }

  private onLine(line: string): void {
    let input: TraceInput | undefined;
    try {
      input = parseAuditLine(line, this.opts);
    } catch {
      this.badLines++;
      return;
    }
    if (input) this.opts.timeline.append(input);
  }

  start(): Promise<void> {
    return this.tail.start();
  }

  stop(): Promise<void> {
    return this.tail.stop();
  }
}
