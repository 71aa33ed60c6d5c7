/**
 * The lab's Deployment and ReplicaSet controllers as `lab run` and `lab bench` start them: built
 * on the clients given, with a trace (if any) recording their API writes, their decisions and what
 * their informers see.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { TraceSession } from '../trace/session.js';
import type { LooseObject, WatchEventSource } from '../trace/taps/types.js';
import { DeploymentController } from '../../controllers/deployment/controller.js';
import { ReplicaSetController } from '../../controllers/replicaset/controller.js';
import type { Controller } from '../../controllers/shared/controller.js';
import type { DecisionSink } from '../../controllers/shared/decisions.js';
import type { Informer } from '../../controllers/shared/informer.js';
import type { SharedInformers } from '../../controllers/shared/shared-informers.js';
import { deploymentInformer, podInformer, replicaSetInformer } from '../../controllers/shared/workload-informers.js';
import type { Clients } from '../../controllers/shared/kube.js';
import type { Logger } from '../../controllers/shared/log.js';
import { TRACE_ACTOR, type Component } from './components.js';
import { recordingClient } from './record-writes.js';

/** The clients with every write the component makes recorded in the trace (the clients unchanged without one). */
export function withWritesTraced(clients: Clients, component: Component, trace: TraceSession | undefined): Clients {
  if (!trace) return clients;
  const record = trace.recordWrites(TRACE_ACTOR[component]);
  return { ...clients, core: recordingClient(clients.core, record), apps: recordingClient(clients.apps, record) };
}

export interface LabControllerOptions {
  kc: KubeConfig;
  /** Writes already traced (withWritesTraced) where wanted. */
  clients: Clients;
  log: Logger;
  trace?: TraceSession;
  /** Default: the trace's decision sink. */
  decisions?: DecisionSink;
  /** The process's shared informers (one pod cache for all its components); else the controller makes its own. */
  shared?: SharedInformers;
}

/** Views on the process's shared informers, made (when the first view starts) with this component's client. */
export function sharedWorkloadInformers(shared: SharedInformers, clients: Clients, kc: KubeConfig, log: Logger) {
  const watchWith = clients.kubeConfig ?? kc;
  return {
    deployments: shared.view('deployments', () => deploymentInformer(watchWith, clients.apps, log), log),
    replicaSets: shared.view('replicasets', () => replicaSetInformer(watchWith, clients.apps, log), log),
    pods: shared.view('pods', () => podInformer(watchWith, clients.core, log), log),
  };
}

/** One of the two controllers, its informers tapped by the trace; run it with controller.run(signal). */
export function labController(component: 'deployment' | 'replicaset', opts: LabControllerOptions): Controller {
  const informers = opts.shared ? sharedWorkloadInformers(opts.shared, opts.clients, opts.kc, opts.log) : undefined;
  const options = { kc: opts.kc, clients: opts.clients, log: opts.log, decisions: opts.decisions ?? opts.trace?.decisionSink };
  const tap = (informer: Informer<any>, kind: string) =>
    opts.trace?.informers.watch(TRACE_ACTOR[component], informer as unknown as WatchEventSource<LooseObject>, kind);
  if (component === 'deployment') {
    const controller = new DeploymentController({ ...options, informers });
    tap(controller.deployments, 'Deployment');
    tap(controller.replicaSets, 'ReplicaSet');
    tap(controller.pods, 'Pod');
    return controller;
  }
  const controller = new ReplicaSetController({ ...options, informers: informers && { replicaSets: informers.replicaSets, pods: informers.pods } });
  tap(controller.replicaSets, 'ReplicaSet');
  tap(controller.pods, 'Pod');
  return controller;
}
