import type { RunEvent } from '@tta-dev/workflows';
import {
  type JournalSink,
  type RunJournal,
  runJournal,
  writeRunJournal,
} from '@tta-dev/workflows/journal';

export interface RunPagesOptions {
  /** A run's events, when loaded. */
  events(runId: string): readonly RunEvent[] | undefined;
  /** Where pages go (a new sink after the graph changes). */
  sink(): JournalSink;
  /** The page prefix now. */
  prefix(): string;
  /** A scheduled write failed. */
  onError?(error: Error): void;
  /** How long `schedule` waits for more events before writing. Default 300 ms. */
  delayMs?: number;
}

/**
 * Writes runs' pages from their events: now (`write`), or shortly after a burst of events
 * (`schedule`), one write of a run at a time, so that the pages of a run follow its events.
 */
export class RunPages {
  readonly #options: RunPagesOptions;
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(options: RunPagesOptions) {
    this.#options = options;
  }

  /** The run's pages as they are now, without writing them; undefined when not loaded. */
  journalOf(runId: string): RunJournal | undefined {
    const events = this.#options.events(runId);
    if (events === undefined || events.length === 0) return undefined;
    return runJournal(events, { prefix: this.#options.prefix() });
  }

  /** Writes the run's pages (after any write of it under way); undefined when not loaded. */
  write(runId: string): Promise<RunJournal | undefined> {
    const previous = this.#queues.get(runId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const journal = this.journalOf(runId);
        if (journal !== undefined) await writeRunJournal(journal, this.#options.sink());
        return journal;
      });
    const settled = next.catch(() => undefined);
    this.#queues.set(runId, settled);
    void settled.then(() => {
      if (this.#queues.get(runId) === settled) this.#queues.delete(runId);
    });
    return next;
  }

  /** Writes the run's pages once its events stop coming for a moment. */
  schedule(runId: string): void {
    clearTimeout(this.#timers.get(runId));
    this.#timers.set(
      runId,
      setTimeout(() => {
        this.#timers.delete(runId);
        this.write(runId).catch((error: unknown) => this.#options.onError?.(error as Error));
      }, this.#options.delayMs ?? 300),
    );
  }

  /** Cancels scheduled writes. */
  cancel(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Resolves when no write is scheduled or under way. */
  async idle(): Promise<void> {
    while (this.#timers.size > 0 || this.#queues.size > 0) {
      await Promise.all(this.#queues.values());
      if (this.#timers.size > 0)
        await new Promise((r) => setTimeout(r, this.#options.delayMs ?? 300));
    }
  }
}
