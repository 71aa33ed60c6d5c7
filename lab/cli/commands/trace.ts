import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import chalk from 'chalk';
import { clusterHealth } from '../../cluster/health.js';
import { requireDocker } from '../../cluster/image/docker-images.js';
import { clusterAuditLogPath } from '../../cluster/checkout-sync.js';
import { adminKubeconfigPath, stateDir } from '../../cluster/paths.js';
import {
  actorSchema, correlate, filterEntries, JsonlParseError, parseDuration, parseJsonl, parseObjectSelector, renderExport,
  DETAIL_LEVELS, startLiveView, startStoryView, startTraceSession, storyOf, traceEntryJsonSchemaText, type DetailLevel, type ExportFormat,
  type TraceEntry, type TraceFilter,
} from '../../trace/index.js';
import { loadKubeConfig } from '../../../controllers/shared/kube.js';
import { BadInputError, LabError } from '../../base/errors.js';
import { Progress } from '../../base/progress.js';

/**
 * `lab trace`: the live chain of events of the running cluster, streamed to a JSONL file;
 * `lab trace export`: that file as JSONL, a Mermaid sequence diagram or a self-contained HTML page;
 * `lab trace schema`: the JSON Schema of one line of that file (docs/trace-schema.md explains it).
 */

export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'json', 'mermaid', 'text', 'html'];
/** The live view draws entries or steps; the components level folds a whole trace, so it is an export only. */
export const LIVE_LEVELS: readonly DetailLevel[] = ['story', 'full'];
type Tap = 'audit' | 'etcd' | 'containerd' | 'kubelet';
const OPTIONAL_TAPS: readonly Tap[] = ['audit', 'etcd', 'containerd', 'kubelet'];

export function traceDir(): string {
  return join(stateDir(), 'trace');
}
export function currentTracePath(): string {
  return join(traceDir(), 'current.jsonl');
}
export function defaultReportPath(): string {
  return join(traceDir(), 'report.html');
}

/** --since: a duration back from now (30s, 5m) or a wall-clock instant (ISO 8601). */
export type Since = { kind: 'duration'; ms: number; text: string } | { kind: 'time'; epochMs: number };

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseSince(text: string): Since {
  const trimmed = text.trim();
  try {
    return { kind: 'duration', ms: parseDuration(trimmed), text: trimmed };
  } catch {
    // not a duration: maybe a time
  }
  const epochMs = ISO_TIME.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(epochMs)) {
    throw new BadInputError(`--since "${text}" is neither a duration nor an ISO time`, 'use a duration like 500ms, 30s, 5m, 1h, or a time like 2025-01-01T10:00:00Z');
  }
  return { kind: 'time', epochMs };
}

/** --object: KIND/NAME, e.g. deployment/web, rs/web-7d9f, pod/web-7d9f-abcde. */
export function parseObjectOption(text: string): { kind: string; name: string } {
  let parsed: { kind: string; name: string };
  try {
    parsed = parseObjectSelector(text.trim());
  } catch {
    throw new BadInputError(`--object "${text}" is not KIND/NAME`, 'use e.g. --object deployment/web (kinds: deployment, rs, pod, node, or any Kind)');
  }
  if (parsed.name.includes('/') || !/^[A-Za-z][A-Za-z0-9]*$/.test(parsed.kind)) {
    throw new BadInputError(`--object "${text}" is not KIND/NAME`, 'give the namespace with --namespace, e.g. --object deployment/web --namespace default');
  }
  return parsed;
}

/** --actor: one actor (scheduler, kubelet@lab-worker) or every node agent of a kind (kubelet@). */
export function parseActorOption(text: string): string {
  if (text === 'kubelet@' || text === 'containerd@' || actorSchema.safeParse(text).success) return text;
  throw new BadInputError(
    `--actor "${text}" is not an actor the trace knows`,
    'use one of kubectl, api-server, etcd, deployment-controller, replicaset-controller, scheduler, ' +
      'kube-controller-manager/deployment-controller, default-scheduler, kubelet@NODE, containerd@NODE, kubelet@ (every kubelet)',
  );
}

