/**
 * The tar format (POSIX ustar), as much of it as the lab's image archive needs: 512-byte headers,
 * data padded to 512 bytes, two zero blocks at the end. Sizes of 8 GiB and more use the GNU
 * base-256 encoding. Pure functions on buffers, so they can be tested without files.
 */
export const BLOCK = 512;
const NAME_MAX = 100;
const OCTAL_SIZE_LIMIT = 8 ** 11; // 11 octal digits

export interface TarHeader {
  name: string;
  size: number;
  /** '0' (or '\0') is a regular file; docker save also writes directories, symlinks and pax headers. */
  type: string;
}

export function paddedSize(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

export function encodeHeader(name: string, size: number, opts: { mode?: number; mtimeSeconds?: number } = {}): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length >= NAME_MAX) throw new Error(`tar member name too long (${nameBytes.length} bytes): ${name}`);
  const block = Buffer.alloc(BLOCK);
  nameBytes.copy(block, 0);
  writeOctal(block, 100, 8, opts.mode ?? 0o644);
  writeOctal(block, 108, 8, 0); // uid
  writeOctal(block, 116, 8, 0); // gid
  writeSize(block, size);
  writeOctal(block, 136, 12, opts.mtimeSeconds ?? Math.floor(Date.now() / 1000));
  block.write('0', 156, 'ascii');
  block.write('ustar\u000000', 257, 'ascii');
  block.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
  const sum = headerSum(block);
  block.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 'ascii');
  return block;
}

export function isZeroBlock(block: Buffer): boolean {
  for (const byte of block) if (byte !== 0) return false;
  return true;
}

/** Parses one header block; a damaged block (checksum mismatch, bad number) gives an error message instead. */
export function decodeHeader(block: Buffer): TarHeader | { error: string } {
  if (block.length < BLOCK) return { error: `a header needs ${BLOCK} bytes, got ${block.length}` };
  const stored = parseOctal(block.subarray(148, 156));
  if (stored === undefined) return { error: 'the header checksum field is not a number' };
  if (stored !== headerSum(block)) return { error: `header checksum mismatch (stored ${stored}, computed ${headerSum(block)})` };
  const size = readSize(block.subarray(124, 136));
  if (size === undefined) return { error: 'the size field is not a number' };
  const name = cString(block.subarray(0, NAME_MAX));
  const prefix = block.toString('ascii', 257, 262) === 'ustar' ? cString(block.subarray(345, 500)) : '';
  const type = String.fromCharCode(block[156] ?? 0);
  return { name: prefix ? `${prefix}/${name}` : name, size, type: type === '\u0000' ? '0' : type };
}

function headerSum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum;
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(value.toString(8).padStart(length - 1, '0') + '\u0000', offset, length, 'ascii');
}

function writeSize(block: Buffer, size: number): void {
  if (size < OCTAL_SIZE_LIMIT) return writeOctal(block, 124, 12, size);
  // GNU base-256: the high bit of the first byte set, then the number big-endian.
  block.fill(0, 124, 136);
  block.writeBigUInt64BE(BigInt(size), 128);
  block[124] = 0x80;
}

function readSize(field: Buffer): number | undefined {
  if ((field[0]! & 0x80) !== 0) return Number(field.readBigUInt64BE(4));
  return parseOctal(field);
}

function parseOctal(field: Buffer): number | undefined {
  const text = field.toString('ascii').replace(/\u0000.*$/s, '').trim();
  if (text === '') return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined;
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end === -1 ? field.length : end);
}
