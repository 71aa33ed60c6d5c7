/** What every tap shares: options from the cluster layer and a start/stop lifecycle. */
import type { Timeline } from '../timeline.js';

export interface TapOptions {
  /** Docker container names of the kind nodes (control plane included). */
  nodes: string[];
  /** Docker container name of the control-plane node. */
  controlPlane: string;
  /** Host path of the API server's audit log (the cluster layer mounts the audit directory). */
  auditLogPath: string;
  timeline: Timeline;
  /** Where taps report their own trouble (a child that died, an unreadable line). */
  log?: (msg: string) => void;
}

export interface TraceTap {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The part of an informer the trace needs (see controllers/shared/CONTRACT.md, Informer.onEvent). */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface WatchEventSource<T> {
  readonly name?: string;
  onEvent(handler: (type: WatchEventType, obj: T, oldObj: T | undefined) => void): void;
  /** Why each watch ended (controllers/shared/informer.ts WatchRestart); optional for sources that cannot say. */
  onWatchRestart?(handler: (restart: { reason: string; detail: string; quietMs: number; relist: boolean; stalled?: boolean }) => void): void;
}

/** A Kubernetes object as the taps read it; every field may be missing. */
export interface LooseObject {
  kind?: string;
  apiVersion?: string;
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    ownerReferences?: Array<{ kind?: string; name?: string; uid?: string; controller?: boolean }>;
  };
  [field: string]: unknown;
}