export interface FilterOptions {
  object?: string;
  actor?: string;
  namespace?: string;
  since?: string;
}

/** The validated filter options; the object is kept as given (the trace's filter parses it again). */
export interface TraceSelection {
  object?: string;
  actor?: string;
  namespace?: string;
  since?: Since;
}

export function parseFilterOptions(opts: FilterOptions): TraceSelection {
  const selection: TraceSelection = {};
  if (opts.object !== undefined) {
    parseObjectOption(opts.object);
    selection.object = opts.object.trim();
  }
  if (opts.actor !== undefined) selection.actor = parseActorOption(opts.actor);
  if (opts.namespace !== undefined) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(opts.namespace)) throw new BadInputError(`--namespace "${opts.namespace}" is not a namespace name`, 'use a DNS label like default or kube-system');
    selection.namespace = opts.namespace;
  }
  if (opts.since !== undefined) selection.since = parseSince(opts.since);
  return selection;
}

/** The live view's filter: session times are ms since the session's start (`startMs`). */
export function liveFilter(selection: TraceSelection, startMs: number): TraceFilter {
  const { since, ...rest } = selection;
  if (!since) return rest;
  return { ...rest, since: since.kind === 'duration' ? since.text : since.epochMs - startMs };
}

/**
 * Entries of a finished trace, as an export shows them: re-linked, narrowed to an object's story
 * (with its causes), then to actor, namespace and time. A duration counts back from the last entry.
 */
export function selectEntries(entries: readonly TraceEntry[], selection: TraceSelection): TraceEntry[] {
  let selected = correlate(entries);
  const { object, since, ...rest } = selection;
  if (object) selected = storyOf(selected, { ...parseObjectSelector(object), namespace: selection.namespace ?? 'default' });
  if (since?.kind === 'time') selected = selected.filter((e) => Date.parse(e.wallTime) >= since.epochMs);
  return filterEntries(selected, { ...rest, ...(since?.kind === 'duration' ? { since: since.text } : {}) });
}

/** Reads a trace file; a missing file or a bad line is bad input naming the file (and line). */
export async function readTraceFile(path: string): Promise<TraceEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BadInputError(`no trace file at ${path}`, 'record one with `npx lab trace` (Ctrl-C to stop), or pass --input FILE');
    throw error;
  }
  try {
    return parseJsonl(text);
  } catch (error) {
    if (error instanceof JsonlParseError && error.field === 'schemaVersion') {
      throw new BadInputError(`${path}:${error.line}: ${error.message.replace(/^line \d+: /, '')}`, 'record the trace again with this lab (`npx lab trace`), or read it with the version of the lab that wrote it');
    }
    if (error instanceof JsonlParseError) {
      throw new BadInputError(`${path}:${error.line}: not a trace entry: ${error.message.replace(/^line \d+: /, '')}`, 'the file must be JSON Lines written by `npx lab trace`; fix or delete that line');
    }
    throw error;
  }
}

export function parseExportFormat(value: string): ExportFormat {
  if ((EXPORT_FORMATS as readonly string[]).includes(value)) return value as ExportFormat;
  throw new BadInputError(`--format "${value}" is not one of ${EXPORT_FORMATS.join(', ')}`, 'e.g. --format mermaid');
}

/** --level: how much detail, from the numbered steps (story) to every entry (full). */
export function parseLevel(value: string, allowed: readonly DetailLevel[] = DETAIL_LEVELS): DetailLevel {
  if ((allowed as readonly string[]).includes(value)) return value as DetailLevel;
  throw new BadInputError(`--level "${value}" is not one of ${allowed.join(', ')}`, 'e.g. --level story (the numbered steps) or --level full (every entry)');
}

export interface ExportRequest extends FilterOptions {
  format: ExportFormat;
  level?: DetailLevel;
  input: string;
  out?: string;
}

