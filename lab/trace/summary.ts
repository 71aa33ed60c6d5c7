/** One short human sentence per entry's details, shared by the live view, Mermaid and HTML. */
import { formatDiff, type FieldChange } from './diff.js';
import type { TraceEntry } from './schema.js';

export function detailsSummary(e: TraceEntry): string {
  const d = e.details;
  const parts: string[] = [];
  if (Array.isArray(d.diff) && d.diff.length > 0) parts.push(formatDiff(d.diff as FieldChange[]));
  if (typeof d.reason === 'string') parts.push(d.reason);
  if (typeof d.message === 'string' && d.message) parts.push(d.message);
  if (typeof d.node === 'string') parts.push(`→ ${d.node}`);
  if (typeof d.container === 'string') parts.push(`container ${d.container}`);
  if (typeof d.containerKind === 'string' && d.containerKind === 'sandbox') parts.push('sandbox');
  if (typeof d.exitStatus === 'number') parts.push(`exit ${d.exitStatus}`);
  if (typeof d.code === 'number' && e.tap === 'audit') parts.push(`HTTP ${d.code}`);
  if (typeof d.subresource === 'string' && d.subresource !== 'binding') parts.push(`/${d.subresource}`);
  if (typeof d.created === 'boolean' && d.created) parts.push('new key');
  return parts.join(' · ');
}
