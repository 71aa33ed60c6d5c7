// Controller expectations (upstream pkg/controller/controller_utils.go): after a controller issues
// N creates or deletes it must not act on the same owner again until its informer has observed
// them, or the stale cache would make it create or delete a second time. Records expire after a
// TTL so a lost watch event cannot block an owner forever.

export interface ExpectationRecord {
  add: number;
  del: number;
  /** When the expectation was set, from the injected clock (ms). */
  timestamp: number;
}

export const DEFAULT_EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

export class ControllerExpectations {
  private readonly records = new Map<string, ExpectationRecord>();

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly ttlMs: number = DEFAULT_EXPECTATIONS_TTL_MS,
  ) {}

  expectCreations(key: string, n: number): void {
    this.records.set(key, { add: n, del: 0, timestamp: this.clock() });
  }

  expectDeletions(key: string, n: number): void {
    this.records.set(key, { add: 0, del: n, timestamp: this.clock() });
  }

  creationObserved(key: string): void {
    this.lowerExpectations(key, 1, 0);
  }

  deletionObserved(key: string): void {
    this.lowerExpectations(key, 0, 1);
  }

  /** Subtracts adds/deletes that will never be observed (e.g. creates skipped after an error). */
  lowerExpectations(key: string, adds: number, dels: number): void {
    const record = this.records.get(key);
    if (!record) return;
    record.add -= adds;
    record.del -= dels;
  }

  /** True when nothing is recorded, everything expected was observed, or the record expired. */
  satisfiedExpectations(key: string): boolean {
    const record = this.records.get(key);
    if (!record) return true;
    if (record.add <= 0 && record.del <= 0) return true;
    return this.clock() - record.timestamp > this.ttlMs;
  }

  deleteExpectations(key: string): void {
    this.records.delete(key);
  }

  get(key: string): ExpectationRecord | undefined {
    const record = this.records.get(key);
    return record ? { ...record } : undefined;
  }
}

/**
 * Expectations that remember which pods are expected to go away, so a pod seen deleted twice
 * (first as "deletionTimestamp set", then as a real DELETED event) lowers the count once.
 */
export class UIDTrackingControllerExpectations extends ControllerExpectations {
  private readonly expectedDeletions = new Map<string, Set<string>>();

  expectDeletionsOf(key: string, podKeys: string[]): void {
    this.expectedDeletions.set(key, new Set(podKeys));
    this.expectDeletions(key, podKeys.length);
  }

  /** Lowers the delete expectation only if podKey was expected and not yet seen. */
  deletionObservedOf(key: string, podKey: string): void {
    const expected = this.expectedDeletions.get(key);
    if (!expected?.delete(podKey)) return;
    this.deletionObserved(key);
  }

  override deleteExpectations(key: string): void {
    super.deleteExpectations(key);
    this.expectedDeletions.delete(key);
  }
}
