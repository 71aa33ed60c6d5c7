/**
 * writeTap: each API write of the lab's components, as its client saw it (verb, resulting object,
 * resourceVersion, latency). The controllers' I/O layer calls `recorderFor(component)`'s function
 * once per write.
 */
import type { Actor, TraceInput } from '../schema.js';
import type { Timeline } from '../timeline.js';
import { actorOfComponent } from './decision.js';
import { controllerOwnerOf, refOf } from './object-ref.js';
import type { LooseObject } from './types.js';

export type WriteRecorder = (verb: string, object: LooseObject, resourceVersion: string | undefined, latencyMs: number) => void;

/**
 * Pure: one write → a timeline input. `now` is when the response arrived; the entry is placed at
 * the request's start (now - latency), which is when the write began in the causal story.
 */
export function writeEntry(actor: Actor, verb: string, object: LooseObject, resourceVersion: string | undefined, latencyMs: number, now: Date): TraceInput {
  const details: Record<string, unknown> = {};
  let ref = refOf(object);
  let writeVerb = verb;
  if (object.kind === 'Binding') {
    // A binding is about its pod: metadata names the pod, target the node.
    const target = object.target as { name?: string } | undefined;
    ref = { kind: 'Pod', name: object.metadata?.name ?? '', ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}) };
    writeVerb = 'bind';
    details.subresource = 'binding';
    if (target?.name) details.node = target.name;
  }
  const owner = controllerOwnerOf(object);
  if (owner) details.owner = owner;
  const input: TraceInput = {
    tap: 'write',
    actor,
    verb: writeVerb,
    object: ref,
    details,
    latencyMs: Math.max(0, latencyMs),
    at: new Date(now.getTime() - Math.max(0, latencyMs)),
  };
  if (resourceVersion) input.resourceVersion = resourceVersion;
  return input;
}

export class WriteTap {
  readonly name = 'write';
  private running = true;

  constructor(
    private readonly timeline: Timeline,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The function a component's I/O layer calls after each write. Never throws. */
  recorderFor(component: string): WriteRecorder {
    const actor = actorOfComponent(component);
    return (verb, object, resourceVersion, latencyMs) => {
      if (!this.running) return;
      try {
        this.timeline.append(writeEntry(actor, verb, object, resourceVersion, latencyMs, this.now()));
      } catch {
        // The trace must never break a controller.
      }
    };
  }

  async start(): Promise<void> {
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
  }
}
