import type { RunEvent, RunSummary } from '@tta-dev/workflows';
import { type RunView, runView, summaryView } from './runView.js';

/** What became of an event given to `RunsState.add`. */
export type AddResult =
  /** Appended: the run changed. */
  | 'added'
  /** Already known (a stream replaying what a snapshot had). */
  | 'known'
  /** Events are missing before it (or the run is not loaded): load the run whole. */
  | 'gap';

interface RunRecord {
  summary?: RunSummary;
  /** Every event from seq 1, when loaded. */
  events?: RunEvent[];
}

/**
 * The runs the panel shows, kept from the run server's answers and its live events: a run's
 * summary until its events are loaded, then its events in `seq` order, never twice, never with a
 * gap. Listeners hear of every change with the ids of the runs that changed.
 */
export class RunsState {
  readonly #runs = new Map<string, RunRecord>();
  readonly #listeners = new Set<(changed: readonly string[]) => void>();
  #selected: string | undefined;

  /** Listens to changes; returns the function that stops. */
  subscribe(listener: (changed: readonly string[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The runs the server lists now (newest first): others are forgotten. */
  setSummaries(summaries: readonly RunSummary[]): void {
    const ids = new Set(summaries.map((s) => s.runId));
    for (const id of this.#runs.keys()) if (!ids.has(id)) this.#runs.delete(id);
    for (const summary of summaries) {
      const record = this.#runs.get(summary.runId) ?? {};
      record.summary = summary;
      this.#runs.set(summary.runId, record);
    }
    this.#emit([...ids]);
  }

  /** A run's events, whole (from seq 1). */
  setEvents(runId: string, events: readonly RunEvent[]): void {
    const record = this.#runs.get(runId) ?? {};
    // A live event may have come while the snapshot was on its way: keep the longer log.
    if (record.events === undefined || record.events.length <= events.length)
      record.events = [...events];
    this.#runs.set(runId, record);
    this.#emit([runId]);
  }

  /** A live event. */
  add(event: RunEvent): AddResult {
    const record = this.#runs.get(event.runId);
    const events = record?.events;
    if (events === undefined) {
      // A new run starts at seq 1; an old one not loaded yet must be loaded whole.
      if (event.seq !== 1) return 'gap';
      this.#runs.set(event.runId, { ...record, events: [event] });
      this.#emit([event.runId]);
      return 'added';
    }
    if (event.seq <= events.length) return 'known';
    if (event.seq !== events.length + 1) return 'gap';
    events.push(event);
    this.#emit([event.runId]);
    return 'added';
  }

  /** The run's events, when loaded. */
  events(runId: string): readonly RunEvent[] | undefined {
    return this.#runs.get(runId)?.events;
  }

  /** Every run, newest first (then by id). */
  views(): RunView[] {
    const views: RunView[] = [];
    for (const record of this.#runs.values()) {
      const view =
        record.events !== undefined && record.events.length > 0
          ? runView(record.events)
          : record.summary === undefined
            ? undefined
            : summaryView(record.summary);
      if (view !== undefined) views.push(view);
    }
    return views.sort((a, b) =>
      a.started !== b.started ? (a.started < b.started ? 1 : -1) : a.runId.localeCompare(b.runId),
    );
  }

  view(runId: string): RunView | undefined {
    return this.views().find((v) => v.runId === runId);
  }

  get selected(): string | undefined {
    return this.#selected;
  }

  select(runId: string | undefined): void {
    this.#selected = runId;
    this.#emit(runId === undefined ? [] : [runId]);
  }

  #emit(changed: readonly string[]): void {
    for (const listener of this.#listeners) listener(changed);
  }
}
