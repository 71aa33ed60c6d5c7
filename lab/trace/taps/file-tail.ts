/**
 * Follows a growing text file line by line, like `tail -F`: survives the file not existing yet,
 * being truncated (read again from the start) and being rotated (a new inode at the same path:
 * the rest of the old file is read, then the new one from its start). Polls, because the file
 * usually sits on a bind mount where inotify is unreliable.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

export interface FileTailOptions {
  path: string;
  onLine: (line: string) => void;
  /** Start at the end of an existing file (only new lines) or at its start. Default 'end'. */
  from?: 'start' | 'end';
  pollMs?: number; // default 250
  onError?: (err: Error) => void;
}

export class FileTail {
  private handle: FileHandle | undefined;
  private inode: number | undefined;
  private offset = 0;
  private partial = '';
  private decoder = new StringDecoder('utf8'); // a UTF-8 character may straddle two reads
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private firstOpen = true;

  constructor(private readonly opts: FileTailOptions) {}

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll());
    }, this.opts.pollMs ?? 250);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    await this.poll(); // last lines written before stop
    await this.handle?.close();
    this.handle = undefined;
  }

  /** One read cycle; exposed so tests can drive it without timers. */
  async poll(): Promise<void> {
    try {
      const st = await stat(this.opts.path).catch(() => undefined);
      if (!st) return; // not there yet, or mid-rotation
      if (this.handle && this.inode !== st.ino) {
        await this.readToEnd(); // the rest of the rotated-away file
        await this.handle.close();
        this.handle = undefined;
      }
      if (!this.handle) {
        this.handle = await open(this.opts.path, 'r');
        this.inode = st.ino;
        this.offset = this.firstOpen && (this.opts.from ?? 'end') === 'end' ? st.size : 0;
        this.partial = '';
        this.decoder = new StringDecoder('utf8');
        this.firstOpen = false;
      }
      if (st.size < this.offset) {
        this.offset = 0; // truncated in place
        this.partial = '';
        this.decoder = new StringDecoder('utf8');
      }
      await this.readToEnd();
    } catch (err) {
      this.opts.onError?.(err as Error);
    }
  }

  private async readToEnd(): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, this.offset);
      if (bytesRead === 0) return;
      this.offset += bytesRead;
      const text = this.partial + this.decoder.write(buf.subarray(0, bytesRead));
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') this.opts.onLine(line);
    }
  }
}
