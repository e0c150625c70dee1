import { setTimeout as sleep } from 'node:timers/promises';
import { type RunStore, withLease } from '@tta-dev/workflows';
import { HttpError } from './HttpError.js';

/** Drives a run on after one of its steps was completed (in this process, with the same store). */
export type ResumeRun = (runId: string) => Promise<unknown> | unknown;

export interface RunWriterOptions {
  readonly store: RunStore;
  /** The lease owner of the server's writes; never the engine's own owner name. */
  readonly owner: string;
  /** How long to wait for the lease held by an engine in another process. */
  readonly leaseWaitMs: number;
  readonly resume?: ResumeRun;
  readonly log: (message: string) => void;
}

/**
 * Writes to a run's log as its only writer. The store keeps the appends of one store object in
 * order, but two processes appending to the same run at once could both write the same `seq` and
 * corrupt the log; the run's lease is what keeps them apart. So each write takes the lease for
 * its duration, waiting a little while an engine in another process drives the run (then 409).
 * A run that this server's own `resume` drives is written to directly: that engine shares the
 * store object, which orders the appends.
 */
export class RunWriter {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly drives = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(private readonly options: RunWriterOptions) {}

  /**
   * Runs `write` as the run's only writer (one at a time in this process, under the lease).
   * `andResume` has `resume` drive the run on once the lease is released, before the next write
   * of the run looks at it (which then sees the drive and does not wait for the engine's lease).
   */
  exclusive<T>(runId: string, write: () => Promise<T>, andResume = false): Promise<T> {
    const previous = this.queues.get(runId) ?? Promise.resolve();
    const run = async () => {
      const result = await this.leased(runId, write);
      if (andResume) this.resume(runId);
      return result;
    };
    const next = previous.then(run, run);
    const settled = next.catch(() => undefined);
    this.queues.set(runId, settled);
    void settled.then(() => {
      if (this.queues.get(runId) === settled) this.queues.delete(runId);
    });
    return next;
  }

  /**
   * Has `resume` drive the run on, in the background; if it is driving the run already, once
   * more when that drive ends. False when the server was given no `resume`.
   */
  resume(runId: string): boolean {
    const resume = this.options.resume;
    if (resume === undefined) return false;
    const current = this.drives.get(runId);
    if (current !== undefined) {
      current.again = true;
      return true;
    }
    const drive = { again: true, done: Promise.resolve() };
    this.drives.set(runId, drive);
    drive.done = (async () => {
      try {
        while (drive.again) {
          drive.again = false;
          try {
            await resume(runId);
          } catch (error) {
            this.options.log(`resuming run ${runId} failed: ${(error as Error).message}`);
          }
        }
      } finally {
        this.drives.delete(runId);
      }
    })();
    return true;
  }

  /** Resolves once no run is being resumed. */
  async idle(): Promise<void> {
    while (this.drives.size > 0) await Promise.all([...this.drives.values()].map((d) => d.done));
  }

  private async leased<T>(runId: string, write: () => Promise<T>): Promise<T> {
    const { store, owner, leaseWaitMs } = this.options;
    const deadline = Date.now() + leaseWaitMs;
    for (;;) {
      if (this.drives.has(runId)) return write();
      const lease = await store.lease(runId, owner);
      if (lease !== undefined) return withLease(lease, write);
      if (Date.now() >= deadline)
        throw new HttpError(
          409,
          `run "${runId}" is being driven by another process (tta workflow run or resume); try again when its step ends or the run suspends`,
          { busy: true },
          { 'retry-after': '5' },
        );
      await sleep(100);
    }
  }
}
