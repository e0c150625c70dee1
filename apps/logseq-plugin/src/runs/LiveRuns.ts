import type { RunsState } from '../panel/RunsState.js';
import type { RunServerClient } from './RunServerClient.js';

export type Connection =
  | { state: 'connecting' }
  | { state: 'live' }
  | { state: 'offline'; error: string; retryInMs: number };

export interface LiveRunsOptions {
  client: RunServerClient;
  state: RunsState;
  /** How many of the newest runs get their events loaded (others when selected). Default 20. */
  detailed?: number;
  /** The connection changed. */
  onConnection?(connection: Connection): void;
  /** New events of a run arrived (live, or loaded after a gap). */
  onRunChanged?(runId: string): void;
  /** Loading a run failed. */
  onError?(error: Error): void;
  /** Wait before reconnecting, by attempt (0, 1…). Default 1 s doubling up to 30 s. */
  retryDelayMs?(attempt: number): number;
}

/**
 * Keeps `RunsState` in step with the run server: follows the all-runs event stream, loads the run
 * list and the newest runs' events whenever the stream (re)opens, loads a run whole when one of
 * its events comes without those before it, and reconnects with a growing delay when the server
 * goes away.
 */
export class LiveRuns {
  readonly #options: LiveRunsOptions;
  readonly #loading = new Map<string, Promise<void>>();
  #stop: AbortController | undefined;

  constructor(options: LiveRunsOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#stop !== undefined) return;
    const stop = new AbortController();
    this.#stop = stop;
    void this.#follow(stop.signal);
  }

  stop(): void {
    this.#stop?.abort();
    this.#stop = undefined;
  }

  /** Loads a run's events whole (once at a time per run). */
  loadRun(runId: string): Promise<void> {
    const pending = this.#loading.get(runId);
    if (pending !== undefined) return pending;
    const load = (async () => {
      try {
        const { events } = await this.#options.client.getRun(runId, this.#stop?.signal);
        this.#options.state.setEvents(runId, events);
      } finally {
        this.#loading.delete(runId);
      }
    })();
    this.#loading.set(runId, load);
    return load;
  }

  async #follow(signal: AbortSignal): Promise<void> {
    const { client, onConnection } = this.#options;
    const delay = this.#options.retryDelayMs ?? ((n: number) => Math.min(30_000, 1000 * 2 ** n));
    let attempt = 0;
    while (!signal.aborted) {
      onConnection?.({ state: 'connecting' });
      try {
        await client.stream(
          {
            // The feed follows every run from now on: what it missed, the snapshot has.
            onReady: () => {
              attempt = 0;
              onConnection?.({ state: 'live' });
              void this.#reload(signal);
            },
            onEvent: (event) => {
              const result = this.#options.state.add(event);
              if (result === 'added') this.#options.onRunChanged?.(event.runId);
              else if (result === 'gap') void this.#loadChanged(event.runId);
            },
          },
          { signal },
        );
        if (signal.aborted) return;
        throw new Error('the run server ended the event stream');
      } catch (error) {
        if (signal.aborted) return;
        const retryInMs = delay(attempt++);
        onConnection?.({ state: 'offline', error: (error as Error).message, retryInMs });
        await sleep(retryInMs, signal);
      }
    }
  }

  /**
   * The run list, and the events of the newest runs: those not loaded yet, and those that went on
   * while the stream was down (the all-runs stream has no ids to resume from).
   */
  async #reload(signal: AbortSignal): Promise<void> {
    const { client, state } = this.#options;
    try {
      const summaries = await client.listRuns(signal);
      state.setSummaries(summaries);
      const newest = state.views().slice(0, this.#options.detailed ?? 20);
      const counts = new Map(summaries.map((s) => [s.runId, s.events]));
      await Promise.all(
        newest.map((view) => {
          const known = state.events(view.runId)?.length;
          if (known === undefined) return this.loadRun(view.runId);
          if (known < (counts.get(view.runId) ?? 0)) return this.#loadChanged(view.runId);
          return undefined;
        }),
      );
    } catch (error) {
      if (!signal.aborted) this.#options.onError?.(error as Error);
    }
  }

  async #loadChanged(runId: string): Promise<void> {
    try {
      await this.loadRun(runId);
      this.#options.onRunChanged?.(runId);
    } catch (error) {
      this.#options.onError?.(error as Error);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
