/**
 * One self-contained HTML page: the timeline as a filterable table and the story as a Mermaid
 * diagram rendered by the mermaid bundle inlined from node_modules (no network needed).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { redactEntry } from '../redact.js';
import type { TraceEntry } from '../schema.js';
import { detailsSummary } from '../summary.js';
import { objectLabel } from '../live.js';
import { toMermaid, type MermaidOptions } from './mermaid.js';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

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

function row(e: TraceEntry): string {
  const cells = [`+${e.tMs}`, e.actor, e.tap, e.verb, objectLabel(e), e.resourceVersion ?? '', e.causeId === undefined ? '' : `#${e.causeId}`, detailsSummary(e)];
  return `<tr id="e${e.id}" data-actor="${escapeHtml(e.actor)}"><td>${e.id}</td>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
}

const FILTER_SCRIPT = `
const box = document.getElementById('filter');
box.addEventListener('input', () => {
  const words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
  for (const tr of document.querySelectorAll('#timeline tbody tr')) {
    const text = tr.textContent.toLowerCase();
    tr.hidden = !words.every((w) => text.includes(w));
  }
});
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', sequence: { mirrorActors: false } });
mermaid.run({ querySelector: '.mermaid' }).then(
  () => document.body.dataset.mermaid = 'rendered',
  (err) => { document.body.dataset.mermaid = 'failed'; document.getElementById('mermaid-error').textContent = String(err); });
`;

export async function toHtml(entries: readonly TraceEntry[], opts: HtmlOptions = {}): Promise<string> {
  const safe = entries.map(redactEntry);
  const mermaidSource = toMermaid(safe, opts);
  const bundle = opts.mermaidJs ?? (await loadMermaidBundle());
  const title = opts.title ?? 'k8s-flow-lab trace';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; }
table { border-collapse: collapse; font: 12px ui-monospace, monospace; }
td, th { border-bottom: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }
th { position: sticky; top: 0; background: #f4f4f4; }
#filter { width: 30em; margin: 0.5em 0; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<h2>Sequence</h2>
<pre class="mermaid">${escapeHtml(mermaidSource)}</pre>
<pre id="mermaid-error"></pre>
<h2>Timeline (${safe.length} entries)</h2>
<input id="filter" placeholder="filter: words that must all appear, e.g. scheduler web-">
<table id="timeline">
<thead><tr><th>id</th><th>ms</th><th>actor</th><th>tap</th><th>verb</th><th>object</th><th>rv</th><th>cause</th><th>details</th></tr></thead>
<tbody>
${safe.map(row).join('\n')}
</tbody>
</table>
<script>${escapeInlineScript(bundle)}</script>
<script>${escapeInlineScript(FILTER_SCRIPT)}</script>
</body>
</html>
`;
}
