/** Drives a run on after one of its steps was completed (in this process, with the same store). */
export type ResumeRun = (runId: string) => Promise<unknown> | unknown;

export interface RunWriterOptions {
  readonly resume?: ResumeRun;
  readonly log: (message: string) => void;
}

/**
 * Orders the server's changes to each run (a completion, then the drive it starts) and drives
 * runs on in the background. The changes themselves are run commands, which take the run's
 * lease; this only keeps one change of a run at a time in this process, and a completion's
 * resume before the next change looks at the run.
 */
export class RunWriter {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly drives = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(private readonly options: RunWriterOptions) {}

  /**
   * Runs `write`, one change of a run at a time in this process. `andResume` has `resume` drive
   * the run on once it is done, before the next change of the run looks at it.
   */
  exclusive<T>(runId: string, write: () => Promise<T>, andResume = false): Promise<T> {
    const previous = this.queues.get(runId) ?? Promise.resolve();
    const run = async () => {
      const result = await write();
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
}
