/**
 * Work the scheduler started without awaiting it (binding cycles, event writes), remembered so
 * that shutdown can wait for all of it: `lab run` promises in-flight work finishes on SIGTERM.
 */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  /** Remember `work` until it settles. */
  track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => {});
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves once nothing is pending, including work tracked while waiting. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
