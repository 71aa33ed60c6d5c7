/** The stories side by side as text: a table per chapter, one row per lined-up step. */
import { renderTable } from '../bench/table.js';
import { formatDuration } from '../trace/export/story-views.js';
import type { Side } from './scenarios.js';
import type { SideStep, StepMark, StoryDiffChapter } from './story-diff.js';

const SIDE_WORDS: Record<Side, string> = { builtin: 'built-in', lab: 'lab' };

export function markText(m: StepMark): string {
  const side = SIDE_WORDS[m.side];
  if (m.kind === 'only') return `${side} only`;
  if (m.kind === 'missing') return `missing on ${side}`;
  if (m.kind === 'out-of-order') return `out of order on ${side}${m.note ? ` (${m.note})` : ''}`;
  const ratio = Number.isFinite(m.ratio) ? `${m.ratio}× ` : '';
  return `${side} ${ratio}longer (+${formatDuration(m.gapMs)})`;
}

/** '3. 8 ms · kubelet, containerd': nodes are left out (kubelet@a, kubelet@b are one component here). */
function sideCell(s: SideStep | undefined): string {
  if (!s) return '-';
  const timing = s.durationMs === undefined ? 'missing' : formatDuration(s.durationMs);
  const actors = [...new Set(s.actors.map((a) => a.replace(/@.*$/, '')))].join(', ');
  return `${s.number}. ${timing}${s.state === 'out-of-order' ? ' (out of order)' : ''}${actors ? ` · ${actors}` : ''}`;
}

export function storyDiffText(chapters: readonly StoryDiffChapter[]): string[] {
  if (chapters.length === 0) return ['  neither trace holds a request about a Deployment: no story to compare'];
  return chapters.flatMap((c) => [
    `${c.scenario}: built-in "${c.titles.builtin ?? '(no such chapter)'}" | lab "${c.titles.lab ?? '(no such chapter)'}"`,
    renderTable(
      ['step', 'built-in', 'lab', 'difference'],
      c.rows.map((r) => [(r.builtin ?? r.lab)!.title, sideCell(r.builtin), sideCell(r.lab), r.marks.map(markText).join('; ')]),
    ),
  ]);
}
