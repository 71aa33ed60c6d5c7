import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import chalk from 'chalk';
import { clusterHealth } from '../../cluster/health.js';
import { requireDocker } from '../../cluster/image/docker-images.js';
import { clusterAuditLogPath } from '../../cluster/checkout-sync.js';
import { adminKubeconfigPath } from '../../cluster/paths.js';
import { startLiveView, startStoryView, startTraceSession, traceEntryJsonSchemaText, type DetailLevel, type ExportFormat } from '../../trace/index.js';
import { buildExport, currentTracePath, prepareJsonlPath } from '../../trace/files.js';
import { liveFilter, LIVE_LEVELS, parseExportFormat, parseFilterOptions, parseLevel, type FilterOptions } from '../../trace/selection.js';
import { loadKubeConfig } from '../../../controllers/shared/kube.js';
import { LabError } from '../../base/errors.js';
import { Progress } from '../../base/progress.js';

/**
 * `lab trace`: the live chain of events of the running cluster, streamed to a JSONL file;
 * `lab trace export`: that file as JSONL, a Mermaid sequence diagram or a self-contained HTML page;
 * `lab trace schema`: the JSON Schema of one line of that file (docs/trace-schema.md explains it).
 */

type Tap = 'audit' | 'etcd' | 'containerd' | 'kubelet';
const OPTIONAL_TAPS: readonly Tap[] = ['audit', 'etcd', 'containerd', 'kubelet'];

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
