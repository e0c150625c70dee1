import {
  type FollowableRunStore,
  type FollowOptions,
  followRun,
  type RunEvent,
  type RunStore,
  type WatchOptions,
} from '@tta-dev/workflows';

/** A store the run server can follow: one with `follow` (any), or laid out in folders (files). */
export type LiveRunStore = RunStore & Partial<FollowableRunStore>;

/** Whether the store's runs are folders that `followRun`/`watchRuns` can watch. */
export function isFollowable(store: LiveRunStore): store is RunStore & FollowableRunStore {
  return typeof store.root === 'string' && typeof store.eventsFile === 'function';
}

/**
 * The events of a run after `after`, then each one appended: `followRun` (with the server's
 * watch options) for a store in folders, the store's own `follow` (LISTEN/NOTIFY in PostgreSQL)
 * otherwise.
 */
export function followEvents(
  store: LiveRunStore,
  runId: string,
  options: FollowOptions & WatchOptions,
): AsyncIterable<RunEvent> {
  if (isFollowable(store)) return followRun(store, runId, options);
  if (store.follow === undefined)
    throw new Error('this run store cannot follow runs (it has neither follow nor run folders)');
  const { pollMs: _p, watch: _w, ...rest } = options;
  return store.follow(runId, rest);
}
