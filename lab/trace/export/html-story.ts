/**
 * The report's story-first sections: the numbered steps, each a <details> that opens onto the
 * timeline rows behind it, and the per-pod waterfall (one bar row per pod on one time axis).
 * Plain HTML and CSS: no script is needed to read them.
 */
import type { TraceEntry } from '../schema.js';
import type { Story, StoryStep } from '../story.js';
import { MILESTONES, type Milestone, type PodRow } from '../waterfall.js';
import { escapeHtml, TIMELINE_HEAD } from './html-rows.js';
import { formatDuration } from './story-views.js';

function stepHtml(step: StoryStep, byId: ReadonlyMap<number, TraceEntry>): string {
  const timing = step.state === 'simulated' ? 'simulated' : step.durationMs === undefined ? 'missing' : formatDuration(step.durationMs);
  const actors = step.actors.length ? ` <span class="actors">${escapeHtml(step.actors.join(', '))}</span>` : '';
  const note = step.note ? ` <span class="note">(${escapeHtml(step.note)})</span>` : '';
  // The rows are copied from the timeline table when the step is first opened (STEP_ROWS_SCRIPT):
  // written out here too, a 300-pod trace's page would hold every entry twice.
  const ids = step.entryIds.filter((id) => byId.has(id));
  const body = ids.length
    ? `<table class="rows" data-ids="${ids.join(' ')}"><thead>${TIMELINE_HEAD}</thead><tbody></tbody></table>`
    : step.state === 'simulated'
      ? `<p class="none">No entry for this step, by design: ${escapeHtml(step.note ?? '')}.</p>`
      : '<p class="none">The trace holds no entry for this step: it did not happen, or a tap that would see it was off.</p>';
  return `<li class="step ${step.state}"><details><summary><span class="num">${step.number}.</span> ${escapeHtml(step.title)} <span class="time">${timing}</span>${step.state === 'out-of-order' ? ' <span class="badge">out of order</span>' : ''}${note}${actors}</summary>${body}</details></li>`;
}

export function storyHtml(story: Story, entries: readonly TraceEntry[]): string {
  if (story.chapters.length === 0) return '<p>No request about a Deployment in this trace: see the components and full diagrams below.</p>';
  const byId = new Map(entries.map((e) => [e.id, e] as const));
  return story.chapters
    .map((c) => `<section class="chapter"><h3>${escapeHtml(c.title)} <span class="scenario">${escapeHtml(c.scenario)}</span></h3><ol class="steps">${c.steps.map((s) => stepHtml(s, byId)).join('')}</ol></section>`)
    .join('\n');
}

const MILESTONE_WORDS: Record<Milestone, string> = {
  created: 'created', bound: 'bound', sandbox: 'sandbox', started: 'container started', running: 'Running', ready: 'Ready',
};

/** Bars from each milestone to the next one the pod reached; the last milestone is a tick. */
export function waterfallHtml(rows: readonly PodRow[]): string {
  if (rows.length === 0) return '<p>No pod was created or started in this trace.</p>';
  const times = rows.flatMap((r) => Object.values(r.at));
  const t0 = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - t0);
  const pct = (t: number) => ((t - t0) / span) * 100;
  const legend = MILESTONES.map((m) => `<span class="seg ${m}"></span>${MILESTONE_WORDS[m]}`).join(' ');
  const lines = rows.map((r) => {
    const reached = MILESTONES.filter((m) => r.at[m] !== undefined);
    const bars = reached.map((m, i) => {
      const from = r.at[m]!;
      const to = i + 1 < reached.length ? r.at[reached[i + 1]!]! : from;
      const title = `${MILESTONE_WORDS[m]} at +${from} ms${to > from ? `, next after ${to - from} ms` : ''}`;
      return `<span class="seg ${m}" style="left:${pct(from).toFixed(2)}%;width:max(${(pct(to) - pct(from)).toFixed(2)}%,3px)" title="${escapeHtml(title)}"></span>`;
    });
    const missing = MILESTONES.filter((m) => r.at[m] === undefined);
    const label = `${r.pod}${r.node ? ` → ${r.node}` : ''}`;
    return `<div class="pod-row" data-pod="${escapeHtml(r.pod)}"><span class="pod">${escapeHtml(label)}</span><span class="track">${bars.join('')}</span><span class="gap">${missing.length ? `no ${missing.map((m) => MILESTONE_WORDS[m]).join(', ')}` : ''}</span></div>`;
  });
  return `<div class="waterfall"><div class="axis"><span>+${t0} ms</span><span>+${t0 + span} ms</span></div>${lines.join('')}<p class="legend">${legend}</p></div>`;
}

export const STORY_CSS = `
.chapter h3 { margin: 1em 0 0.3em; font-size: 16px; }
.scenario { font-weight: normal; color: #555; font-size: 14px; }
ol.steps { padding-left: 0; list-style: none; margin: 0; }
.step summary { cursor: pointer; padding: 4px 6px; font-size: 15px; line-height: 1.4; }
.step summary:hover { background: #f2f6fb; }
.step .num { font-weight: bold; display: inline-block; min-width: 2em; }
.step .time { font-variant-numeric: tabular-nums; color: #0b5394; margin-left: 0.5em; }
.step .actors, .step .note { color: #666; font-size: 13px; margin-left: 0.5em; }
.step.missing summary { color: #a00; }
.step.missing .time { color: #a00; }
.step .badge { background: #f6b26b; border-radius: 3px; padding: 0 4px; font-size: 13px; }
.step table.rows { margin: 4px 0 10px 2em; }
.step p.none { margin: 4px 0 10px 2em; color: #a00; font-size: 13px; }
.waterfall { max-width: 1200px; }
.waterfall .axis { display: flex; justify-content: space-between; margin-left: 22em; margin-right: 12em; font-size: 12px; color: #555; }
.pod-row { display: flex; align-items: center; height: 20px; font-size: 12px; }
.pod-row .pod { width: 22em; font-family: ui-monospace, monospace; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pod-row .track { position: relative; flex: 1; height: 12px; background: #f4f4f4; }
.pod-row .gap { width: 12em; padding-left: 0.5em; color: #a00; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.seg { position: absolute; top: 0; height: 12px; }
.legend .seg { position: static; display: inline-block; width: 12px; margin: 0 4px 0 12px; vertical-align: middle; }
.seg.created { background: #9fc5e8; } .seg.bound { background: #6fa8dc; } .seg.sandbox { background: #ffd966; }
.seg.started { background: #f6b26b; } .seg.running { background: #93c47d; } .seg.ready { background: #38761d; }
`;

/** Fills a step's table from the timeline's rows (by their e<id> anchors) the first time it opens. */
export const STEP_ROWS_SCRIPT = `
for (const step of document.querySelectorAll('#story details')) {
  step.addEventListener('toggle', () => {
    const table = step.querySelector('table.rows');
    if (!step.open || !table || table.dataset.filled) return;
    table.dataset.filled = 'yes';
    const body = table.querySelector('tbody');
    for (const id of table.dataset.ids.split(' ')) {
      const row = document.getElementById('e' + id);
      if (!row) continue;
      const copy = row.cloneNode(true);
      copy.removeAttribute('id');
      copy.hidden = false; // the timeline's filter may hide it there
      body.appendChild(copy);
    }
  });
}
`;
