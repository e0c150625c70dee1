import { Wakeup } from './_Wakeup.js';
import { type FollowableRunStore, followRun, type WatchOptions, watchRuns } from './followRun.js';
import type { RunSummary } from './RunSummary.js';

/**
 * `RunStore.changes` of a store laid out in folders (`FileRunStore`): the runs there now are
 * followed from where `list()` says they end, and each new one from its start; every event
 * appended marks its run changed. Built on `watchRuns` and `followRun`, so nothing polls while
 * fs.watch watches.
 */
export async function* fileChanges(
  store: FollowableRunStore & {
    list(options?: { signal?: AbortSignal }): Promise<RunSummary[]>;
  },
  options: WatchOptions & { onReady?: () => void } = {},
): AsyncGenerator<string, void> {
  const stop = new AbortController();
  const outer = options.signal;
  const onAbort = () => stop.abort();
  outer?.addEventListener('abort', onAbort);
  if (outer?.aborted) stop.abort();
  const { signal } = stop;
  const { onReady, ...rest } = options;
  const watching: WatchOptions = { ...rest, signal };
  const wakeup = new Wakeup(signal);
  const pending = new Set<string>();
  let failure: unknown;
  const changed = (runId: string) => {
    pending.add(runId);
    wakeup.raise();
  };
  const follow = async (runId: string, after: number) => {
    try {
      for await (const _ of followRun(store, runId, { ...watching, after })) changed(runId);
    } catch {
      // A corrupt log: that run is followed no more, the others are (as the run server does).
    }
  };
  const watch = async () => {
    try {
      const ends = new Map((await store.list({ signal })).map((s) => [s.runId, s.events]));
      // From here each run is followed from where the listing saw it end: nothing is missed.
      onReady?.();
      for await (const { runId } of watchRuns(store, watching))
        void follow(runId, ends.get(runId) ?? 0);
    } catch (error) {
      if (!signal.aborted) failure = error;
      wakeup.end();
    }
  };
  void watch();
  try {
    for (await wakeup.wait(); !wakeup.over; await wakeup.wait())
      while (pending.size > 0 && !wakeup.over) {
        const id = pending.values().next().value!;
        pending.delete(id);
        yield id;
      }
    if (failure !== undefined) throw failure;
  } finally {
    outer?.removeEventListener('abort', onAbort);
    stop.abort();
    wakeup.end();
  }
}
