/**
 * The report's controls: filters by component, object kind and pod name that hide timeline and
 * waterfall rows, and a time slider that shows every Deployment's, ReplicaSet's and pod's state at
 * the chosen moment. The states are computed in TypeScript (object-states.ts) and embedded as
 * JSON; the inline script only folds them up to the slider's time and writes a table.
 */
import { actorRank } from '../actors.js';
import type { StateTimeline } from '../object-states.js';
import type { TraceEntry } from '../schema.js';
import { escapeHtml } from './html-rows.js';

function options(values: readonly string[], all: string): string {
  return `<option value="">${escapeHtml(all)}</option>${values.map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`).join('')}`;
}

export function filtersHtml(entries: readonly TraceEntry[]): string {
  const actors = [...new Set(entries.map((e) => e.actor))].sort((a, b) => actorRank(a) - actorRank(b) || a.localeCompare(b));
  const kinds = [...new Set(entries.map((e) => e.object.kind))].sort();
  const pods = [...new Set(entries.filter((e) => e.object.kind === 'Pod').map((e) => e.object.name))].sort();
  return `<div id="filters">
<label>component <select id="f-actor">${options(actors, 'all components')}</select></label>
<label>object kind <select id="f-kind">${options(kinds, 'all kinds')}</select></label>
<label>pod <input id="f-pod" list="f-pods" placeholder="part of a pod's name"></label>
<datalist id="f-pods">${pods.map((p) => `<option value="${escapeHtml(p)}">`).join('')}</datalist>
<span id="f-count"></span>
</div>`;
}

/** JSON that is safe inside <script type="application/json">: no '<' can end the element. */
function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function momentHtml(timeline: StateTimeline): string {
  if (timeline.objects.length === 0) return '<p>No Deployment, ReplicaSet or pod changed in this trace.</p>';
  const { startMs, endMs } = timeline;
  return `<div id="moment-controls"><input type="range" id="moment" min="${startMs}" max="${endMs}" step="1" value="${endMs}" aria-label="moment in the trace">
<output id="moment-time" for="moment"></output></div>
<p id="moment-summary"></p>
<table id="states"><thead><tr><th>object</th><th>replicas</th><th>pod phase</th><th>node</th><th>exists</th></tr></thead><tbody></tbody></table>
<script type="application/json" id="states-data">${embedJson(timeline)}</script>`;
}

export const CONTROLS_CSS = `
#filters { margin: 1em 0; padding: 6px 0; border-bottom: 1px solid #ddd; font-size: 14px; }
#filters label { margin-right: 1.2em; }
#filters select, #filters input { font-size: 14px; }
#f-count { color: #555; }
#moment-controls { display: flex; align-items: center; gap: 1em; }
#moment { width: 60em; max-width: 80%; }
#moment-time { font: 14px ui-monospace, monospace; }
#moment-summary { font-size: 15px; }
#states tr.gone td { color: #999; text-decoration: line-through; }
`;

/** Filters (on the timeline, the waterfall and the state table) and the slider's fold of the embedded states. */
export const CONTROLS_SCRIPT = `
const byId = (id) => document.getElementById(id);
const words = () => byId('filter').value.toLowerCase().split(/\\s+/).filter(Boolean);
// A waterfall row passes the component filter when that component touched the pod.
const podActors = new Map();
for (const tr of document.querySelectorAll('#timeline tbody tr[data-pod]')) {
  const set = podActors.get(tr.dataset.pod) ?? new Set();
  set.add(tr.dataset.actor);
  podActors.set(tr.dataset.pod, set);
}
function applyFilters() {
  const actor = byId('f-actor').value;
  const kind = byId('f-kind').value;
  const pod = byId('f-pod').value.trim().toLowerCase();
  const ws = words();
  let shown = 0;
  const rows = document.querySelectorAll('#timeline tbody tr');
  for (const tr of rows) {
    const text = tr.textContent.toLowerCase();
    tr.hidden = !((!actor || tr.dataset.actor === actor) && (!kind || tr.dataset.kind === kind) &&
      (!pod || (tr.dataset.pod ?? '').toLowerCase().includes(pod)) && ws.every((w) => text.includes(w)));
    if (!tr.hidden) shown++;
  }
  for (const row of document.querySelectorAll('#waterfall .pod-row')) {
    row.hidden = !((!actor || (podActors.get(row.dataset.pod)?.has(actor) ?? false)) && (!kind || kind === 'Pod') &&
      (!pod || row.dataset.pod.toLowerCase().includes(pod)));
  }
  for (const tr of document.querySelectorAll('#states tbody tr')) {
    tr.hidden = !((!kind || tr.dataset.kind === kind) && (!pod || (tr.dataset.kind === 'Pod' && tr.dataset.name.toLowerCase().includes(pod))));
  }
  byId('f-count').textContent = shown + ' of ' + rows.length + ' timeline rows shown';
}
for (const id of ['filter', 'f-actor', 'f-kind', 'f-pod']) byId(id).addEventListener('input', applyFilters);

const data = byId('states-data') && JSON.parse(byId('states-data').textContent);
function showMoment() {
  const t = Number(byId('moment').value);
  const states = new Map();
  for (const [at, index, field, value] of data.changes) {
    if (at > t) break;
    const s = states.get(index) ?? {};
    s[field] = value;
    states.set(index, s);
  }
  byId('moment-time').textContent = '+' + t + ' ms';
  const body = byId('states').querySelector('tbody');
  body.replaceChildren();
  const live = { Deployment: 0, ReplicaSet: 0, Pod: 0 };
  const phases = new Map();
  for (const [index, s] of [...states].sort(([a], [b]) => a - b)) {
    const o = data.objects[index];
    const gone = s.exists === 'deleted';
    if (!gone) live[o.kind] = (live[o.kind] ?? 0) + 1;
    if (!gone && o.kind === 'Pod') phases.set(s.phase ?? '?', (phases.get(s.phase ?? '?') ?? 0) + 1);
    const tr = document.createElement('tr');
    tr.dataset.kind = o.kind;
    tr.dataset.name = o.name;
    if (gone) tr.className = 'gone';
    for (const text of [o.kind + ' ' + (o.namespace ? o.namespace + '/' : '') + o.name, s.replicas ?? '', s.phase ?? '', s.node ?? '', s.exists ?? 'seen']) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  const phaseText = [...phases].map(([p, n]) => n + ' ' + p).join(', ');
  byId('moment-summary').textContent = 'At +' + t + ' ms: ' + live.Deployment + ' Deployment(s), ' + live.ReplicaSet + ' ReplicaSet(s), ' + live.Pod + ' pod(s)' + (phaseText ? ' (' + phaseText + ')' : '') + '.';
  applyFilters();
}
if (data) {
  byId('moment').addEventListener('input', showMoment);
  showMoment();
} else applyFilters();
`;
