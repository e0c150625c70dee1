import type { RunEvent, RunEventInput } from './RunEvent.js';
import type { RunStatus } from './RunState.js';
import type { RunSummary } from './RunSummary.js';

/** Options of every `RunStore` implementation. */
export interface RunStoreOptions {
  /** Clock, in epoch milliseconds: event times and lease expiry. Default: `Date.now`. */
  now?: () => number;
  /**
   * Values redacted wherever they occur in an event, on top of secret-named fields and
   * well-known token shapes (see `redactSecrets`): typically `secretValuesFromEnv(process.env)`.
   * Default: none.
   */
  secrets?: Iterable<string>;
}

/** Options of a single store call. */
export interface RunStoreCallOptions {
  /** Refuses to start the call once aborted. */
  signal?: AbortSignal;
}

export interface ListOptions extends RunStoreCallOptions {
  /**
   * Only the runs listed with one of these statuses (as `list()` gives them: `interrupted` for a
   * running run nobody drives). A store may read less for it: a worker asks for the few runs it
   * may take, not the thousands that ended.
   */
  statuses?: readonly RunStatus[];
}

export interface LeaseOptions extends RunStoreCallOptions {
  /** How long the lease lasts unless renewed, in milliseconds. Default: `DEFAULT_LEASE_TTL_MS`. */
  ttlMs?: number;
}

export const DEFAULT_LEASE_TTL_MS = 30_000;

export interface FollowOptions extends RunStoreCallOptions {
  /**
   * Yield the events after this `seq`: 0 (the default) for the whole run, the last `seq` a reader
   * has seen to resume, or `'end'` for only the events appended from now on.
   */
  after?: number | 'end';
}

export interface ChangesOptions extends RunStoreCallOptions {
  /**
   * Called once the reader listens: every change from then on will come. A reader that also
   * lists the runs lists them after this, so that nothing falls between the two.
   */
  onReady?: () => void;
}

/**
 * The right to drive one run. Exclusive while live; it lapses `ttlMs` after it was taken or
 * last renewed, after which another owner may take the run over.
 */
export interface Lease {
  readonly runId: string;
  readonly owner: string;
  /** Epoch milliseconds after which the lease lapses unless renewed. */
  readonly expiresAt: number;
  /**
   * Extends the lease by its `ttlMs` from now. Throws `LeaseLostError` when another owner has
   * taken the run over (or the lease was released): stop driving the run then.
   */
  renew(): Promise<void>;
  /**
   * How long the lease still lasts by the store's clock, in milliseconds, as far as this holder
   * knows without asking the store: 0 once released, lost to a failed renewal, or superseded by
   * a lease taken in this process. A positive figure means nobody else can have taken the run
   * (a take-over needs the lease to lapse), so the engine checks this before each step and calls
   * `renew` only when it runs low. Stores that cannot tell leave it out (the engine then renews).
   */
  remainingMs?(): number;
  /** Gives the run up. Does nothing when the lease was already lost or released. */
  release(): Promise<void>;
  /**
   * Records the process groups of the work going on under the lease (a step's command; `[]`
   * when it ended), so that a process taking the run over after this one died can kill what
   * it left running. Renews the lease. Stores that cannot reach the processes leave it out.
   */
  track?(groups: readonly number[]): Promise<void>;
}

/**
 * Where runs are recorded: one append-only log of events per run. The file store is the default
 * (`FileRunStore`); every implementation passes the contract suite `describeRunStore` (`@tta-dev/workflows/testing`).
 *
 * Appends to one run are serialised by the store; the lease keeps a second process (or a second
 * store) from driving the same run at the same time.
 */
export interface RunStore {
  /**
   * Stores an event at the end of the run's log and returns it as stored: secrets redacted, with
   * the next `seq` (1-based), the current `time` and the `runId`. The first event of a run must
   * be `run_started`, and only the first. Throws `InvalidRunEventError` (nothing stored) when the
   * event does not match its schema or comes out of order, `InvalidRunIdError` for a bad id.
   */
  append(runId: string, event: RunEventInput, options?: RunStoreCallOptions): Promise<RunEvent>;
  /** Every event of the run, in order; `[]` for a run never written. */
  read(runId: string, options?: RunStoreCallOptions): Promise<RunEvent[]>;
  /** A summary of every run with events (of `options.statuses`), newest first (then by run id). */
  list(options?: ListOptions): Promise<RunSummary[]>;
  /**
   * The summary of one run as `list()` gives it (`interrupted` when nobody drives a running
   * run, `unreadable` for a broken log), or `undefined` for a run with no events.
   */
  summary(runId: string, options?: RunStoreCallOptions): Promise<RunSummary | undefined>;
  /**
   * Takes the run's lease for `owner`, or resolves to `undefined` when another owner holds a live
   * one. Asking again with the same owner from the same process hands out a new lease and
   * supersedes the old one (whose `renew` then throws).
   */
  lease(runId: string, owner: string, options?: LeaseOptions): Promise<Lease | undefined>;
  /**
   * Makes what was appended to the run durable (fsync), for stores that buffer. The engine calls
   * it at step boundaries; stores that are always durable, or never, leave it out.
   */
  sync?(runId: string, options?: RunStoreCallOptions): Promise<void>;
  /**
   * The run's events after `options.after`, then each one as it is appended, by this process or
   * another, until `options.signal` aborts (the iteration then ends quietly). A run that does not
   * exist yet is waited for. Stores that cannot follow leave it out.
   */
  follow?(runId: string, options?: FollowOptions): AsyncIterable<RunEvent>;
  /**
   * The ids of runs as they change, by this process or another: each run appended to from now on
   * (a new run too), until `options.signal` aborts. Coalesced: a reader that falls behind gets a
   * run that changed several times once. Without waiting in a loop: a process watching a store
   * costs nothing while nothing changes. Stores that cannot tell leave it out (readers then look
   * at `list()` from time to time).
   */
  changes?(options?: ChangesOptions): AsyncIterable<string>;
  /**
   * Deletes the run: its events, its summary and its lease, as if it had never been written (for
   * retention: `pruneRuns`). The caller holds the run's lease, so that no drive or command is
   * changing it; giving that lease back afterwards does nothing. Followers of the run hear of it
   * no more. Stores that cannot delete leave it out.
   */
  remove?(runId: string, options?: RunStoreCallOptions): Promise<void>;
  /**
   * Lets go of what the store holds open (a database's connections), ending its followers, so
   * that the process can exit. Stores that hold nothing open leave it out.
   */
  close?(): Promise<void>;
}
