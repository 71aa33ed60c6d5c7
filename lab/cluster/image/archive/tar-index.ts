import { open } from 'node:fs/promises';
import { BLOCK, decodeHeader, isZeroBlock, paddedSize, type TarHeader } from './tar-format.js';

/**
 * The table of contents of a tar file, read header by header (skipping the data), so that a 1 GB
 * archive is indexed in milliseconds and a truncated or damaged one is told apart from a good one.
 */
export interface TarEntry extends TarHeader {
  /** Byte offset of the member's data in the file. */
  dataOffset: number;
}

export interface TarIndex {
  entries: TarEntry[];
  /** What is wrong with the file as a tar archive, if anything (truncated, damaged header). */
  problem?: string;
}

/** Random access to the bytes of an archive: a file, or a buffer in tests. */
export interface ByteSource {
  size: number;
  read(position: number, length: number): Promise<Buffer>;
}

export function bufferSource(data: Buffer): ByteSource {
  return { size: data.length, read: async (position, length) => data.subarray(position, position + length) };
}

/** Opens a file as a ByteSource for `use`, and closes it after. */
export async function withFileSource<T>(path: string, use: (source: ByteSource) => Promise<T>): Promise<T> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return await use({
      size,
      read: async (position, length) => {
        const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        return buffer.subarray(0, bytesRead);
      },
    });
  } finally {
    await handle.close();
  }
}

export async function indexTar(source: ByteSource): Promise<TarIndex> {
  const entries: TarEntry[] = [];
  let offset = 0;
  for (;;) {
    if (offset >= source.size) {
      return { entries, problem: `the file ends at byte ${source.size} without the end-of-archive marker (truncated after ${entries.length} member(s))` };
    }
    const block = await source.read(offset, BLOCK);
    if (block.length < BLOCK) return { entries, problem: `the file ends at byte ${source.size} in the middle of a header (truncated)` };
    if (isZeroBlock(block)) return { entries };
    const header = decodeHeader(block);
    if ('error' in header) return { entries, problem: `damaged header at byte ${offset}: ${header.error}` };
    const dataOffset = offset + BLOCK;
    if (dataOffset + header.size > source.size) {
      return {
        entries,
        problem: `member ${header.name} needs ${header.size} bytes from byte ${dataOffset}, but the file ends at byte ${source.size} (truncated)`,
      };
    }
    entries.push({ ...header, dataOffset });
    offset = dataOffset + paddedSize(header.size);
  }
}

/** The first header only: enough to tell the lab's archive from a plain `docker save` tar. */
export async function firstHeader(source: ByteSource): Promise<TarHeader | { error: string }> {
  if (source.size < BLOCK) return { error: `the file has ${source.size} bytes, less than one tar header` };
  return decodeHeader(await source.read(0, BLOCK));
}
