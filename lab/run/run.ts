/**
 * `lab run`: the lab's Deployment controller, ReplicaSet controller and scheduler in one process,
 * each under its own ServiceAccount identity and User-Agent, until SIGINT/SIGTERM.
 */
import { hostname } from 'node:os';
import { EventRecorder, type EventsClient } from '../../controllers/shared/events.js';
import chalk from 'chalk';
import { BadInputError } from '../base/errors.js';
import { clusterAuditLogPath } from '../cluster/checkout-sync.js';
import { adminKubeconfigPath, stateDir } from '../cluster/paths.js';
import { readBuiltinControllers } from '../cluster/builtin-controllers.js';
import { putRightAfterCrashes } from '../cluster/undo-journal.js';
import { Progress } from '../base/progress.js';
import { ensureClusterReachable } from '../cluster/kind.js';
import { controlPlaneContainer, listNodeContainers } from '../cluster/nodes.js';
import { startTraceSession, type TraceSession } from '../trace/session.js';
import type { LooseObject, WatchEventSource } from '../trace/taps/types.js';
import { apiBinder, LabScheduler } from '../../controllers/scheduler/scheduler.js';
import { loadSchedulerConfig, parseSchedulerConfig, SchedulerConfigError, type SchedulerConfig } from '../../controllers/scheduler/config.js';
import { noopDecisionSink, type DecisionSink } from '../../controllers/shared/decisions.js';
import { clientsFor, loadKubeConfig, type Clients } from '../../controllers/shared/kube.js';
import { consoleLogger } from '../../controllers/shared/log.js';
import { IDENTITIES, TRACE_ACTOR, type Component } from './components.js';
import { labController } from './lab-controllers.js';
import { SharedInformers } from '../../controllers/shared/shared-informers.js';
import { nodeInformer, podInformer } from '../../controllers/shared/workload-informers.js';
import { ensureIdentities } from './identities.js';
import { loadSchedulerFile, type LoadedScheduler } from './plugin-loader.js';
import { parentToWatch, stopWhenParentExits } from './parent-watch.js';
import { checkBuiltinControllers, checkSchedulerName } from './preflight.js';
import { buildSchedulerProfile } from './scheduler-profile.js';
import { fencedClient, leaseNameFor, runElected } from './leadership.js';
import { announcePresence, pruneGoneProcesses, readLabActivity, type Presence } from './presence.js';
import { refuseIfAlive } from './another-lab.js';
import { newIdentity } from '../../controllers/shared/leader-election.js';
import type { ClientLimits } from '../base/token-bucket.js';
import { componentClients } from './component-clients.js';

export interface RunLabOptions {
  only: Component[];
  /** spec.schedulerName the scheduler serves (overrides the config file's). */
  schedulerName?: string;
  schedulerConfigPath?: string;
  /** A learner's TypeScript file exporting `plugins` or `profile`. */
  schedulerPlugin?: string;
  force: boolean;
  /**
   * Client-side rate limit per component (--kube-api-qps/--kube-api-burst), as client-go puts one
   * in front of each of kube-controller-manager's and kube-scheduler's clients; none when unset.
   */
  clientLimits?: ClientLimits;
  /** Stream a trace of the run to this JSONL file. */
  trace?: string;
  /** Stop early (tests, `lab demo`); SIGINT/SIGTERM also stop the run. */
  signal?: AbortSignal;
  /**
   * What to do when another lab process is alive against the cluster: `lab run` waits as a
   * standby (the default); demo, compare and bench refuse, since their scenario needs the writer.
   */
  whenAnotherLabRuns?: 'standby' | 'refuse';
  /** How this process was started, shown by `lab status` (default "lab run"). */
  command?: string;
  /** Called when a component leads and its informers have synced (it then acts on the cluster); again after each new term. */
  onReady?: (component: Component) => void;
}

/** Read and validate the scheduler's configuration (bad input before any cluster work). */
export async function schedulerConfigFor(path: string | undefined, schedulerName: string | undefined): Promise<SchedulerConfig> {
  try {
    const config = path ? await loadSchedulerConfig(path) : parseSchedulerConfig({});
    return schedulerName ? parseSchedulerConfig({ ...config, schedulerName }, '--scheduler-name') : config;
  } catch (err) {
    if (err instanceof SchedulerConfigError) throw new BadInputError(err.message, 'fix the fields listed above');
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BadInputError(`scheduler config ${path} does not exist`, 'check the path given to --scheduler-config');
    throw err;
  }
}

interface Prepared {
  schedulerConfig?: SchedulerConfig;
  loaded?: LoadedScheduler;
}