/** What `lab trace export` writes: the text, and where (undefined = stdout). */
export async function buildExport(request: ExportRequest): Promise<{ text: string; out?: string; count: number }> {
  const selection = parseFilterOptions(request);
  const entries = selectEntries(await readTraceFile(request.input), selection);
  const title = `k8s-flow-lab trace${selection.object ? `: ${selection.object}` : ''}`;
  const text = await renderExport(request.format, entries, { title, ...(request.level ? { level: request.level } : {}) });
  // An HTML page is no use on a terminal: it always goes to a file.
  const out = request.out ?? (request.format === 'html' ? defaultReportPath() : undefined);
  return { text, count: entries.length, ...(out ? { out: resolve(out) } : {}) };
}

/** The default trace file starts empty each session; the previous one is kept beside it. */
function prepareJsonlPath(explicit: string | undefined): string {
  const path = resolve(explicit ?? currentTracePath());
  mkdirSync(dirname(path), { recursive: true });
  if (!explicit && existsSync(path)) renameSync(path, join(dirname(path), 'previous.jsonl'));
  return path;
}

/** Waits for Ctrl-C or a SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const done = (signal: NodeJS.Signals) => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolveSignal(signal);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

interface LiveOptions extends FilterOptions {
  jsonl?: string;
  level: DetailLevel;
  audit: boolean;
  etcd: boolean;
  containerd: boolean;
  kubelet: boolean;
}

async function traceLive(opts: LiveOptions): Promise<void> {
  const selection = parseFilterOptions(opts); // bad input fails before anything touches the cluster
  const progress = new Progress();
  await requireDocker();
  const health = await clusterHealth();
  if (!health.exists || !health.apiServer) {
    const why = !health.exists ? 'there is no lab cluster' : 'the lab cluster\'s API server does not answer';
    throw new LabError(`cannot trace: ${why}`, 'bring it up: `npx lab up`', 2);
  }
  const kubeConfig = loadKubeConfig(adminKubeconfigPath()); // clusterHealth just took it from kind (checkout-sync.ts)
  const running = health.containers.filter((c) => c.running);
  const controlPlane = running.find((c) => c.role === 'control-plane')?.name;
  if (!controlPlane) throw new LabError('cannot trace: the control-plane node is not running', 'bring it up: `npx lab up`', 2);
  const jsonlPath = prepareJsonlPath(opts.jsonl);
  const disable = OPTIONAL_TAPS.filter((tap) => !opts[tap]);

  const auditLog = await clusterAuditLogPath(controlPlane);
  const session = await progress.step('starting the trace taps', () =>
    startTraceSession({
      nodes: running.map((c) => c.name),
      controlPlane,
      auditLogPath: auditLog,
      kubeConfig,
      jsonlPath,
      disable,
      log: (message) => progress.info(message),
    }),
  );
  const filter = liveFilter(selection, session.timeline.startMs);
  const stopView =
    opts.level === 'story'
      ? startStoryView(session.timeline, { filter, colour: chalk.level > 0 })
      : startLiveView(session.timeline, { filter, owners: session.correlator.owners, colour: chalk.level > 0 });
  progress.info(`tracing${disable.length ? ` (taps off: ${disable.join(', ')})` : ''}; writing ${jsonlPath}; Ctrl-C to stop`);
  if (opts.level === 'story') progress.info('one numbered line per step of each Deployment request as it completes; --level full shows every entry');
  progress.info(`kubeconfig for your own kubectl: ${adminKubeconfigPath()}`);

  await untilSignal();
  stopView();
  await session.stop(); // stops the taps and flushes the JSONL file
  progress.info(`${session.timeline.entries().length} entries saved to ${jsonlPath}; next: npx lab trace export --format html`);
  process.exitCode = 0;
}

const filterOptions = (command: Command): Command =>
  command
    .option('--object <kind/name>', 'only this object and everything it owns, e.g. deployment/web')
    .option('--actor <actor>', 'only this actor, e.g. scheduler, kubelet@lab-worker, kubelet@ (every kubelet)')
    .option('--namespace <ns>', 'only this namespace (and the namespace of --object; default "default")')
    .option('--since <when>', 'only entries since a duration ago (30s, 5m) or an ISO time');

export function register(program: Command): void {
  const trace = filterOptions(
    program
      .command('trace')
      .description('watch the chain of events live (audit log, etcd, informers, scheduler, kubelet, containerd); Ctrl-C stops')
      .enablePositionalOptions(),
  )
    .option('--jsonl <file>', `also append every entry to this file (default: a fresh ${join('<state>', 'trace', 'current.jsonl')}, the last one kept as previous.jsonl)`)
    .addOption(new Option('--level <level>', 'story (one numbered line per step as it completes) or full (every entry, in columns)').default('story').argParser((v) => parseLevel(v, LIVE_LEVELS)))
    .option('--no-audit', 'without the API server audit log tap')
    .option('--no-etcd', 'without the etcd watch tap')
    .option('--no-containerd', 'without the containerd events tap')
    .option('--no-kubelet', 'without the kubelet (Pods and Events) tap')
    .addHelpText(
      'after',
      `
Examples:
  $ npx lab trace                                   # everything, until Ctrl-C
  $ npx lab trace --object deployment/web           # one Deployment, its ReplicaSets and Pods
  $ npx lab trace --level full                      # every entry as it arrives, in columns
  $ npx lab trace --actor scheduler --namespace default
  $ npx lab trace --no-etcd --jsonl /tmp/run.jsonl
  $ npx lab trace export --format html              # then open .lab/trace/report.html`,
    )
    .action((opts: LiveOptions) => traceLive(opts));

  filterOptions(
    trace
      .command('export')
      .description('write a recorded trace as JSONL, JSON, text, a Mermaid sequence diagram or a self-contained HTML page'),
  )
    .addOption(new Option('--format <format>', 'jsonl, json, mermaid, text or html').makeOptionMandatory().argParser(parseExportFormat))
    .addOption(new Option('--level <level>', 'story (numbered steps), components (one arrow per hop and object kind) or full (every entry); html always has every entry').default('full').argParser((v) => parseLevel(v)))
    .option('--input <file>', 'the JSONL trace to read (default: <state>/trace/current.jsonl)')
    .option('--out <file>', 'write here instead of stdout (html defaults to <state>/trace/report.html)')
    .addHelpText(
      'after',
      `
Examples:
  $ npx lab trace export --format mermaid --object deployment/web > web.mmd
  $ npx lab trace export --format text --level story     # the numbered steps with their real durations
  $ npx lab trace export --format mermaid --level components --namespace demo
  $ npx lab trace export --format html --out /tmp/trace.html
  $ npx lab trace export --format jsonl --actor scheduler --since 30s`,
    )
    .exitOverride()
    .action(async (opts: FilterOptions & { format: ExportFormat; level: DetailLevel; input?: string; out?: string }) => {
      const result = await buildExport({ ...opts, input: resolve(opts.input ?? currentTracePath()) });
      if (!result.out) {
        process.stdout.write(result.text.endsWith('\n') || result.text === '' ? result.text : result.text + '\n');
        return;
      }
      mkdirSync(dirname(result.out), { recursive: true });
      await writeFile(result.out, result.text, 'utf8');
      process.stderr.write(`${result.count} entries written to ${result.out}\n`);
      if (opts.format === 'html') process.stdout.write(`${result.out}\n`);
    });

  trace
    .command('schema')
    .description('print the JSON Schema of one trace entry (one line of a JSONL trace); fields explained in docs/trace-schema.md')
    .addHelpText(
      'after',
      `
Examples:
  $ npx lab trace schema > trace-schema.json
  $ npx lab trace schema | jq .properties.tap.enum`,
    )
    .exitOverride()
    .action(() => {
      process.stdout.write(traceEntryJsonSchemaText());
    });
}
