/**
 * What the engine needs from the outside world, as interfaces: the real implementations
 * (kube-cluster.ts, trace-source.ts, actions.ts) use kubectl, the trace file and the nodes; tests
 * use fakes.
 */
import type { TraceEntry } from '../trace/schema.js';
import type { Action } from './action-schema.js';
import type { KubeObject, SnapshotKind } from './snapshot.js';

export interface ClusterPort {
  /** Creates the namespace if missing, labelled with the exercise id. */
  ensureNamespace(namespace: string, exerciseId: string): Promise<void>;
  /** Deletes the namespace and waits until it is gone (no error if it does not exist). */
  deleteNamespace(namespace: string): Promise<void>;
  /** The namespace's Deployments, ReplicaSets, Pods and Events, and every Node. */
  objects(namespace: string): Promise<Record<SnapshotKind, KubeObject[]>>;
  /** Whether kube-controller-manager runs its deployment and replicaset controllers; undefined if unknown. */
  builtinControllersEnabled(): Promise<boolean | undefined>;
}

export interface TraceSource {
  /** Entries whose wall time is at or after `since`; undefined when there is no session trace. */
  entriesSince(since: Date): Promise<TraceEntry[] | undefined>;
}

export interface ActionOutcome {
  /** The command line the action stands for. */
  command: string;
  ok: boolean;
  /** What the command printed (trimmed), or why it failed. */
  output: string;
  /** It failed because of what was asked (e.g. kill the leader when no lab leads): exit code 2. */
  badInput?: boolean;
}

export interface ActionRunner {
  run(action: Action, namespace: string): Promise<ActionOutcome>;
}
