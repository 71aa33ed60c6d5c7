/**
 * Kubernetes resource quantities ("100m", "1.5", "64Mi", "1G", "1e3") parsed exactly.
 *
 * Decimal fractions are kept as integers with a power-of-ten scale, so "0.1" cpu is exactly 100
 * millicores (floating point would give 100.00000000000001 and round up to 101). Like
 * apimachinery's Quantity.Value()/MilliValue(), results are rounded up to the next integer.
 */

const BINARY_SUFFIXES: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY_PATTERN = /^([+-]?)(\d+\.?\d*|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** An exact quantity: `digits × 10^decimalExponent × 1024^binaryPower`. */
export interface ParsedQuantity {
  readonly negative: boolean;
  readonly digits: bigint;
  readonly decimalExponent: number;
  readonly binaryPower: number;
}

export class QuantityParseError extends Error {
  constructor(readonly input: string) {
    super(`invalid quantity ${JSON.stringify(input)}: expected a number with an optional suffix (m, k, M, G, Ki, Mi, Gi, ...) or exponent (1e3)`);
    this.name = 'QuantityParseError';
  }
}

export function parseQuantity(input: string | number): ParsedQuantity {
  const text = typeof input === 'number' ? String(input) : input.trim();
  const match = QUANTITY_PATTERN.exec(text);
  if (!match) throw new QuantityParseError(String(input));
  const [, sign = '', number = '', exponent, suffix = ''] = match;
  const [whole = '', fraction = ''] = number.split('.');
  let decimalExponent = -fraction.length;
  let binaryPower = 0;
  if (exponent) decimalExponent += Number(exponent.slice(1));
  else if (suffix in BINARY_SUFFIXES) binaryPower = BINARY_SUFFIXES[suffix]!;
  else decimalExponent += DECIMAL_SUFFIXES[suffix] ?? 0;
  const digits = BigInt((whole + fraction).replace(/^0+(?=\d)/, '') || '0');
  return { negative: sign === '-' && digits !== 0n, digits, decimalExponent, binaryPower };
}

/** The quantity times 10^scale, rounded up (away from zero for positives, like apimachinery). */
function scaledCeil(q: ParsedQuantity, scale: number): number {
  const numerator = q.digits * 1024n ** BigInt(q.binaryPower);
  const exponent = q.decimalExponent + scale;
  let result: bigint;
  if (exponent >= 0) {
    result = numerator * 10n ** BigInt(exponent);
  } else {
    const divisor = 10n ** BigInt(-exponent);
    result = numerator / divisor;
    if (numerator % divisor !== 0n) result += 1n;
  }
  return q.negative ? -Number(result) : Number(result);
}

/** Integer value rounded up: memory in bytes, pods, ephemeral-storage, extended resources. */
export function quantityValue(input: string | number): number {
  return scaledCeil(parseQuantity(input), 0);
}

/** Value in thousandths rounded up: cpu in millicores. */
export function quantityMilliValue(input: string | number): number {
  return scaledCeil(parseQuantity(input), 3);
}

/** Whether a string is a valid quantity (for config validation). */
export function isQuantity(input: string): boolean {
  return QUANTITY_PATTERN.test(input.trim());
}

/** Human-readable cpu for traces: 1500 → "1500m", 2000 → "2". */
export function formatMilliCpu(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Human-readable bytes for traces using binary suffixes when exact: 67108864 → "64Mi". */
export function formatBytes(bytes: number): string {
  const suffixes = ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'];
  for (const [i, suffix] of suffixes.entries()) {
    const unit = 1024 ** (6 - i);
    if (bytes !== 0 && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}
