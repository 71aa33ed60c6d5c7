/**
 * A trace session: one timeline, the correlator linking causes as entries arrive, every tap, and
 * an optional JSONL file streamed as the session runs. `lab trace` and `lab demo` start one; the
 * lab's controllers are given its decision sink, write recorders and informer hook.
 */
import { writeFile } from 'node:fs/promises';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { createInformer, type Informer } from '../../controllers/shared/informer.js';
import { clientsFor } from '../../controllers/shared/kube.js';
import { Correlator, correlate, storyOf } from './correlate.js';
import { toHtml, type HtmlOptions } from './export/html.js';
import { JsonlStreamWriter, writeJsonlFile } from './export/jsonl.js';
import { renderAtLevel, type DetailLevel, type TextFormat } from './export/levels.js';
import { filterEntries, parseObjectSelector, type TraceFilter } from './filter.js';
import type { TraceEntry } from './schema.js';
import { AuditTap } from './taps/audit.js';
import { ContainerdTap } from './taps/containerd.js';
import { DecisionTap, type DecisionSink } from './taps/decision.js';
import { EtcdTap } from './taps/etcd.js';
import { InformerTap } from './taps/informer.js';
import { KubeletTap, type KubeEvent } from './taps/kubelet.js';
import type { TraceTap, WatchEventSource } from './taps/types.js';
import { WriteTap, type WriteRecorder } from './taps/write.js';
import { Timeline } from './timeline.js';

export type ExportFormat = TextFormat | 'html';

export interface ExportOptions extends HtmlOptions {
  /** How much to show (default full: every entry). */
  level?: DetailLevel;
}

export interface TraceSessionOptions {
  /** Docker container names of the kind nodes (containerd tap). */
  nodes: string[];
  /** Docker container name of the control-plane node (etcd tap). */
  controlPlane: string;
  /** Host path of the audit log (audit tap); omitted = no audit tap. */
  auditLogPath?: string;
  /** Kubeconfig for the kubelet tap's Events and Pods watches; omitted = no kubelet tap. */
  kubeConfig?: KubeConfig;
  /** Stream every entry to this JSONL file as the session runs. */
  jsonlPath?: string;
  /** Timeline memory cap (entries). */
  cap?: number;
  /** Turn individual taps off (all on by default when their inputs are given). */
  disable?: Array<'audit' | 'etcd' | 'containerd' | 'kubelet'>;
  docker?: string;
  log?: (msg: string) => void;
}

export interface TraceSession {
  readonly timeline: Timeline;
  readonly correlator: Correlator;
  /** Give to each controller: `informers.watch('scheduler', podInformer)`. */
  readonly informers: InformerTap;
  /** Give to the controllers as their DecisionSink. */
  readonly decisionSink: DecisionSink;
  /** The write recorder for one component ('deployment-controller', 'replicaset-controller', 'scheduler'). */
  recordWrites(component: string): WriteRecorder;
  /** Entries re-linked with everything known now (late audit lines included). */
  entries(filter?: TraceFilter): TraceEntry[];
  exportTo(format: ExportFormat, path: string, filter?: TraceFilter, opts?: ExportOptions): Promise<void>;
  stop(): Promise<void>;
}

function selectEntries(all: readonly TraceEntry[], filter: TraceFilter | undefined): TraceEntry[] {
  const linked = correlate(all);
  if (!filter) return linked;
  if (!filter.object) return filterEntries(linked, filter);
  // An object's story includes what caused it (the kubectl request, the binding...).
  const target = parseObjectSelector(filter.object);
  const story = storyOf(linked, { ...target, namespace: filter.namespace ?? 'default' });
  const { object: _object, ...rest } = filter;
  return filterEntries(story, rest);
}

export function renderExport(format: ExportFormat, entries: readonly TraceEntry[], opts: ExportOptions = {}): Promise<string> | string {
  const { level = 'full', ...htmlOpts } = opts;
  if (format === 'html') return toHtml(entries, htmlOpts);
  return renderAtLevel(format, level, entries, htmlOpts);
}

/** A Pods or Events watch for the kubelet tap, through the lab's restarting informer. */
function watchFor<T extends { metadata?: object }>(kc: KubeConfig, name: 'pods' | 'events', deserializeAs: string): Informer<any> {
  const { core, kubeConfig } = clientsFor(kc, 'k8s-flow-lab/trace');
  return createInformer<any>(kubeConfig, {
    name,
    path: name === 'pods' ? '/api/v1/pods' : '/api/v1/events',
    deserializeAs,
    list: (sel) =>
      name === 'pods'
        ? core.listPodForAllNamespaces({ labelSelector: sel.labelSelector, fieldSelector: sel.fieldSelector })
        : core.listEventForAllNamespaces({ labelSelector: sel.labelSelector, fieldSelector: sel.fieldSelector }),
  }) as Informer<any> & WatchEventSource<T>;
}

export async function startTraceSession(opts: TraceSessionOptions): Promise<TraceSession> {
  const correlator = new Correlator();
  const timeline = new Timeline({ cap: opts.cap, enrich: (e) => correlator.link(e) });
  const disabled = new Set(opts.disable ?? []);
  const log = opts.log;

  const writer = opts.jsonlPath ? new JsonlStreamWriter(opts.jsonlPath) : undefined;
  writer?.attach(timeline); // before any tap starts, so the file misses nothing

  const informers = new InformerTap(timeline);
  const decisions = new DecisionTap(timeline);
  const writes = new WriteTap(timeline);
  const taps: TraceTap[] = [informers, decisions, writes];
  const watches: Informer<any>[] = [];

  if (opts.auditLogPath && !disabled.has('audit')) taps.push(new AuditTap({ auditLogPath: opts.auditLogPath, timeline, log }));
  if (!disabled.has('etcd')) taps.push(new EtcdTap({ controlPlane: opts.controlPlane, timeline, log, docker: opts.docker }));
  if (opts.nodes.length > 0 && !disabled.has('containerd')) taps.push(new ContainerdTap({ nodes: opts.nodes, timeline, log, docker: opts.docker }));
  if (opts.kubeConfig && !disabled.has('kubelet')) {
    const pods = watchFor<V1Pod>(opts.kubeConfig, 'pods', 'V1Pod');
    const events = watchFor<KubeEvent>(opts.kubeConfig, 'events', 'CoreV1Event');
    watches.push(pods, events);
    taps.push(new KubeletTap({ timeline, pods, events }));
  }

  for (const tap of taps) await tap.start();
  await Promise.all(watches.map((w) => w.start()));

  let stopped = false;
  return {
    timeline,
    correlator,
    informers,
    decisionSink: decisions.sink,
    recordWrites: (component) => writes.recorderFor(component),
    entries: (filter) => selectEntries(timeline.entries(), filter),
    async exportTo(format, path, filter, htmlOpts) {
      const selected = selectEntries(timeline.entries(), filter);
      if (format === 'jsonl') return writeJsonlFile(path, selected);
      await writeFile(path, await renderExport(format, selected, htmlOpts), 'utf8');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const w of watches) w.stop();
      await Promise.all(taps.map((t) => t.stop().catch((err: Error) => log?.(`trace: stopping ${t.name}: ${err.message}`))));
      await writer?.close();
    },
  };
}

