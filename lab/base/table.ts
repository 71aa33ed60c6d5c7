/** Plain-text tables for the bench, comparison and other reports (no colour: pipes and logs stay clean). */

export type Align = 'left' | 'right';

/**
 * Columns padded to their widest cell, a dashed rule under the header. Cells that are missing
 * print as empty. Numbers-looking columns are not guessed: pass `align` to right-align.
 */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly (string | undefined)[]>, align: readonly Align[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly (string | undefined)[]) =>
    widths
      .map((w, i) => {
        const cell = cells[i] ?? '';
        return align[i] === 'right' ? cell.padStart(w) : cell.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
