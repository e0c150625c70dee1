/** Folds kept in memory by a store, for the runs it appended to or read last. */
const MAX_FOLDS = 16;

/**
 * A store's folds of the runs it works on, by run id: the most recently kept last, the oldest
 * forgotten beyond `MAX_FOLDS`, so that an append folds one event, not the log, without the
 * store holding every run it ever touched.
 */
export class RecentFolds<F> {
  private readonly folds = new Map<string, F>();

  get(runId: string): F | undefined {
    return this.folds.get(runId);
  }

  keep(runId: string, fold: F): void {
    this.folds.delete(runId);
    this.folds.set(runId, fold);
    if (this.folds.size > MAX_FOLDS) this.folds.delete(this.folds.keys().next().value!);
  }

  delete(runId: string): void {
    this.folds.delete(runId);
  }
}
