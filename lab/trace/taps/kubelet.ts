/**
 * kubeletTap: what each node's kubelet did, from two places it reports to the API server:
 * core/v1 Events it records (Pulling, Pulled, Created, Started, Killing, BackOff, Unhealthy...)
 * and the pod status it writes (phase, container states, readiness).
 */
import { diffObjects, type FieldChange } from '../diff.js';
import type { TraceInput } from '../schema.js';
import type { Timeline } from '../timeline.js';
import type { LooseObject, WatchEventSource, WatchEventType } from './types.js';

/** The fields of a core/v1 Event the tap reads (timestamps may be Date or ISO strings). */
export interface KubeEvent extends LooseObject {
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
  involvedObject?: { kind?: string; namespace?: string; name?: string; uid?: string; fieldPath?: string };
  firstTimestamp?: Date | string;
  lastTimestamp?: Date | string;
  eventTime?: Date | string;
  series?: { count?: number; lastObservedTime?: Date | string };
}

function toDate(v: Date | string | undefined): Date | undefined {
  if (v === undefined || v === null) return undefined;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** 'spec.containers{nginx}' → 'nginx' */
export function containerOfFieldPath(fieldPath: string | undefined): string | undefined {
  const m = /^spec\.(?:initContainers|containers|ephemeralContainers)\{([^}]+)\}$/.exec(fieldPath ?? '');
  return m?.[1];
}

/** The node a kubelet event came from, or undefined if another component recorded it. */
export function kubeletNodeOf(ev: KubeEvent): string | undefined {
  if (ev.source?.component === 'kubelet') return ev.source.host || ev.reportingInstance || undefined;
  if (ev.reportingComponent === 'kubelet') return ev.reportingInstance || ev.source?.host || undefined;
  return undefined;
}

function occurrences(ev: KubeEvent | undefined): number {
  return ev?.series?.count ?? ev?.count ?? 1;
}

/**
 * Pure: the best estimate of when something stamped `stamped` happened, seen at `arrivedAt`.
 * core/v1 Events from the kubelet carry lastTimestamp to the second only: "12:00:07" means
 * somewhere in [12:00:07, 12:00:08). Taken as is, a Started event would sort up to a second
 * before the binding that caused it. It cannot have happened after it arrived, so the estimate is
 * the arrival, kept inside that second. A stamp with milliseconds is precise and kept.
 */
export function refineSecondPrecision(stamped: Date, arrivedAt: Date | undefined): Date {
  if (!arrivedAt || stamped.getMilliseconds() !== 0) return stamped;
  const latest = stamped.getTime() + 999;
  return new Date(Math.max(stamped.getTime(), Math.min(arrivedAt.getTime(), latest)));
}

/**
 * Pure: a watch event on core/v1 Events → an entry if it is a new kubelet occurrence (a new
 * Event, or a repeat that bumped its count). `arrivedAt` (when the watch delivered it) sharpens
 * timestamps that are whole seconds.
 */
export function kubeletEventEntry(type: WatchEventType, ev: KubeEvent, old: KubeEvent | undefined, arrivedAt?: Date): TraceInput | undefined {
  if (type === 'DELETED') return undefined;
  const node = kubeletNodeOf(ev);
  if (!node) return undefined;
  if (type === 'MODIFIED' && old && occurrences(old) === occurrences(ev)) return undefined;
  const involved = ev.involvedObject ?? {};
  const object: TraceInput['object'] = { kind: involved.kind ?? 'Pod', name: involved.name ?? '' };
  if (involved.namespace) object.namespace = involved.namespace;
  if (involved.uid) object.uid = involved.uid;
  const details: Record<string, unknown> = { message: ev.message ?? '', type: ev.type ?? 'Normal', count: occurrences(ev) };
  const container = containerOfFieldPath(involved.fieldPath);
  if (container) details.container = container;
  const input: TraceInput = { tap: 'kubelet', actor: `kubelet@${node}`, verb: ev.reason ?? 'Event', object, details };
  const at = toDate(ev.series?.lastObservedTime) ?? toDate(ev.lastTimestamp) ?? toDate(ev.eventTime) ?? toDate(ev.firstTimestamp);
  if (at) input.at = refineSecondPrecision(at, arrivedAt);
  return input;
}

/** Pod status fields the kubelet owns (PodScheduled is the scheduler's). */
function isKubeletField(change: FieldChange): boolean {
  if (change.field === 'status.phase' || change.field.startsWith('container.')) return true;
  return ['condition.Ready', 'condition.ContainersReady', 'condition.Initialized', 'condition.PodReadyToStartContainers'].includes(change.field);
}

/** Pure: a pod update → an entry for the status the kubelet wrote, if it changed. */
export function podStatusEntry(type: WatchEventType, pod: LooseObject, old: LooseObject | undefined): TraceInput | undefined {
  if (type === 'DELETED') return undefined;
  const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  if (!node) return undefined;
  const changes = diffObjects(old, pod).filter(isKubeletField);
  if (changes.length === 0) return undefined;
  const meta = pod.metadata ?? {};
  const object: TraceInput['object'] = { kind: 'Pod', name: meta.name ?? '' };
  if (meta.namespace) object.namespace = meta.namespace;
  if (meta.uid) object.uid = meta.uid;
  const input: TraceInput = { tap: 'kubelet', actor: `kubelet@${node}`, verb: 'status', object, details: { diff: changes } };
  if (meta.resourceVersion) input.resourceVersion = meta.resourceVersion;
  return input;
}

export interface KubeletTapOptions {
  timeline: Timeline;
  /** A core/v1 Events watch (all namespaces). */
  events: WatchEventSource<KubeEvent>;
  /** A pods watch (all namespaces). */
  pods: WatchEventSource<LooseObject>;
}

export class KubeletTap {
  readonly name = 'kubelet';
  private running = false;

  constructor(private readonly opts: KubeletTapOptions) {
    // Events listed at start describe the past; only occurrences from the session on are news.
    const sessionStart = opts.timeline.startMs - 1000;
    opts.events.onEvent((type, ev, old) => {
      if (!this.running) return;
      const input = kubeletEventEntry(type, ev, old, new Date());
      if (input && (!input.at || input.at.getTime() >= sessionStart)) opts.timeline.append(input);
    });
    opts.pods.onEvent((type, pod, old) => {
      if (!this.running || !old) return; // the initial list is not a transition
      const input = podStatusEntry(type, pod, old);
      if (input) opts.timeline.append(input);
    });
  }

  async start(): Promise<void> {
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
  }
}
