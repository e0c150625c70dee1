import { setMaxListeners } from 'node:events';
import { type RunEvent, watchRuns } from '@tta-dev/workflows';
import { followEvents, isFollowable, type LiveRunStore } from './followEvents.js';

/** Who listens to the feed. */
export interface FeedListener {
  /** The feed is following every run: each event appended from now on will come. */
  ready(): void;
  event(event: RunEvent): void;
}

export interface RunFeedOptions {
  /** A store in folders (watched), or one with `follow` and `changes` (PostgreSQL). */
  readonly store: LiveRunStore;
  readonly pollMs?: number;
  readonly watch?: boolean;
  /** Problems following a run (a corrupt log): the feed goes on with the others. */
  readonly log: (message: string) => void;
}

/**
 * The new events of every run, shared by all listeners: it follows each run (and notices new
 * runs) only while someone listens, however many listen.
 */
export class RunFeed {
  private readonly listeners = new Set<FeedListener>();
  private running: { stop: AbortController; ready: boolean } | undefined;

  constructor(private readonly options: RunFeedOptions) {}

  /** Starts listening; the returned function stops. */
  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    if (this.running === undefined) this.start();
    else if (this.running.ready) listener.ready();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    this.running?.stop.abort();
    this.running = undefined;
  }

  private start(): void {
    const running = { stop: new AbortController(), ready: false };
    // One follower per run listens for this abort: a thousand runs are not a leak.
    setMaxListeners(0, running.stop.signal);
    this.running = running;
    void this.follow(running).catch((error: unknown) => {
      this.options.log(`the all-runs feed stopped: ${(error as Error).message}`);
    });
  }

  private async follow(running: { stop: AbortController; ready: boolean }): Promise<void> {
    const { store, pollMs, watch } = this.options;
    const { signal } = running.stop;
    if (!isFollowable(store)) return this.followChanges(running);
    // Where each run ends now: events after that are new. A run created after this is new whole.
    let ends: Map<string, number> | undefined;
    try {
      ends = new Map((await store.list({ signal })).map((s) => [s.runId, s.events]));
    } catch (error) {
      if (signal.aborted) return;
      this.options.log(
        `listing the runs failed (${(error as Error).message}); following from now on`,
      );
    }
    if (signal.aborted) return;
    running.ready = true;
    for (const listener of this.listeners) listener.ready();
    const watching = {
      signal,
      ...(pollMs === undefined ? {} : { pollMs }),
      ...(watch === undefined ? {} : { watch }),
    };
    for await (const { runId, existed } of watchRuns(store, watching)) {
      // Without the list, a run already there is followed from where it is when first read.
      const after = ends === undefined ? (existed ? 'end' : 0) : (ends.get(runId) ?? 0);
      void this.followOne(runId, after, watching);
    }
  }

  /**
   * For a store that tells which runs change (`changes`): listening first, then listing, so
   * that an append between the two is not lost; each run is followed from its first change on,
   * from where the listing saw it end.
   */
  private async followChanges(running: { stop: AbortController; ready: boolean }): Promise<void> {
    const { store } = this.options;
    const { signal } = running.stop;
    if (store.changes === undefined)
      throw new Error('this run store cannot tell which runs change (it has no changes)');
    let listening: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      listening = resolve;
    });
    const changes = store.changes({ signal, onReady: () => listening() })[Symbol.asyncIterator]();
    const first = changes.next();
    first.catch(() => undefined); // awaited below; this keeps an early failure from going unhandled
    await Promise.race([ready, first]);
    if (signal.aborted) return;
    const ends = new Map((await store.list({ signal })).map((s) => [s.runId, s.events]));
    if (signal.aborted) return;
    running.ready = true;
    for (const listener of this.listeners) listener.ready();
    const followed = new Set<string>();
    for (let next = await first; next.done !== true; next = await changes.next()) {
      const runId = next.value;
      if (followed.has(runId)) continue;
      followed.add(runId);
      void this.followOne(runId, ends.get(runId) ?? 0, { signal });
    }
  }

  private async followOne(
    runId: string,
    after: number | 'end',
    watching: { signal: AbortSignal; pollMs?: number; watch?: boolean },
  ): Promise<void> {
    try {
      for await (const event of followEvents(this.options.store, runId, { ...watching, after }))
        for (const listener of this.listeners) listener.event(event);
    } catch (error) {
      this.options.log(`stopped following run ${runId}: ${(error as Error).message}`);
    }
  }
}
