/** Counts of one slice of the sampling window. */
export interface WindowBucket {
  start: number;
  successes: number;
  failures: number;
}

const BUCKETS = 10;

/**
 * Successes and failures over the last `durationMs`, kept in ten time buckets so that memory
 * stays constant whatever the call rate.
 */
export class FailureWindow {
  private readonly bucketMs: number;

  constructor(
    private readonly durationMs: number,
    private buckets: WindowBucket[] = [],
  ) {
    this.bucketMs = Math.max(1, durationMs / BUCKETS);
  }

  record(now: number, failed: boolean): void {
    let current = this.buckets[this.buckets.length - 1];
    if (current === undefined || now - current.start >= this.bucketMs) {
      current = {
        start: now - ((now - (current?.start ?? now)) % this.bucketMs),
        successes: 0,
        failures: 0,
      };
      this.buckets.push(current);
    }
    if (failed) current.failures++;
    else current.successes++;
    this.prune(now);
  }

  /** Calls and failure rate within the window ending at `now`. */
  rate(now: number): { calls: number; failureRate: number } {
    this.prune(now);
    let calls = 0;
    let failures = 0;
    for (const b of this.buckets) {
      calls += b.successes + b.failures;
      failures += b.failures;
    }
    return { calls, failureRate: calls === 0 ? 0 : failures / calls };
  }

  reset(): void {
    this.buckets = [];
  }

  snapshot(): WindowBucket[] {
    return this.buckets.map((b) => ({ ...b }));
  }

  private prune(now: number): void {
    while (this.buckets.length > 0 && now - this.buckets[0]!.start >= this.durationMs)
      this.buckets.shift();
  }
}