/** Everything that only depends on the user's input, checked first so mistakes cost nothing. */
async function prepare(opts: RunLabOptions): Promise<Prepared> {
  const wantsScheduler = opts.only.includes('scheduler');
  if (!wantsScheduler && (opts.schedulerPlugin || opts.schedulerConfigPath || opts.schedulerName)) {
    throw new BadInputError('--scheduler, --scheduler-config and --scheduler-name need the scheduler', 'add scheduler to --only (or leave --only out to run everything)');
  }
  if (!wantsScheduler) return {};
  const schedulerConfig = await schedulerConfigFor(opts.schedulerConfigPath, opts.schedulerName);
  const loaded = opts.schedulerPlugin ? await loadSchedulerFile(opts.schedulerPlugin) : undefined;
  return { schedulerConfig, loaded };
}

/**
 * Prints "<component> ready" once, when `synced` resolves (unless the run was stopped first), and
 * tells the caller: `lab compare`, `lab demo` and `lab bench` wait for that before they start.
 */
function announceReady(component: Component, synced: Promise<unknown>, signal: AbortSignal, onReady: RunLabOptions['onReady'], detail = ''): void {
  synced.then(
    () => {
      if (signal.aborted) return;
      process.stderr.write(`${chalk.green('✓')} ${TRACE_ACTOR[component]} ready: informers synced${detail}\n`);
      onReady?.(component);
    },
    () => {},
  );
}


/** The scheduler's decisions carry its schedulerName; the trace knows it as "scheduler". */
function asSchedulerDecisions(sink: DecisionSink): DecisionSink {
  return (d) => sink({ ...d, component: 'scheduler', details: { ...d.details, schedulerName: d.component } });
}

interface ComponentRun {
  component: Component;
  clients: Clients;
  /** Where its Events go (componentClients). */
  events: EventsClient;
  trace: TraceSession | undefined;
  decisions: DecisionSink;
  /** Aborts when the component's term as leader ends (or the lab stops). */
  signal: AbortSignal;
  onReady: RunLabOptions['onReady'];
  prepared: Prepared;
  /** One pod cache (and ReplicaSet, Deployment caches) for all the process's components, as kube-controller-manager shares its informers. */
  shared: SharedInformers;
}

/** One term of one component: built afresh (informers, queues, cache) and run until its signal aborts. */
async function runComponent(run: ComponentRun): Promise<void> {
  const { component, clients, trace, decisions, signal } = run;
  const kc = clients.kubeConfig;
  const log = consoleLogger(TRACE_ACTOR[component]);
  if (component === 'deployment' || component === 'replicaset') {
    const controller = labController(component, { kc, clients, decisions, log, trace, shared: run.shared });
    announceReady(component, controller.synced, signal, run.onReady);
    return controller.run(signal);
  }
  const config = run.prepared.schedulerConfig!;
  const profile = await buildSchedulerProfile({
    config,
    binder: apiBinder(clients.core),
    loaded: run.prepared.loaded,
    log: (line) => process.stderr.write(chalk.dim(`· ${line}\n`)),
  });
  const detail = `; serving spec.schedulerName=${profile.schedulerName}${run.prepared.loaded ? ` with ${run.prepared.loaded.file}` : ''}`;
  const scheduler = new LabScheduler({
    kc,
    clients,
    profile,
    recorder: new EventRecorder(run.events, profile.schedulerName),
    decisions: asSchedulerDecisions(decisions),
    backoff: config.backoff,
    log,
    informers: { nodes: nodeInformer(kc, clients.core, log), pods: run.shared.view('pods', () => podInformer(kc, clients.core, log), log) },
    // run() hands them to onInformers before starting them: the trace taps them there (watch events, and watch restarts with their reason).
    onInformers: ({ nodes, pods }) => {
      trace?.informers.watch('scheduler', nodes as unknown as WatchEventSource<LooseObject>, 'Node');
      trace?.informers.watch('scheduler', pods as unknown as WatchEventSource<LooseObject>, 'Pod');
    },
  });
  announceReady(component, scheduler.synced, signal, run.onReady, detail);
  return scheduler.run(signal);
}

/** Refuses (if asked to) while another lab process is alive, clears records of dead ones, then announces this one. */
async function startPresence(client: Clients['coordination'], identity: string, opts: RunLabOptions, schedulerName: string | undefined): Promise<Presence> {
  const { processes } = await readLabActivity(client);
  if (opts.whenAnotherLabRuns === 'refuse') refuseIfAlive(processes);
  const removed = await pruneGoneProcesses(client, processes);
  if (removed > 0) process.stderr.write(chalk.dim(`· removed ${removed} record${removed > 1 ? 's' : ''} of lab processes that are gone\n`));
  return announcePresence(
    client,
    { identity, pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), components: opts.only.map((c) => TRACE_ACTOR[c]), command: opts.command ?? 'lab run', ...(schedulerName ? { schedulerName } : {}) },
    (message) => process.stderr.write(`${chalk.yellow(message)}\n`),
  );
}

