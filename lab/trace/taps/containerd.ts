/**
 * containerdTap: what containerd really did on each node, from `ctr -n k8s.io events`. Container
 * ids are resolved to pods through the CRI labels containerd keeps on each container
 * (`ctr containers info <id>`, asked of one shell per node: container-labels.ts), cached per id,
 * so a task start reads as "web-abc/nginx started".
 */
import type { ObjectRef, TraceInput } from '../schema.js';
import { InNodeLabelResolver, type CriLabels } from './container-labels.js';
import { untilStdinCloses } from './in-node.js';
import { SupervisedProcess } from './supervised-process.js';
import type { TapOptions, TraceTap } from './types.js';

export { parseContainerInfo, type CriLabels } from './container-labels.js';

export interface CtrEvent {
  time: Date;
  namespace: string;
  topic: string;
  payload: Record<string, unknown>;
}

// '2025-01-01 10:00:00.123456789 +0000 UTC k8s.io /tasks/start {"container_id":"…","pid":123}'
const CTR_LINE = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)? ([+-]\d{2})(\d{2}) \S+ (\S+) (\/\S+)\s*(.*)$/;

/** Pure: one line of `ctr events` → the event, or undefined if the line is not one. */
export function parseCtrEventLine(line: string): CtrEvent | undefined {
  const m = CTR_LINE.exec(line.trim());
  if (!m) return undefined;
  const [, date, time, fraction = '', tzHours, tzMinutes, namespace, topic, json] = m;
  const millis = fraction ? fraction.slice(0, 4).padEnd(4, '0') : '.000'; // JS dates hold ms, Go prints ns
  const when = new Date(`${date}T${time}${millis}${tzHours}:${tzMinutes}`);
  if (Number.isNaN(when.getTime())) return undefined;
  let payload: Record<string, unknown> = {};
  if (json && json.trim()) {
    try {
      payload = JSON.parse(json) as Record<string, unknown>;
    } catch {
      payload = { raw: json };
    }
  }
  return { time: when, namespace: namespace!, topic: topic!, payload };
}

/** The container id an event is about, if any. */
export function containerIdOf(ev: CtrEvent): string | undefined {
  const p = ev.payload;
  if (ev.topic.startsWith('/tasks/')) return typeof p.container_id === 'string' ? p.container_id : undefined;
  if (ev.topic.startsWith('/containers/')) return typeof p.id === 'string' ? p.id : undefined;
  return undefined;
}

/** Pure: an event (and the labels of its container, when known) → a timeline input. */
export function containerdEntry(node: string, ev: CtrEvent, labels: CriLabels | undefined): TraceInput {
  const id = containerIdOf(ev);
  const p = ev.payload;
  const details: Record<string, unknown> = {};
  let object: ObjectRef;
  if (id) {
    details.containerId = id;
    if (labels?.kind) details.containerKind = labels.kind;
    if (labels?.containerName) details.container = labels.containerName;
    object = labels?.podName
      ? { kind: 'Pod', name: labels.podName, ...(labels.podNamespace ? { namespace: labels.podNamespace } : {}), ...(labels.podUid ? { uid: labels.podUid } : {}) }
      : { kind: 'Container', name: id.slice(0, 12) };
  } else if (ev.topic.startsWith('/images/')) {
    object = { kind: 'Image', name: typeof p.name === 'string' ? p.name : '' };
  } else {
    object = { kind: 'Containerd', name: ev.topic };
  }
  if (typeof p.pid === 'number') details.pid = p.pid;
  if (ev.topic === '/tasks/exit' || ev.topic === '/tasks/delete') details.exitStatus = typeof p.exit_status === 'number' ? p.exit_status : 0;
  if (typeof p.image === 'string') details.image = p.image;
  return { tap: 'containerd', actor: `containerd@${node}`, verb: ev.topic, object, details, at: ev.time };
}

export interface ContainerdTapOptions extends Pick<TapOptions, 'nodes' | 'timeline' | 'log'> {
  docker?: string;
  /** Also record /snapshot/* events (many per image layer). Default false. */
  includeSnapshots?: boolean;
  /** Resolve a container id's labels; default: `ctr -n k8s.io containers info ID` in a shell kept in the node. */
  lookupLabels?: (node: string, id: string) => Promise<CriLabels | undefined>;
}

export class ContainerdTap implements TraceTap {
  readonly name = 'containerd';
  private readonly processes: SupervisedProcess[];
  private readonly resolvers = new Map<string, InNodeLabelResolver>();
  private readonly labelCache = new Map<string, Promise<CriLabels | undefined>>();
  // Per node, the promise of the last line's append: each line's entry is appended after it, so
  // entries keep containerd's order while their label lookups run together.
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly opts: ContainerdTapOptions) {
    const docker = opts.docker ?? 'docker';
    this.processes = opts.nodes.map(
      (node) =>
        new SupervisedProcess({
          command: docker,
          args: untilStdinCloses(node, ['ctr', '-n', 'k8s.io', 'events']),
          onLine: (line) => void this.handle(node, line),
          onStderr: (line) => opts.log?.(`containerd tap (${node}): ${line}`),
        }),
    );
    if (!opts.lookupLabels) {
      for (const node of opts.nodes) this.resolvers.set(node, new InNodeLabelResolver({ node, docker, log: opts.log }));
    }
  }

  /**
   * Handle one line: its label lookup starts at once (so the lookups of a burst of events are
   * asked together), its entry is appended after those of the lines before it on this node.
   * Resolves once appended (tests await it, with an injected lookupLabels).
   */
  handle(node: string, line: string): Promise<void> {
    const ev = parseCtrEventLine(line);
    if (!ev) return Promise.resolve();
    if (ev.topic.startsWith('/snapshot/') && !this.opts.includeSnapshots) return Promise.resolve();
    const id = containerIdOf(ev);
    const labels = id ? this.labelsOf(node, id) : Promise.resolve(undefined);
    const previous = this.chains.get(node) ?? Promise.resolve();
    const appended = previous
      .then(() => labels)
      .then((l) => {
        this.opts.timeline.append(containerdEntry(node, ev, l));
      })
      .catch(() => undefined);
    this.chains.set(node, appended);
    return appended;
  }

  private labelsOf(node: string, id: string): Promise<CriLabels | undefined> {
    const cacheKey = `${node}/${id}`;
    let cached = this.labelCache.get(cacheKey);
    if (!cached) {
      const lookup = this.opts.lookupLabels ?? ((n: string, i: string) => this.resolvers.get(n)?.lookup(i) ?? Promise.resolve(undefined));
      cached = lookup(node, id).catch(() => undefined);
      this.labelCache.set(cacheKey, cached);
      // A failed lookup (container already gone) may succeed for a later id reuse: do not cache it.
      cached.then((labels) => {
        if (!labels) this.labelCache.delete(cacheKey);
      });
    }
    return cached;
  }

  async start(): Promise<void> {
    for (const r of this.resolvers.values()) r.start();
    for (const p of this.processes) p.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    for (const r of this.resolvers.values()) r.flush();
    await Promise.all(this.chains.values()); // lines already read still get their labels
    await Promise.all([...this.resolvers.values()].map((r) => r.stop()));
  }
}
