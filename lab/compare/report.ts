/** `lab compare`'s text output: the comparison side by side, for people. */
import { formatMs } from '../base/stats.js';
import { renderTable } from '../base/table.js';
import type { Comparison } from './compare.js';
import { SLOWER_GAP_MS, SLOWER_RATIO } from './story-diff.js';
import { storyDiffText } from './story-diff-text.js';

function requestRows(c: Comparison): string[][] {
  const keys = new Set<string>();
  for (const side of [c.sides.builtin, c.sides.lab]) {
    for (const [role, byVerb] of Object.entries(side.requests)) for (const verb of Object.keys(byVerb)) keys.add(`${role}\t${verb}`);
  }
  return [...keys].sort().map((key) => {
    const [role, verb] = key.split('\t') as [string, string];
    return [role, verb, String(c.sides.builtin.requests[role]?.[verb] ?? 0), String(c.sides.lab.requests[role]?.[verb] ?? 0)];
  });
}

export function renderComparison(c: Comparison): string {
  const b = c.sides.builtin;
  const l = c.sides.lab;
  const hopRows = b.hops.map((hb, i) => {
    const hl = l.hops[i]!;
    return [hb.hop, `${formatMs(hb.p50)} / ${formatMs(hb.p95)} (${hb.samples})`, `${formatMs(hl.p50)} / ${formatMs(hl.p95)} (${hl.samples})`];
  });
  return [
    `scenario ${c.scenario}: ${c.description}`,
    `  built-in: ${b.namespace} (kube-controller-manager + default-scheduler), ${formatMs(b.durationMs)}, ${b.traceEntries} trace entries`,
    `  lab:      ${l.namespace} (lab controllers + lab-scheduler), ${formatMs(l.durationMs)}, ${l.traceEntries} trace entries`,
    '',
    `end state: ${c.endStateSame ? 'the same' : `${c.endStateDiff.length} difference(s)`}`,
    ...c.endStateDiff.map((d) => `  ${d.path}: built-in ${d.builtin ?? '(absent)'} | lab ${d.lab ?? '(absent)'}`),
    '',
    'actions (audit log writes, in order):',
    renderTable(['built-in', 'lab'], c.actionsSideBySide.map((r) => [r.builtin ?? '-', r.lab ?? '-'])),
    '',
    `the story, side by side (steps lined up by hop; "longer" means ≥ ${SLOWER_RATIO}× and ≥ ${SLOWER_GAP_MS} ms longer):`,
    ...storyDiffText(c.storiesSideBySide),
    '',
    'hop latencies p50 / p95 (samples):',
    renderTable(['hop', 'built-in', 'lab'], hopRows),
    '',
    'API requests in the namespace (plus the components\' cluster-wide lists/watches):',
    renderTable(['who', 'verb', 'built-in', 'lab'], requestRows(c), ['left', 'left', 'right', 'right']),
    '',
    'differences explained:',
    ...c.explanations.map((e) => `  - ${e}`),
    '',
    'sequence diagrams:',
    `  built-in: ${b.files.html}  (mermaid: ${b.files.mermaid})`,
    `  lab:      ${l.files.html}  (mermaid: ${l.files.mermaid})`,
    `traces: ${b.files.jsonl}, ${l.files.jsonl}`,
    `built-in controllers left ${c.builtinControllersRestoredTo ? 'on' : 'off'}, as they were before; namespaces deleted.`,
  ].join('\n');
}
