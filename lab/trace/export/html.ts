/**
 * One self-contained HTML page: the timeline as a filterable table and the story as a Mermaid
 * diagram rendered by the mermaid bundle inlined from node_modules (no network needed).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { toComponentsMermaid } from '../components.js';
import { redactEntry } from '../redact.js';
import type { TraceEntry } from '../schema.js';
import { buildStory } from '../story.js';
import { podWaterfall } from '../waterfall.js';
import { stateTimeline } from '../object-states.js';
import { CONTROLS_CSS, CONTROLS_SCRIPT, filtersHtml, momentHtml } from './html-controls.js';
import { escapeHtml, TIMELINE_HEAD, timelineRow } from './html-rows.js';
import { STEP_ROWS_SCRIPT, STORY_CSS, storyHtml, waterfallHtml } from './html-story.js';
import { toMermaid, type MermaidOptions } from './mermaid.js';
import { storyToMermaid } from './story-views.js';

export { escapeHtml } from './html-rows.js';

/**
 * Make script text safe inside <script>…</script>: '</script' would end the element and '<!--'
 * changes how the HTML parser reads script text. '\x3C' is '<' in JS strings and regexes alike.
 */
export function escapeInlineScript(js: string): string {
  return js.replace(/<(\/script|!--)/gi, '\\x3C$1');
}

export async function loadMermaidBundle(): Promise<string> {
  const require = createRequire(import.meta.url);
  const path = require.resolve('mermaid/dist/mermaid.min.js');
  return readFile(path, 'utf8');
}

export interface HtmlOptions extends MermaidOptions {
  title?: string;
  /** The mermaid bundle's source; loaded from node_modules when omitted. */
  mermaidJs?: string;
}

/**
 * Up to this many entries the timeline table starts open. A longer one starts closed: Chromium
 * does not lay out a closed <details>, and laying out the table was most of the time a large
 * report took to open (measured on a synthetic 303-pod scale-up, 7,906 rows: about 5 s open,
 * 1.8 s closed, on this 2-core machine). Step expansion and the filters read the rows either way.
 */
export const TIMELINE_OPEN_MAX = 1500;

const MERMAID_SCRIPT = `
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', sequence: { mirrorActors: false, wrap: true, actorMargin: 30 } });
const failed = (err) => { document.body.dataset.mermaid = 'failed'; document.getElementById('mermaid-error').textContent = String(err); };
// A closed <details> has no size to lay a diagram out in: each folded diagram is drawn when first opened.
mermaid.run({ nodes: [document.querySelector('pre.mermaid')] }).then(() => document.body.dataset.mermaid = 'rendered', failed);
for (const folded of document.querySelectorAll('details.diagram')) {
  folded.addEventListener('toggle', () => {
    const pre = folded.querySelector('pre.mermaid:not([data-processed])');
    if (folded.open && pre) mermaid.run({ nodes: [pre] }).catch(failed);
  });
}
`;

export async function toHtml(entries: readonly TraceEntry[], opts: HtmlOptions = {}): Promise<string> {
  const safe = entries.map(redactEntry);
  const mermaidSource = toMermaid(safe, opts);
  const story = buildStory(safe);
  const bundle = opts.mermaidJs ?? (await loadMermaidBundle());
  const title = opts.title ?? 'k8s-flow-lab trace';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; max-width: 1400px; }
table { border-collapse: collapse; font: 12px ui-monospace, monospace; }
td, th { border-bottom: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }
th { position: sticky; top: 0; background: #f4f4f4; }
#filter { width: 30em; margin: 0.5em 0; }
details.diagram > summary { cursor: pointer; font-size: 15px; margin: 0.5em 0; }
#timeline-section > summary { cursor: pointer; } #timeline-section > summary > h2 { display: inline; }
${STORY_CSS}
${CONTROLS_CSS}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<h2>The story, step by step</h2>
<p>Each numbered step is what happened, with its real duration; open one to see the trace entries behind it.</p>
<div id="story">${storyHtml(story, safe)}</div>
${filtersHtml(safe)}
<h2>Each pod, from created to Ready</h2>
<div id="waterfall">${waterfallHtml(podWaterfall(safe))}</div>
<h2>Every object at a moment</h2>
<p>Move the slider: each Deployment's and ReplicaSet's replicas and each pod's phase and node, as last seen at or before that time.</p>
<div id="states-view">${momentHtml(stateTimeline(safe))}</div>
<h2>Sequence: the story</h2>
<pre class="mermaid">${escapeHtml(storyToMermaid(story))}</pre>
<details class="diagram"><summary>Sequence: components (one arrow per hop and object kind)</summary>
<pre class="mermaid folded">${escapeHtml(toComponentsMermaid(safe))}</pre>
</details>
<details class="diagram"><summary>Sequence: every entry</summary>
<pre class="mermaid folded">${escapeHtml(mermaidSource)}</pre>
</details>
<pre id="mermaid-error"></pre>
<details id="timeline-section"${safe.length <= TIMELINE_OPEN_MAX ? ' open' : ''}><summary><h2>Timeline (${safe.length} entries)</h2></summary>
<input id="filter" placeholder="filter: words that must all appear, e.g. scheduler web-">
<table id="timeline">
<thead>${TIMELINE_HEAD}</thead>
<tbody>
${safe.map((e) => timelineRow(e)).join('\n')}
</tbody>
</table>
</details>
<script>${escapeInlineScript(bundle)}</script>
<script>${escapeInlineScript(MERMAID_SCRIPT + STEP_ROWS_SCRIPT + CONTROLS_SCRIPT)}</script>
</body>
</html>
`;
}
