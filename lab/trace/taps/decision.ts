/**
 * decisionTap: the controllers' and scheduler's decisions (controllers/shared/decisions.ts), each an
 * entry whose details say why.
 */
import { LAB_COMPONENTS, type Actor, type TraceInput } from '../schema.js';
import type { Timeline } from '../timeline.js';

import type { Decision, DecisionSink } from '../../../controllers/shared/decisions.js';

export type { Decision, DecisionSink };

export function actorOfComponent(component: string): Actor {
  if ((LAB_COMPONENTS as readonly string[]).includes(component)) return component as Actor;
  // Components may prefix their name (e.g. 'k8s-flow-lab/scheduler').
  const known = LAB_COMPONENTS.find((c) => component.endsWith(`/${c}`));
  return known ?? 'user';
}

/** Pure: a decision → a timeline input. */
export function decisionEntry(d: Decision): TraceInput {
  const details: Record<string, unknown> = { reason: d.reason, ...(d.details ?? {}) };
  const actor = actorOfComponent(d.component);
  if (actor === 'user') details.component = d.component;
  return { tap: 'decision', actor, verb: d.verb, object: { ...d.object }, details };
}

export class DecisionTap {
  readonly name = 'decision';
  private running = true;
  /** Hand this to the controllers as their DecisionSink. Never throws. */
  readonly sink: DecisionSink = (d) => {
    if (!this.running) return;
    try {
      this.timeline.append(decisionEntry(d));
    } catch {
      // The trace must never break a controller.
    }
  };

  constructor(private readonly timeline: Timeline) {}

  async start(): Promise<void> {
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
  }
}
