/**
 * LabScheduler (upstream's scheduler.go): builds the scheduler from its options (profile, cache,
 * queue, event handlers, the one-pod cycle) and runs it. run(signal) makes the informers (nodes and
 * pods, and those behind the plugins' listers), registers the handlers (eventhandlers.ts), waits
 * until every informer has listed (`synced`), then pops pods one at a time into ScheduleOne
 * (schedule-one.ts: scheduling cycle, background binding cycle, failure handling and status
 * patches; preemption's evictions in preemption-executor.ts) until the signal aborts.
 */
import { setImmediate } from 'node:timers/promises';
import { PolicyV1Api, type CoreV1Api, type V1Node, type V1Pod } from '@kubernetes/client-node';
import type { ComponentOptions } from '../shared/controller.js';
import { EventRecorder } from '../shared/events.js';
import type { Informer } from '../shared/informer.js';
import { consoleLogger, type Logger } from '../shared/log.js';
import { nodeInformer, podInformer } from '../shared/workload-informers.js';
import { defaultProfile, DEFAULT_SCHEDULER_NAME } from './config.js';
import { SchedulerCache } from './cache.js';
import { responsibleForPod, SchedulerEventHandlers } from './eventhandlers.js';
import type { Profile } from './framework/interfaces.js';
import { FrameworkRuntime } from './framework/runtime.js';
import { createListerInformers, type ListerAppsClient, type ListerPolicyClient } from './cluster-informers.js';
import { clusterListers, type ListerSources } from './framework/listers.js';
import { apiBinder, ScheduleOne, type PodStore } from './schedule-one.js';
import { SchedulingQueue, type PoppedPod } from './queue.js';
import { wireVolumeEvents } from './volume-events.js';

export { apiBinder, type PodStore } from './schedule-one.js';

type CoreClient = Pick<
  CoreV1Api,
  | 'listNode'
  | 'listNamespace'
  | 'listServiceForAllNamespaces'
  | 'listReplicationControllerForAllNamespaces'
  | 'listPodForAllNamespaces'
  | 'createNamespacedPodBinding'
  | 'patchNamespacedPodStatus'
  | 'deleteNamespacedPod'
  | 'createNamespacedEvent'
  | 'patchNamespacedEvent'
>;

/** The scheduler's own informers; the plugins' listers' informers are made in run(). */
export interface LabSchedulerInformers {
  nodes: Informer<V1Node>;
  pods: Informer<V1Pod>;
}

/** The shared component options (controllers/shared/CONTRACT.md) the scheduler takes, and its own. */
export interface LabSchedulerOptions extends Pick<ComponentOptions<LabSchedulerInformers>, 'kc' | 'informers' | 'recorder' | 'decisions' | 'log'> {
  /** `apps` feeds the ReplicaSet and StatefulSet listers (PodTopologySpread's default constraints); without it they read empty. */
  clients: { core: CoreClient; apps?: ListerAppsClient; policy?: ListerPolicyClient };
  /** Defaults to defaultProfile() binding through the API. */
  profile?: Profile;
  backoff?: { initialMs?: number; maxMs?: number };
  clock?: () => number;
  /**
   * Called with the node and pod informers run() makes (or was given), before they start: the
   * lab's trace taps them (their watch events and watch restarts) as it does the controllers' informers.
   */
  onInformers?: (informers: LabSchedulerInformers) => void;
}

export class LabScheduler {
  readonly profile: Profile;
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  /** The informer handlers: pod and node events into the cache and the queue. */
  readonly handlers: SchedulerEventHandlers;
  private readonly runtime: FrameworkRuntime;
  private readonly log: Logger;
  private readonly core: CoreClient;
  /** One pod's scheduling and binding cycles, and the background work they leave. */
  private readonly cycles: ScheduleOne;
  /** Filled by run() with the informers' stores; the runtime's listers read them at each call. */
  private readonly listerSources: ListerSources = {};
  private markSynced!: () => void;
  /** Resolves once run()'s informers have listed everything (the scheduler then schedules), as the controllers' `synced`. */
  readonly synced = new Promise<void>((resolve) => (this.markSynced = resolve));

