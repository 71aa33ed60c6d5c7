/**
 * The story level as text a person reads: a Mermaid diagram with one numbered arrow per step, a
 * numbered list (the terminal's and `--format text`), and JSON Lines with one step per line.
 */
import { actorRank } from '../actors.js';
import type { Actor } from '../schema.js';
import type { Lane, Story, StoryChapter, StoryStep } from '../story.js';
import { mermaidText, participantId, sequenceDiagram } from './mermaid.js';

/** '6 ms', '1.2 s' */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function laneRank(lane: Lane): number {
  if (lane === 'kubelet') return actorRank('kubelet@node');
  if (lane === 'containerd') return actorRank('containerd@node');
  return actorRank(lane as Actor);
}

/** '3. The lab's Deployment controller ... · 8 ms', '7. ... · missing', '9. ... · 40 ms · out of order'. */
export function stepSummary(step: StoryStep): string {
  if (step.state === 'simulated') return `${step.number}. ${step.title} · ${step.note ?? 'simulated'}`;
  const timing = step.durationMs === undefined ? 'missing' : formatDuration(step.durationMs);
  const order = step.state === 'out-of-order' ? ` · out of order (${step.note ?? ''})` : '';
  return `${step.number}. ${step.title} · ${timing}${order}`;
}

function chapterHeading(chapter: StoryChapter): string {
  return `${chapter.title} (${chapter.scenario})`;
}

export function storyToMermaid(story: Story, title?: string): string {
  const steps = story.chapters.flatMap((c) => c.steps);
  const lanes = [...new Set(steps.flatMap((s) => [s.from, s.to]))].sort((a, b) => laneRank(a) - laneRank(b) || a.localeCompare(b));
  const first = lanes[0] ? participantId(lanes[0] as Actor) : undefined;
  const last = lanes.at(-1) ? participantId(lanes.at(-1) as Actor) : undefined;
  const body: string[] = [];
  for (const chapter of story.chapters) {
    if (first && last) body.push(`Note over ${first},${last}: ${mermaidText(chapterHeading(chapter))}`);
    for (const step of chapter.steps) {
      const from = participantId(step.from as Actor);
      const to = participantId(step.to as Actor);
      // A step that did not happen is a note, not an arrow: the diagram draws only what the trace shows.
      if (step.state === 'missing') body.push(`Note over ${from}: ${mermaidText(`${step.number}. missing: ${step.title}`)}`);
      else if (step.state === 'simulated') body.push(`Note over ${from}: ${mermaidText(stepSummary(step))}`);
      else body.push(`${from}->>${to}: ${mermaidText(stepSummary(step))}`);
    }
  }
  return sequenceDiagram(title, lanes.map((l) => ({ id: participantId(l as Actor), name: l })), body);
}

/** The numbered steps as lines, a heading per chapter; times are the steps' own durations. */
export function storyToText(story: Story): string {
  if (story.chapters.length === 0) return 'no request about a Deployment in this trace: nothing to tell at the story level (try --level components or full)\n';
  return story.chapters.map((c) => `${chapterHeading(c)}\n${c.steps.map((s) => `  ${stepSummary(s)}\n`).join('')}`).join('\n');
}

/** One JSON object per step, with its chapter's request and scenario. */
export function storyToJsonl(story: Story): string {
  return story.chapters.flatMap((c) => c.steps.map((s) => JSON.stringify({ chapter: c.title, scenario: c.scenario, deployment: c.deployment, requestId: c.requestId, ...s }) + '\n')).join('');
}
