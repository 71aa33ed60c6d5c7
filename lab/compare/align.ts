/** Line two sequences up for a side-by-side view: the longest common subsequence by a key. */
export interface Aligned<T> {
  builtin?: T;
  lab?: T;
}

export function alignBy<T>(builtin: readonly T[], lab: readonly T[], key: (item: T) => string): Array<Aligned<T>> {
  const n = builtin.length;
  const m = lab.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = key(builtin[i]!) === key(lab[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const rows: Array<Aligned<T>> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && key(builtin[i]!) === key(lab[j]!)) rows.push({ builtin: builtin[i++], lab: lab[j++] });
    else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) rows.push({ builtin: builtin[i++] });
    else rows.push({ lab: lab[j++] });
  }
  return rows;
}
