// API timestamps as epoch milliseconds. Informers deliver Date objects; ISO strings are tolerated.
// Two readings, for two kinds of callers: one that sorts and compares (a missing time is the
// oldest possible, 0) and one that must tell a missing time apart from a real one (undefined).

type Timestamp = Date | string | undefined | null;

/** Epoch milliseconds; 0 for a missing time (upstream's zero time sorts first). An unparsable string gives NaN. */
export function epochMillisOrZero(t: Timestamp): number {
  if (t === undefined || t === null) return 0;
  return t instanceof Date ? t.getTime() : Date.parse(t);
}

/** Epoch milliseconds, or undefined for a missing, empty or unparsable time. */
export function epochMillisOrUndefined(t: Timestamp): number | undefined {
  if (t === undefined || t === null || t === '') return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}