  constructor(private readonly opts: LabSchedulerOptions) {
    this.core = opts.clients.core;
    this.profile = opts.profile ?? defaultProfile({ binder: apiBinder(this.core) }, DEFAULT_SCHEDULER_NAME);
    // Like kube-scheduler, events are reported under the scheduler's own name.
    const recorder = opts.recorder ?? new EventRecorder(this.core, this.profile.schedulerName);
    this.log = opts.log ?? consoleLogger(this.profile.schedulerName);
    const decisions = opts.decisions ?? (() => {});
    this.runtime = new FrameworkRuntime(this.profile, { onWarning: (m) => this.log.warn(m), listers: clusterListers(this.listerSources) });
    this.cache = new SchedulerCache({ clock: opts.clock });
    this.queue = new SchedulingQueue({
      less: (a, b) => this.runtime.less(a, b),
      clock: opts.clock,
      initialBackoffMs: opts.backoff?.initialMs,
      maxBackoffMs: opts.backoff?.maxMs,
    });
    const schedulerName = this.profile.schedulerName;
    this.handlers = new SchedulerEventHandlers({ schedulerName, cache: this.cache, queue: this.queue, preEnqueue: (pod) => this.runtime.runPreEnqueue(pod), log: this.log });
    this.cycles = new ScheduleOne({
      schedulerName,
      runtime: this.runtime,
      cache: this.cache,
      queue: this.queue,
      core: this.core,
      recorder,
      decisions,
      log: this.log,
      responsibleFor: (pod) => this.responsibleFor(pod),
    });
  }

  /** Ours to schedule: our schedulerName, no node yet, not finished, not being deleted. */
  responsibleFor(pod: V1Pod): boolean {
    return responsibleForPod(pod, this.profile.schedulerName);
  }

  async run(signal: AbortSignal): Promise<void> {
    const { nodes, pods } = this.opts.informers ?? {
      nodes: nodeInformer(this.opts.kc, this.core, this.log),
      pods: podInformer(this.opts.kc, this.core, this.log),
    };
    this.handlers.addAllEventHandlers({ nodes, pods });
    this.opts.onInformers?.({ nodes, pods });
    const apps = this.opts.clients.apps;
    // The lab's Clients have no policy client: one on the same kubeconfig (and User-Agent) serves the PDB informer.
    const policy = this.opts.clients.policy ?? this.opts.kc.makeApiClient(PolicyV1Api);
    const listed = apps ? createListerInformers(this.opts.kc, this.core, apps, policy, this.log) : undefined;
    if (listed) Object.assign(this.listerSources, listed.sources);
    if (listed) wireVolumeEvents(listed.volumes, this.queue);

    const stop = () => {
      this.queue.close();
      nodes.stop();
      pods.stop();
      for (const informer of listed?.all ?? []) informer.stop();
    };
    signal.addEventListener('abort', stop, { once: true });
    const ticker = setInterval(() => {
      this.queue.flush();
      for (const key of this.cache.cleanupExpired()) this.log.warn('assumed pod expired without confirmation', { pod: key });
    }, 1000);
    try {
      // Settles on stop too (an informer that can never list must not hold a stopping lab).
      await Promise.all([nodes.start(), pods.start(), ...(listed?.all ?? []).map((i) => i.start())]);
      if (signal.aborted) return;
      this.markSynced();
      this.log.info('caches synced; scheduling', { schedulerName: this.profile.schedulerName });
      await this.scheduleUntilStopped(signal, pods);
    } finally {
      clearInterval(ticker);
      signal.removeEventListener('abort', stop);
      stop();
    }
  }

  /**
   * The scheduling loop: pop a pod, run its scheduling cycle, start its binding cycle in the
   * background, pop the next. Ends when `signal` aborts; resolves only once every binding cycle
   * and API write still in flight has finished.
   */
  async scheduleUntilStopped(signal: AbortSignal, pods: PodStore): Promise<void> {
    const close = () => this.queue.close();
    signal.addEventListener('abort', close, { once: true });
    try {
      while (!signal.aborted) {
        const popped = await this.queue.pop();
        if (!popped) break;
        await this.scheduleOne(popped, pods);
        // A turn of the event loop between cycles. A cycle awaits no I/O and pop() resolves at once
        // while pods wait, so without it the loop would schedule the whole queue before a single
        // binding went out (their rate limiter waits on a timer) or a watch event was read; the
        // API server then closes the unread watch. kube-scheduler's binding cycles are goroutines
        // that run beside its loop.
        await setImmediate();
      }
    } finally {
      signal.removeEventListener('abort', close);
      await this.waitForInFlight();
    }
  }

  /** One popped pod's scheduling cycle (upstream's ScheduleOne); its binding cycle is started, not awaited. */
  scheduleOne(popped: PoppedPod, pods: PodStore): Promise<void> {
    return this.cycles.scheduleOne(popped, pods);
  }

  /** Resolves once the binding cycles and API writes started so far (and any they start) have finished. */
  waitForInFlight(): Promise<void> {
    return this.cycles.waitForInFlight();
  }

  /** How much background work is running, for tests and logs. */
  inFlight(): { bindings: number; writes: number } {
    return this.cycles.inFlight();
  }
}