/** "pid 4242 on laptop, lab run" for a holder identity, from its presence record. */
async function describeProcess(client: Clients['coordination'], identity: string): Promise<string | undefined> {
  const { processes } = await readLabActivity(client);
  const p = processes.find((candidate) => candidate.identity === identity);
  return p ? `pid ${p.pid} on ${p.host}, ${p.command}${p.alive ? '' : ', gone'}` : undefined;
}

export async function runLab(opts: RunLabOptions): Promise<void> {
  const prepared = await prepare(opts);
  const schedulerName = prepared.schedulerConfig?.schedulerName;
  const warnings: string[] = [];
  if (schedulerName) {
    const warning = checkSchedulerName(schedulerName, opts.force);
    if (warning) warnings.push(warning);
  }

  const adminKc = await ensureClusterReachable();
  if (opts.only.includes('deployment') || opts.only.includes('replicaset')) {
    // A bench or compare killed mid-run may have left the built-ins switched: put that right before
    // judging them. Only `lab run` itself: the commands that start a lab in their own process did so
    // at their start, and putting a record right now would switch the built-ins under them.
    if ((opts.command ?? 'lab run') === 'lab run') await putRightAfterCrashes(new Progress());
    const warning = checkBuiltinControllers(opts.only, await readBuiltinControllers(), opts.force);
    if (warning) warnings.push(warning);
  }
  for (const warning of warnings) process.stderr.write(`${chalk.yellow(warning)}\n`);

  const admin = clientsFor(adminKc, 'k8s-flow-lab/identities');
  const identityPaths = await ensureIdentities({
    adminKc,
    core: admin.core,
    stateDir: stateDir(),
    components: opts.only,
    log: (line) => process.stderr.write(chalk.dim(`· ${line}\n`)),
  });

  const identity = newIdentity();
  const presence = await startPresence(admin.coordination, identity, opts, schedulerName);

  let trace: TraceSession | undefined;
  if (opts.trace) {
    const nodes = await listNodeContainers();
    const controlPlane = await controlPlaneContainer();
    trace = await startTraceSession({
      nodes: nodes.map((n) => n.name),
      controlPlane,
      auditLogPath: await clusterAuditLogPath(controlPlane),
      kubeConfig: loadKubeConfig(adminKubeconfigPath()),
      jsonlPath: opts.trace,
      log: (line) => process.stderr.write(chalk.dim(`${line}\n`)),
    });
    process.stderr.write(chalk.dim(`· tracing to ${opts.trace}\n`));
  }
  const decisions = trace?.decisionSink ?? noopDecisionSink;

  const abort = new AbortController();
  let signals = 0;
  const onSignal = (name: string) => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`${name} again: exiting without waiting\n`);
      process.exit(130);
    }
    process.stderr.write(`${name}: stopping (in-flight syncs finish first; press Ctrl-C again to exit now)\n`);
    abort.abort();
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const parent = parentToWatch(process.env);
  const unwatchParent = parent === undefined ? () => {} : stopWhenParentExits(parent, () => onSignal(`the command that started it (pid ${parent}) is gone`));
  opts.signal?.addEventListener('abort', () => abort.abort(), { once: true });
  const signal = abort.signal;

  const runs: Promise<void>[] = [];
  const shared = new SharedInformers();
  for (const component of opts.only) {
    const { clients, events } = componentClients(loadKubeConfig(identityPaths[component]), component, trace, opts.clientLimits);
    const lease = leaseNameFor(component, schedulerName);
    runs.push(
      runElected({
        actor: TRACE_ACTOR[component],
        lease,
        identity,
        coordination: clients.coordination, // lease renewals are not traced as writes: the decisions say what matters
        decisions,
        say: (line, level) => process.stderr.write(level === 'warn' ? `${chalk.yellow(line)}\n` : chalk.dim(`· ${line}\n`)),
        describeHolder: (holder) => describeProcess(admin.coordination, holder),
        signal,
        lead: (leading, isLeading) => {
          const fenced: Clients = { ...clients, core: fencedClient(clients.core, isLeading, lease), apps: fencedClient(clients.apps, isLeading, lease) };
          const fencedEvents = events === clients.core ? fenced.core : fencedClient(events, isLeading, lease);
          return runComponent({ component, clients: fenced, events: fencedEvents, trace, decisions, signal: leading, onReady: opts.onReady, prepared, shared });
        },
      }),
    );
  }

  const results = await Promise.allSettled(runs);
  await presence.stop();
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onTerm);
  unwatchParent();
  await trace?.stop();
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) throw failed[0]!.reason;
  process.stderr.write(`${chalk.green('✓')} stopped${opts.trace ? `; trace written to ${opts.trace}` : ''}\n`);
}
