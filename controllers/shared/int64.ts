// Go's int64 for values Kubernetes keeps as decimal strings (revision annotations, etcd
// revisions): a JS number is exact only up to 2^53, so these are parsed to bigint.
//
// Generations and observedGeneration reach us as JSON numbers (int64 in Go) through
// @kubernetes/client-node and are compared as numbers. That is exact: the API server sets a
// generation to 1 on create and adds 1 per spec change, so it never comes near 2^53.

export const MIN_INT64 = -(2n ** 63n);
export const MAX_INT64 = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): an optional sign and ASCII digits in int64 range, else undefined. */
export function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const value = BigInt(s);
  return value < MIN_INT64 || value > MAX_INT64 ? undefined : value;
}

/** Go's int64 addition: wraps around on overflow (MaxInt64 + 1 is MinInt64). */
export function addInt64(a: bigint, b: bigint): bigint {
  return BigInt.asIntN(64, a + b);
}

/** Go's int32 addition, for int32 API fields such as status.collisionCount. */
export function addInt32(a: number, b: number): number {
  return (a + b) | 0;
}

/** Ascending order for Array.prototype.sort. */
export function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
