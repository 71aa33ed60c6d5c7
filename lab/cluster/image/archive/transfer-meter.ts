/**
 * Progress of a long copy (saving or checking a 1 GB archive): bytes done of an estimated total,
 * the rate, and the time left, reported at most every `everyMs` so the log stays short.
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(0)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

export function describeTransfer(done: number, estimatedTotal: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  const total = Math.max(done, estimatedTotal);
  const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
  // docker save takes a while to start streaming: a rate from its first bytes says nothing yet.
  const left = rate > 0 && done >= total * 0.02 ? Math.max(0, (total - done) / rate) : undefined;
  return `${formatBytes(done)} of ~${formatBytes(total)} (${percent} %), ${formatBytes(rate)}/s${left === undefined ? '' : `, ~${Math.ceil(left)} s left`}`;
}

export class TransferMeter {
  private done = 0;
  private readonly started = Date.now();
  private lastReport = Date.now(); // the first line after `everyMs`, when the rate means something

  constructor(
    private readonly estimatedTotal: number,
    private readonly report: (line: string) => void,
    private readonly everyMs = 2000,
  ) {}

  add(bytes: number): void {
    this.done += bytes;
    const now = Date.now();
    if (now - this.lastReport >= this.everyMs) {
      this.lastReport = now;
      this.report(describeTransfer(this.done, this.estimatedTotal, now - this.started));
    }
  }

  get bytes(): number {
    return this.done;
  }
}
