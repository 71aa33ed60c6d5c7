/**
 * The trace's one record type. Every tap (informers, controller decisions, controller writes, the
 * API server audit log, etcd, kubelet, containerd) turns what it saw into a TraceEntry so that one
 * timeline can tell the whole causal story of a lab session.
 *
 * Versioning: every entry carries `schemaVersion`. Readers reject versions they do not know instead
 * of guessing; bump it whenever a field changes meaning or a required field is added.
 */
import { z } from 'zod';

export const TRACE_SCHEMA_VERSION = 1 as const;

/** Where an entry was observed. */
export const TAPS = ['informer', 'decision', 'write', 'audit', 'etcd', 'kubelet', 'containerd'] as const;
export type Tap = (typeof TAPS)[number];

/** The lab's own components (TypeScript replicas). */
export const LAB_COMPONENTS = ['deployment-controller', 'replicaset-controller', 'scheduler'] as const;
export type LabComponent = (typeof LAB_COMPONENTS)[number];

/** Kubernetes' own components, named as the audit log reveals them, when they act instead of the lab's. */
export const BUILTIN_ACTORS = [
  'kube-controller-manager/deployment-controller',
  'kube-controller-manager/replicaset-controller',
  'default-scheduler',
] as const;

export const FIXED_ACTORS = ['kubectl', 'user', 'api-server', 'etcd', ...LAB_COMPONENTS, ...BUILTIN_ACTORS] as const;
export type FixedActor = (typeof FIXED_ACTORS)[number];

/**
 * Who did (or saw) the thing. Node agents are qualified by their node name; kube-controller-manager's
 * other controllers (garbage collector, service-account controller, ...) by their service account.
 */
export type Actor = FixedActor | `kubelet@${string}` | `containerd@${string}` | `kube-controller-manager/${string}`;

/** The Kubernetes object (or etcd key / container) an entry is about. */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

export interface TraceEntry {
  schemaVersion: typeof TRACE_SCHEMA_VERSION;
  /** Monotonic within a session, in order of arrival at the timeline (not necessarily of occurrence). */
  id: number;
  /** Milliseconds since session start at which the thing happened (the source's own timestamp when it has one). */
  tMs: number;
  /** ISO-8601 wall-clock time of the same instant. */
  wallTime: string;
  tap: Tap;
  actor: Actor;
  /** What happened: a watch event type (ADDED...), an API verb (create, bind...), an etcd op (PUT/DELETE), an event reason... */
  verb: string;
  object: ObjectRef;
  /** The object's resourceVersion after the change; for etcd entries, the key's mod_revision (the same number). */
  resourceVersion?: string;
  /** Tap-specific facts (diff, reason, latency breakdown...). Always redacted before it is stored. */
  details: Record<string, unknown>;
  /** id of the entry that caused this one, when the correlator knows it. */
  causeId?: number;
  /** How long the step took (request latency, API server processing time...). */
  latencyMs?: number;
}

/** What a tap hands to the timeline; the timeline assigns id, tMs and wallTime. */
export type TraceInput = Omit<TraceEntry, 'schemaVersion' | 'id' | 'tMs' | 'wallTime'> & {
  /** When it really happened, if the source says; otherwise the time of arrival is used. */
  at?: Date;
};

const nodeQualifiedActor = z.string().regex(/^(kubelet|containerd)@[A-Za-z0-9][A-Za-z0-9.\-]*$/, {
  message: 'expected kubelet@NODE or containerd@NODE',
});

const controllerManagerActor = z.string().regex(/^kube-controller-manager\/[a-z0-9][a-z0-9-]*$/, {
  message: 'must be kube-controller-manager/<controller>',
});
export const actorSchema = z
  .union([z.enum(FIXED_ACTORS), nodeQualifiedActor, controllerManagerActor])
  .describe('Who did (or saw) the thing: a fixed name, kubelet@NODE, containerd@NODE or kube-controller-manager/<controller>.') as z.ZodType<Actor>;

export const objectRefSchema = z
  .object({
    kind: z.string().min(1).describe('Kind as the trace spells it whichever tap saw it (Pod, ReplicaSet...; Container, Image for containerd).'),
    namespace: z.string().optional().describe('Absent for cluster-scoped objects.'),
    name: z.string().describe('Empty, or a generateName prefix (web-7d9f-), when the source did not know the final name.'),
    uid: z.string().optional(),
  })
  .describe('The Kubernetes object (or etcd key, container, image) the entry is about.');

/** A version this reader does not know is named as such, not as a generic bad value. */
function schemaVersionMessage(input: unknown): string {
  if (input === undefined) return `missing: every trace entry carries schemaVersion ${TRACE_SCHEMA_VERSION}`;
  return `trace schema version ${JSON.stringify(input)} is not supported: this lab reads version ${TRACE_SCHEMA_VERSION} only (docs/trace-schema.md)`;
}

export const traceEntrySchema = z
  .object({
    schemaVersion: z
      .literal(TRACE_SCHEMA_VERSION, { error: (issue) => schemaVersionMessage(issue.input) })
      .describe('Bumped on every incompatible change; readers reject versions they do not know.'),
    id: z.number().int().nonnegative().describe('Monotonic within a session, in order of arrival at the timeline.'),
    tMs: z.number().nonnegative().describe('Milliseconds since session start at which the thing happened (0 for anything earlier).'),
    wallTime: z.iso.datetime({ offset: true }).describe('ISO-8601 wall-clock time of the same instant.'),
    tap: z.enum(TAPS).describe('Where the entry was observed.'),
    actor: actorSchema,
    verb: z.string().min(1).describe('What happened: watch event type, API verb, decision, etcd op, event reason or containerd topic, by tap.'),
    object: objectRefSchema,
    resourceVersion: z.string().optional().describe("The object's resourceVersion after the change; for etcd entries the key's mod_revision (the same number)."),
    details: z.record(z.string(), z.unknown()).describe('Tap-specific facts (diff, reason, user agent...), redacted before storage.'),
    causeId: z.number().int().nonnegative().optional().describe('id of the entry that caused this one, when the correlator knows it.'),
    latencyMs: z.number().nonnegative().optional().describe('How long the step took (client-side request latency, API server processing time).'),
  })
  .meta({
    title: `k8s-flow-lab trace entry, schemaVersion ${TRACE_SCHEMA_VERSION}`,
    description: 'One line of a k8s-flow-lab JSON Lines trace. Documented in docs/trace-schema.md.',
  });

/** Canonical key for an object, e.g. 'Pod/default/web-abc' or 'Node//kind-worker'. */
export function objectKeyOf(ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** The node name of a node-qualified actor, or undefined. */
export function nodeOfActor(actor: Actor): string | undefined {
  const at = actor.indexOf('@');
  return at >= 0 ? actor.slice(at + 1) : undefined;
}
