/**
 * The story level of a trace: the numbered steps of the chain of events behind a pod (as in the
 * classic "kubectl → API server → etcd → controllers → scheduler → kubelet → containerd" lists),
 * told from what the trace really holds. Each step points at the entries behind it; a step the
 * chain needs but the trace does not show is `missing`, never invented.
 */
import type { Actor } from '../schema.js';

/**
 * `simulated`: a step that cannot leave entries by design — the sandbox and containers of pods on
 * simulated nodes (kwok's: no kubelet, no containerd) — told as such instead of as missing.
 */
export type StepState = 'done' | 'missing' | 'out-of-order' | 'simulated';

/** What a chapter of the story was about, read from what the request caused (not from its verb alone). */
export type Scenario = 'create' | 'scale-up' | 'scale-down' | 'rolling-update' | 'delete' | 'update';

/** A lane of the story diagram: a component, whichever instance of it acted (every kubelet is 'kubelet'). */
export type Lane = 'kubectl' | 'api-server' | 'etcd' | 'kubelet' | 'containerd' | Actor;

export interface StoryStep {
  /** 1-based within its chapter. */
  number: number;
  /** The lab's own words for what happened, with the real names and counts. */
  title: string;
  /** Who acted: the lab's components or the built-in ones, as the trace names them. */
  actors: Actor[];
  /** The hop the step draws: who sends what to whom. */
  from: Lane;
  to: Lane;
  /** Ids of the trace entries behind the step (its evidence and what triggered it). */
  entryIds: number[];
  /** Session times (ms) of the first and last entry behind it; absent when missing. */
  startMs?: number;
  endMs?: number;
  durationMs?: number;
  state: StepState;
  /** For out-of-order: which step it came before, and for which object; for simulated: why it has no entries. */
  note?: string;
}

export interface StoryChapter {
  scenario: Scenario;
  /** 'kubectl create Deployment demo/web', 'kubectl patch Deployment demo/web (scale)'. */
  title: string;
  /** 'Deployment/demo/web' */
  deployment: string;
  /** The entry of the request that opened the chapter. */
  requestId: number;
  steps: StoryStep[];
}

export interface Story {
  chapters: StoryChapter[];
}
