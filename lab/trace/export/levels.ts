/**
 * Levels of detail: `story` (the numbered steps of the chain, lab/trace/story.ts), `components`
 * (one arrow per hop and object kind, lab/trace/components.ts) and `full` (every entry). Each
 * text format renders each level; all three start from the same correlated entries.
 */
import { componentArrows, componentsText, toComponentsMermaid } from '../components.js';
import { formatLine } from '../live.js';
import { redactEntry } from '../redact.js';
import type { TraceEntry } from '../schema.js';
import { buildStory } from '../story.js';
import { entryToJsonLine } from './jsonl.js';
import { toMermaid, type MermaidOptions } from './mermaid.js';
import { storyToJsonl, storyToMermaid, storyToText } from './story-views.js';

export const DETAIL_LEVELS = ['story', 'components', 'full'] as const;
export type DetailLevel = (typeof DETAIL_LEVELS)[number];

export const TEXT_FORMATS = ['jsonl', 'json', 'mermaid', 'text'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

/** Wide enough that `--format text --level full` cuts no detail a terminal would show. */
const FULL_TEXT_WIDTH = 240;

function jsonLines(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v) + '\n').join('');
}

/** Entries → the text of one format at one level (entries as `correlate` returns them). */
export function renderAtLevel(format: TextFormat, level: DetailLevel, entries: readonly TraceEntry[], opts: MermaidOptions = {}): string {
  if (level === 'story') {
    const story = buildStory(entries);
    if (format === 'mermaid') return storyToMermaid(story, opts.title);
    if (format === 'text') return storyToText(story);
    if (format === 'jsonl') return storyToJsonl(story);
    return JSON.stringify(story, null, 2) + '\n';
  }
  if (level === 'components') {
    if (format === 'mermaid') return toComponentsMermaid(entries, opts.title);
    if (format === 'text') return componentsText(entries);
    const arrows = componentArrows(entries);
    return format === 'jsonl' ? jsonLines(arrows) : JSON.stringify(arrows, null, 2) + '\n';
  }
  if (format === 'mermaid') return toMermaid(entries, opts);
  if (format === 'text') return entries.map((e) => formatLine(e, FULL_TEXT_WIDTH).trimEnd() + '\n').join('');
  if (format === 'jsonl') return entries.map(entryToJsonLine).join('\n') + (entries.length ? '\n' : ''); // redacted again, like every exporter
  return JSON.stringify(entries.map(redactEntry), null, 2) + '\n';
}
