/** The stories side by side as text: a table per chapter, one row per lined-up step. */
import { renderTable } from '../base/table.js';
import { formatDuration } from '../trace/export/story-views.js';
import { inRoleWords } from '../trace/story/words.js';
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

/** Two names that differ only by their pod-template-hash (web-6b56bb8b59-* and web-6d96d4cf5c-*): the two sides hash differently. */
const HASHED = /^(.*?[a-z0-9])-([a-z0-9]{6,10})((?:-[*a-z0-9]+)?[),]*)$/;

/** '(lab-worker ×2, lab-worker2)' → its items, sorted: the same nodes listed in another order are the same. */
const listed = (word: string) => (word.startsWith('(') ? word.replace(/^\(|\)\S*$/g, '').split(', ').sort().join(', ') : undefined);

function sameWord(a: string, b: string): string | undefined {
  if (a === b || (listed(a) !== undefined && listed(a) === listed(b))) return a;
  const [ma, mb] = [HASHED.exec(a), HASHED.exec(b)];
  return ma && mb && ma[1] === mb[1] && ma[3] === mb[3] ? `${ma[1]}-<hash>${ma[3]}` : undefined;
}

/**
 * The step's words for both columns: the acting controller or scheduler named by its role, names
 * that differ only by their hash masked, and what still differs shown for each side
 * ("scales ReplicaSet web-<hash> [built-in: down | lab: 3→0]"). The side that took the step alone gives its own title.
 */
export function sharedTitle(builtin: string | undefined, lab: string | undefined): string {
  if (builtin === undefined || lab === undefined) return (builtin ?? lab)!;
  // A parenthesis (the nodes, '(lab-worker ×2, lab-worker2)') is one word: it differs whole.
  const words = (title: string) => inRoleWords(title).match(/\([^)]*\)\S*|\S+/g) ?? [];
  const [a, b] = [words(builtin), words(lab)];
  const prefix: string[] = [];
  while (prefix.length < Math.min(a.length, b.length)) {
    const word = sameWord(a[prefix.length]!, b[prefix.length]!);
    if (word === undefined) break;
    prefix.push(word);
  }
  const suffix: string[] = [];
  while (prefix.length + suffix.length < Math.min(a.length, b.length)) {
    const word = sameWord(a[a.length - 1 - suffix.length]!, b[b.length - 1 - suffix.length]!);
    if (word === undefined) break;
    suffix.unshift(word);
  }
  const [restA, restB] = [a.slice(prefix.length, a.length - suffix.length).join(' '), b.slice(prefix.length, b.length - suffix.length).join(' ')];
  const middle = restA === '' && restB === '' ? [] : [`[built-in: ${restA || '–'} | lab: ${restB || '–'}]`];
  return [...prefix, ...middle, ...suffix].join(' ');
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
      c.rows.map((r) => [sharedTitle(r.builtin?.title, r.lab?.title), sideCell(r.builtin), sideCell(r.lab), r.marks.map(markText).join('; ')]),
    ),
  ]);
}
