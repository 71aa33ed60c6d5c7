/** HTML pieces shared by the report's sections: escaping, and one timeline row per entry. */
import type { TraceEntry } from '../schema.js';
import { detailsSummary } from '../summary.js';
import { objectLabel } from '../live.js';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export const TIMELINE_HEAD = '<tr><th>id</th><th>ms</th><th>actor</th><th>tap</th><th>verb</th><th>object</th><th>rv</th><th>cause</th><th>details</th></tr>';

/** One timeline row; `withId` gives it the anchor other sections link to (only the main table does). */
export function timelineRow(e: TraceEntry, withId = true): string {
  const cells = [`+${e.tMs}`, e.actor, e.tap, e.verb, objectLabel(e), e.resourceVersion ?? '', e.causeId === undefined ? '' : `#${e.causeId}`, detailsSummary(e)];
  const id = withId ? ` id="e${e.id}"` : '';
  // The report's filters read these: component, object kind and (for a pod or its binding) the pod.
  const pod = e.object.kind === 'Pod' || e.object.kind === 'Binding' ? ` data-pod="${escapeHtml(e.object.name)}"` : '';
  return `<tr${id} data-actor="${escapeHtml(e.actor)}" data-kind="${escapeHtml(e.object.kind)}"${pod}><td>${e.id}</td>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
}
