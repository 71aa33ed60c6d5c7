/**
 * The two sides' stories next to each other: each side's chapters (one per request about a
 * Deployment) and, within a chapter, its numbered steps lined up by the hop they draw, with a mark
 * where the sides differ. Pure: two stories in, rows out.
 */
import type { Actor } from '../trace/schema.js';
import type { Lane, Scenario, StepState, Story, StoryChapter, StoryStep } from '../trace/story.js';
import { roleOf } from './actions.js';
import { alignBy, type Aligned } from './align.js';
import type { Side } from './scenarios.js';

/**
 * "Much longer": at least twice as long AND at least 200 ms longer. The ratio alone would flag
 * 3 ms against 8 ms (noise on a loaded machine); the gap alone would flag 10.0 s against 10.3 s.
 */
export const SLOWER_RATIO = 2;
export const SLOWER_GAP_MS = 200;

export type StepMark =
  /** The step is in one side's story only: the other took no step on that hop there. */
  | { kind: 'only'; side: Side }
  /** Both stories have the step, but the trace of `side` shows nothing behind it. */
  | { kind: 'missing'; side: Side }
  /** `side` took at least SLOWER_RATIO× and SLOWER_GAP_MS longer. */
  | { kind: 'slower'; side: Side; ratio: number; gapMs: number }
  | { kind: 'out-of-order'; side: Side; note?: string };

export interface SideStep {
  number: number;
  title: string;
  actors: Actor[];
  durationMs?: number;
  state: StepState;
}

export interface StoryDiffRow extends Aligned<SideStep> {
  /** 'deployment controller → api-server': the hop, named by role so the two sides line up. */
  hop: string;
  marks: StepMark[];
}

export interface StoryDiffChapter {
  scenario: Scenario;
  /** Each side's chapter title; absent when that side told no such chapter. */
  titles: Partial<Record<Side, string>>;
  rows: StoryDiffRow[];
}

/** A lane named by role: 'kube-controller-manager/deployment-controller' and 'deployment-controller' are one lane. */
function laneRole(lane: Lane): string {
  const role = roleOf(lane as Actor);
  return role === 'other' ? lane : role;
}

const hopOf = (s: StoryStep) => `${laneRole(s.from)} → ${laneRole(s.to)}`;

function sideStep(s: StoryStep): SideStep {
  return { number: s.number, title: s.title, actors: s.actors, ...(s.durationMs === undefined ? {} : { durationMs: s.durationMs }), state: s.state };
}

function slower(b: StoryStep, l: StoryStep): StepMark | undefined {
  if (b.durationMs === undefined || l.durationMs === undefined) return undefined;
  const [slow, fast, side]: [number, number, Side] = b.durationMs > l.durationMs ? [b.durationMs, l.durationMs, 'builtin'] : [l.durationMs, b.durationMs, 'lab'];
  const gapMs = slow - fast;
  if (gapMs < SLOWER_GAP_MS || slow < SLOWER_RATIO * fast) return undefined;
  // A 0 ms step has no ratio to speak of; the gap says how much longer it took.
  return { kind: 'slower', side, ratio: fast > 0 ? Math.round((slow / fast) * 10) / 10 : Infinity, gapMs };
}

/** The marks of one lined-up pair of steps (either may be absent). */
export function stepMarks(pair: Aligned<StoryStep>): StepMark[] {
  const { builtin: b, lab: l } = pair;
  if (!b) return [{ kind: 'only', side: 'lab' }];
  if (!l) return [{ kind: 'only', side: 'builtin' }];
  const marks: StepMark[] = [];
  for (const [side, step, other] of [['builtin', b, l], ['lab', l, b]] as const) {
    if (step.state === 'missing' && other.state !== 'missing') marks.push({ kind: 'missing', side });
    if (step.state === 'out-of-order' && other.state !== 'out-of-order') marks.push({ kind: 'out-of-order', side, ...(step.note ? { note: step.note } : {}) });
  }
  const slow = slower(b, l);
  if (slow) marks.push(slow);
  return marks;
}

function chapterRows(b: StoryChapter | undefined, l: StoryChapter | undefined): StoryDiffRow[] {
  return alignBy(b?.steps ?? [], l?.steps ?? [], hopOf).map((pair) => ({
    hop: hopOf((pair.builtin ?? pair.lab)!),
    ...(pair.builtin ? { builtin: sideStep(pair.builtin) } : {}),
    ...(pair.lab ? { lab: sideStep(pair.lab) } : {}),
    marks: stepMarks(pair),
  }));
}

/** Chapters line up by scenario, in order (the two sides ran the same scenario in different namespaces). */
export function diffStories(builtin: Story, lab: Story): StoryDiffChapter[] {
  return alignBy(builtin.chapters, lab.chapters, (c) => c.scenario).map(({ builtin: b, lab: l }) => ({
    scenario: (b ?? l)!.scenario,
    titles: { ...(b ? { builtin: b.title } : {}), ...(l ? { lab: l.title } : {}) },
    rows: chapterRows(b, l),
  }));
}
