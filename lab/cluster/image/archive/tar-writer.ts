import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { BLOCK, encodeHeader, paddedSize } from './tar-format.js';

/** What the manifest records of each member: enough to check it on the other machine. */
export interface WrittenMember {
  name: string;
  size: number;
  sha256: string;
}

const WRITE_BATCH = 1 << 20; // gathers the stream's small chunks into 1 MB writes

/**
 * Writes a tar file member by member. A member can come from a stream of unknown length (the
 * output of `docker save`): its header is written as a placeholder and patched once the stream
 * ends, which needs a seekable file, not a pipe. Nothing is held in memory beyond one batch.
 */
export class TarFileWriter {
  private position = 0;

  private constructor(private readonly handle: FileHandle) {}

  static async create(path: string): Promise<TarFileWriter> {
    return new TarFileWriter(await open(path, 'w'));
  }

  async addBuffer(name: string, data: Buffer, mode = 0o644): Promise<WrittenMember> {
    return this.addStream(name, [data], mode);
  }

  async addStream(name: string, chunks: AsyncIterable<Buffer> | Iterable<Buffer>, mode = 0o644): Promise<WrittenMember> {
    encodeHeader(name, 0); // a name too long fails here, before anything is written
    const headerAt = this.position;
    this.position += BLOCK;
    const hash = createHash('sha256');
    let size = 0;
    let batch: Buffer[] = [];
    let batched = 0;
    const flush = async () => {
      if (batched === 0) return;
      const data = Buffer.concat(batch, batched);
      await this.writeAt(data, this.position);
      this.position += data.length;
      batch = [];
      batched = 0;
    };
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.length;
      batch.push(chunk);
      batched += chunk.length;
      if (batched >= WRITE_BATCH) await flush();
    }
    await flush();
    const padding = paddedSize(size) - size;
    if (padding > 0) await this.writeAt(Buffer.alloc(padding), this.position);
    this.position += padding;
    await this.writeAt(encodeHeader(name, size, { mode }), headerAt);
    return { name, size, sha256: hash.digest('hex') };
  }

  /** Ends the archive (two zero blocks), flushes it to disk and closes the file. */
  async finish(): Promise<number> {
    await this.writeAt(Buffer.alloc(2 * BLOCK), this.position);
    this.position += 2 * BLOCK;
    await this.handle.datasync();
    await this.handle.close();
    return this.position;
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  private async writeAt(data: Buffer, position: number): Promise<void> {
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await this.handle.write(data, written, data.length - written, position + written);
      written += bytesWritten;
    }
  }
}
