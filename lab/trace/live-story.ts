/**
 * The live terminal view at the story level: one numbered line per step as it completes, with its
 * duration, then the next. A step counts as complete once no new entry has joined it for a quiet
 * spell; a step the chain skipped is printed as missing once a later step of its chapter is
 * complete. Which lines are due is a pure function (stepsDue) so it is tested without a clock.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { stepSummary } from './export/story-views.js';
import { makeFilter, type TraceFilter } from './filter.js';
import { OwnerIndex } from './correlate.js';
import type { TraceEntry } from './schema.js';
import { buildStory, type Story, type StoryChapter, type StoryStep } from './story.js';
import type { Timeline } from './timeline.js';

/** How long a step must have had no new entry before it is printed. */
export const DEFAULT_QUIET_MS = 1500;

export interface DueLine {
  chapter: StoryChapter;
  step: StoryStep;
  /** The first line of its chapter: print the chapter's heading before it. */
  opensChapter: boolean;
}

const stepKey = (chapter: StoryChapter, step: StoryStep) => `${chapter.requestId}#${step.number}`;

/**
 * The steps to print now, in order, given what was printed before (keys are added to `printed`).
 * `final` prints everything left (the session is ending).
 */
export function stepsDue(story: Story, printed: Set<string>, nowMs: number, quietMs: number, final = false): DueLine[] {
  const due: DueLine[] = [];
  for (const chapter of story.chapters) {
    const settled = (s: StoryStep) => s.state !== 'missing' && nowMs - (s.endMs ?? 0) >= quietMs;
    for (const [i, step] of chapter.steps.entries()) {
      const key = stepKey(chapter, step);
      if (printed.has(key)) continue;
      const skipped = step.state === 'missing' && chapter.steps.slice(i + 1).some(settled);
      if (!final && !settled(step) && !skipped) break; // keep the numbers in order: wait for this one
      due.push({ chapter, step, opensChapter: !chapter.steps.some((s) => printed.has(stepKey(chapter, s))) });
      printed.add(key);
    }
  }
  return due;
}

export function formatStoryLine(step: StoryStep, chalk: ChalkInstance = new Chalk({ level: 0 })): string {
  const text = `  ${stepSummary(step)}`;
  if (step.state === 'missing') return chalk.red(text);
  if (step.state === 'out-of-order') return chalk.yellow(text);
  if (step.state === 'simulated') return chalk.dim(text);
  return text;
}

export interface StoryViewOptions {
  filter?: TraceFilter;
  write?: (line: string) => void;
  colour?: boolean;
  quietMs?: number;
  /** How often the story is rebuilt from the entries so far. */
  intervalMs?: number;
  now?: () => number;
}

/** Print the story's steps as they complete; the returned function prints what is left and stops. */
export function startStoryView(timeline: Timeline, opts: StoryViewOptions = {}): () => void {
  const chalk = new Chalk({ level: opts.colour === false ? 0 : 2 });
  const write = opts.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const now = opts.now ?? Date.now;
  const owners = new OwnerIndex();
  const keep = makeFilter(opts.filter ?? {}, owners, now() - timeline.startMs);
  const kept: TraceEntry[] = [];
  const printed = new Set<string>();
  const unsubscribe = timeline.subscribe((e) => {
    owners.observe(e);
    if (keep(e)) kept.push(e);
  });
  const print = (final: boolean) => {
    for (const line of stepsDue(buildStory(kept), printed, now() - timeline.startMs, opts.quietMs ?? DEFAULT_QUIET_MS, final)) {
      if (line.opensChapter) write(chalk.bold(`${line.chapter.title} (${line.chapter.scenario})`));
      write(formatStoryLine(line.step, chalk));
    }
  };
  const timer = setInterval(() => print(false), opts.intervalMs ?? 500);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
    print(true);
  };
}
