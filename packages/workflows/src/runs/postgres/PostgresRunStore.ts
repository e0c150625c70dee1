import type { Client, Pool } from 'pg';
import { holderLives } from '../_holderLives.js';
import { KeyedMutex } from '../_KeyedMutex.js';
import { checkRunId, followAfter, leaseArguments, prepareEvent } from '../_prepareEvent.js';
import { RecentFolds } from '../_RecentFolds.js';
import { STEP_PROGRESS } from '../_RunSummaries.js';
import { applyEvent, foldRun, initialState } from '../foldRun.js';
import type { RunEvent, RunEventInput } from '../RunEvent.js';
import type { RunState } from '../RunState.js';
import type {
  ChangesOptions,
  FollowOptions,
  Lease,
  LeaseOptions,
  ListOptions,
  RunStore,
  RunStoreCallOptions,
  RunStoreOptions,
} from '../RunStore.js';
import {
  compareRunSummaries,
  listedSummary,
  listedWith,
  type RunSummary,
  summaryOf,
} from '../RunSummary.js';
import { type PostgresTarget, postgresTarget } from './_connection.js';
import { type NotificationSubscriber, Notifications } from './_Notifications.js';
import { type LeaseClock, type Query, takePostgresLease } from './_PostgresLease.js';
import { migrate, type Tables, tablesOf } from './_schema.js';

export interface PostgresRunStoreOptions extends RunStoreOptions {
  /** `postgres://user:password@host:port/database[?schema=name]`. */
  readonly url: string;
  /** Schema of the tables; overrides the URL's `?schema=`. Default: `public`. */
  readonly schema?: string;
  /** Where the URL came from, for error messages (`TTA_RUN_STORE`). Default: `url`. */
  readonly source?: string;
  /** Most connections the pool opens (besides the one that listens). Default: 10. */
  readonly maxConnections?: number;
  /**
   * Clock, in epoch milliseconds, for event times and, when given, lease expiry too. Without it
   * events get this machine's time and leases expire by the database's clock (`now()`), which
   * every machine shares; given (tests with a fake clock), it is passed into every lease
   * statement, so that expiry follows it consistently.
   */
  readonly now?: () => number;
}

interface RunRow {
  readonly run_id: string;
  readonly summary: RunSummary;
  /** The run's event count and last time: its row's, or its last event's while it runs. */
  readonly events: number;
  readonly updated: Date;
  readonly live: boolean | null;
  readonly host: string | null;
  readonly pid: number | null;
}

/**
 * A `RunStore` in PostgreSQL, so that every machine of a team records runs in one place
 * (`TTA_RUN_STORE=postgres://…`).
 *
 * - **Tables** `tta_run_events` (one row per event, primary key `(run_id, seq)`: it orders
 *   appends and refuses a duplicate; the envelope in columns, the rest in jsonb), `tta_runs`
 *   (one row per run with its summary, as folding its events gives, so `list()` is one query)
 *   and `tta_leases`, in the schema of the URL's `?schema=` (default `public`), created and
 *   migrated by the store at its first call (`_schema.ts`).
 * - **Appends** are one statement each, committed on its own (durable once `append` resolves:
 *   there is no `sync`). The event goes in at the seq after this store's fold of the run; a seq
 *   another process took meanwhile inserts nothing, and the store folds what is stored and tries
 *   the next. A step's progress in a live run writes no run row (as the file store writes no
 *   summary then): `list()` takes a live run's count and time from its last event.
 *   In this process appends queue in call order.
 * - **Leases** are taken and renewed in one statement each, expiring by the database's clock.
 * - **Live views** (`follow`, `changes`) LISTEN on one connection per store: each append
 *   NOTIFYs the run's id in its transaction, so a follower on any machine hears of it once it
 *   is committed; nothing polls.
 *
 * `pg` is loaded at the first call, so a process using the file store never loads it. Call
 * `close()` when done, so that the process can exit.
 */
export class PostgresRunStore implements RunStore {
  /** The URL as it may be shown: its password as `***`. */
  readonly url: string;
  readonly schema: string;
  private readonly target: PostgresTarget;
  private readonly tables: Tables;
  private readonly now: () => number;
  private readonly clock: LeaseClock;
  private readonly secrets: readonly string[];
  private readonly maxConnections: number;
  private readonly mutex = new KeyedMutex();
  private readonly folds = new RecentFolds<Fold>();
  private readonly statements: Statements;
  private connecting: Promise<Pool> | undefined;
  private pool: Pool | undefined;
  private listener: Notifications | undefined;
  /** Wakes the followers and change readers of this store, so they end at `close()`. */
  private readonly wakers = new Set<() => void>();
  private closed = false;

  constructor(options: PostgresRunStoreOptions) {
    this.target = postgresTarget(options.url, options.source ?? 'url', options.schema);
    this.url = this.target.shown;
    this.schema = this.target.schema;
    this.tables = tablesOf(this.schema);
    this.statements = statementsOf(this.tables);
    this.now = options.now ?? Date.now;
    const given = options.now;
    this.clock = {
      given,
      sqlNow: given === undefined ? () => null : () => new Date(given()).toISOString(),
    };
    this.secrets = [...(options.secrets ?? [])];
    this.maxConnections = options.maxConnections ?? 10;
  }

  async append(
    runId: string,
    event: RunEventInput,
    options: RunStoreCallOptions = {},
  ): Promise<RunEvent> {
    options.signal?.throwIfAborted();
    checkRunId(runId);
    // In call order within this process; the key (run_id, seq) orders processes.
    return this.scrubbed(() => this.mutex.run(runId, () => this.appendNow(runId, event)));
  }

  async read(runId: string, options: RunStoreCallOptions = {}): Promise<RunEvent[]> {
    options.signal?.throwIfAborted();
    checkRunId(runId);
    return this.scrubbed(() => this.eventsAfter(runId, 0));
  }

  async list(options: ListOptions = {}): Promise<RunSummary[]> {
    options.signal?.throwIfAborted();
    const wanted = listedWith(options);
    return this.scrubbed(async () => {
      const rows =
        options.statuses === undefined
          ? await this.query<RunRow>(this.runRows(''), [this.clock.sqlNow()])
          : await this.query<RunRow>(this.runRows('WHERE r.status = ANY($2::text[])'), [
              this.clock.sqlNow(),
              rowStatuses(options.statuses),
            ]);
      const summaries: RunSummary[] = [];
      for (const row of rows) {
        const summary = await this.listed(row);
        if (summary !== undefined && wanted(summary)) summaries.push(summary);
      }
      return summaries.sort(compareRunSummaries);
    });
  }

  async summary(runId: string, options: RunStoreCallOptions = {}): Promise<RunSummary | undefined> {
    options.signal?.throwIfAborted();
    checkRunId(runId);
    return this.scrubbed(async () => {
      const [row] = await this.query<RunRow>(this.runRows('WHERE r.run_id = $2'), [
        this.clock.sqlNow(),
        runId,
      ]);
      return row === undefined ? undefined : this.listed(row);
    });
  }

  async lease(
    runId: string,
    owner: string,
    options: LeaseOptions = {},
  ): Promise<Lease | undefined> {
    const ttlMs = leaseArguments(runId, owner, options);
    const scope = `${this.target.connectionString}|${this.schema}`;
    return this.scrubbed(() =>
      takePostgresLease(this.queryFn, this.tables, this.clock, scope, runId, owner, ttlMs),
    );
  }

  /** One statement: the run's events, row and lease go, and its followers are told. */
  async remove(runId: string, options: RunStoreCallOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    checkRunId(runId);
    await this.scrubbed(() =>
      this.mutex.run(runId, async () => {
        this.folds.delete(runId);
        await this.query(
          `WITH events AS (DELETE FROM ${this.tables.events} WHERE run_id = $1),
             leases AS (DELETE FROM ${this.tables.leases} WHERE run_id = $1),
             runs AS (DELETE FROM ${this.tables.runs} WHERE run_id = $1)
           SELECT pg_notify($2, $1)`,
          [runId, this.tables.channel],
        );
      }),
    );
  }

  // No `sync`: each append is its own committed transaction, durable once `append` resolves.

  async *follow(runId: string, options: FollowOptions = {}): AsyncGenerator<RunEvent, void> {
    checkRunId(runId);
    const { signal } = options;
    const after = followAfter(options);
    if (signal?.aborted) return;
    const waiting = this.waiting(signal);
    try {
      // Listening before the first read: whatever is committed after it is heard of.
      await waiting.subscribe({
        changed: (id) => id === runId && waiting.poke(),
        resync: waiting.poke,
      });
      let last = after === 'end' ? await this.scrubbed(() => this.lastSeq(runId)) : after;
      while (!waiting.over()) {
        if (!waiting.take()) {
          await waiting.next();
          continue;
        }
        let events: RunEvent[];
        try {
          events = await this.scrubbed(() => this.eventsAfter(runId, last));
        } catch (error) {
          if (waiting.over()) return;
          // Connection lost: the listener reconnects and says so (resync); read again then.
          if (isConnectionError(error)) continue;
          throw error;
        }
        for (const event of events) {
          yield event;
          last = event.seq;
          if (waiting.over()) return;
        }
      }
    } finally {
      waiting.end();
    }
  }

  async *changes(options: ChangesOptions = {}): AsyncGenerator<string, void> {
    const { signal } = options;
    if (signal?.aborted) return;
    const waiting = this.waiting(signal);
    const pending = new Set<string>();
    let resync = false;
    try {
      await waiting.subscribe({
        changed: (id) => {
          pending.add(id);
          waiting.poke();
        },
        resync: () => {
          resync = true;
          waiting.poke();
        },
      });
      // What each run's count was, to tell after a reconnect which runs changed meanwhile.
      let counts = await this.scrubbed(() => this.counts());
      options.onReady?.();
      waiting.take();
      while (!waiting.over()) {
        if (resync) {
          resync = false;
          try {
            const now = await this.scrubbed(() => this.counts());
            for (const [id, events] of now) if (counts.get(id) !== events) pending.add(id);
            counts = now;
          } catch (error) {
            if (!isConnectionError(error)) throw error;
          }
        }
        while (pending.size > 0 && !waiting.over()) {
          const id = pending.values().next().value!;
          pending.delete(id);
          yield id;
        }
        if (!waiting.over() && !resync) await waiting.next();
        waiting.take();
      }
    } finally {
      waiting.end();
    }
  }

  /** Ends the pool and the listening connection, so that the process can exit. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of [...this.wakers]) wake();
    await this.listener?.close();
    const pool = this.pool ?? (await this.connecting?.catch(() => undefined));
    this.pool = undefined;
    await pool?.end();
  }

  /**
   * One statement, committed on its own: the event goes in at the seq after this store's fold of
   * the run, and with it the run's row, but at a live run's step progress that changes the row
   * by nothing but its count and time (`rowOf`). A seq already taken (another process appended
   * since) inserts nothing: the store folds what is stored and tries again at the next seq.
   */
  private async appendNow(runId: string, input: RunEventInput): Promise<RunEvent> {
    try {
      for (;;) {
        const fold = await this.caughtUp(runId);
        const count = fold?.state.events ?? 0;
        const event = storable(prepareEvent(runId, input, count + 1, this.now(), this.secrets));
        const state = fold === undefined ? initialState(event) : applyEvent(fold.state, event);
        const summary = summaryOf(state);
        const row = rowOf(summary);
        // A step's progress in a drive leaves the row as it was (`runRows` reads past it).
        const rowAsItWas =
          row === fold?.row && STEP_PROGRESS.has(event.type) && LIVE_STATUSES.has(summary.status);
        const eventValues = [
          runId,
          event.seq,
          event.time,
          event.type,
          bodyOf(event),
          this.tables.channel,
        ];
        const rows = rowAsItWas
          ? await this.query<{ notified: unknown }>(this.statements.appendEvent, eventValues)
          : await this.query<{ notified: unknown }>(this.statements.appendEventAndRow, [
              ...eventValues,
              state.workflow,
              summary.status,
              summary.started,
              summary.updated,
              summary.events,
              summary,
            ]);
        if (rows.length === 0) {
          this.folds.delete(runId); // `applyEvent` changed it for an event that is not stored
          continue;
        }
        this.folds.keep(runId, { state, row });
        return event;
      }
    } catch (error) {
      this.folds.delete(runId);
      throw error;
    }
  }

  /**
   * This store's fold of the run, with whatever is stored after it applied (all of the run's
   * events for a run this store has not folded yet); `undefined` for a run without events. The
   * row of a fold made here is unknown (`''`), so the next append writes it.
   */
  private async caughtUp(runId: string): Promise<Fold | undefined> {
    const fold = this.folds.get(runId);
    if (fold !== undefined) return fold;
    const events = await this.eventsAfter(runId, 0);
    const state = foldRun(events);
    return state === undefined ? undefined : { state, row: '' };
  }

  private eventsAfter(runId: string, after: number): Promise<RunEvent[]> {
    return this.query<EventRow>(
      `SELECT seq, time, type, event FROM ${this.tables.events} WHERE run_id = $1 AND seq > $2 ORDER BY seq`,
      [runId, after],
    ).then((rows) => rows.map((r) => eventOf(runId, r)));
  }

  private async lastSeq(runId: string): Promise<number> {
    const [row] = await this.query<{ events: number }>(
      `SELECT coalesce(max(seq), 0) AS events FROM ${this.tables.events} WHERE run_id = $1`,
      [runId],
    );
    return row?.events ?? 0;
  }

  private async counts(): Promise<Map<string, number>> {
    const rows = await this.query<{ run_id: string; events: number }>(
      `SELECT r.run_id, coalesce(e.seq, r.events) AS events FROM ${this.tables.runs} r ${this.lastEventOfLive}`,
      [],
    );
    return new Map(rows.map((r) => [r.run_id, r.events]));
  }

  /** Runs with their summary and whether a live lease drives them (by the lease clock: `$1`). */
  private runRows(where: string): string {
    return `SELECT r.run_id, r.summary, coalesce(e.seq, r.events) AS events,
        coalesce(e.time, r.updated) AS updated,
        l.expires_at > coalesce($1::timestamptz, now()) AS live, l.host, l.pid
      FROM ${this.tables.runs} r ${this.lastEventOfLive}
      LEFT JOIN ${this.tables.leases} l ON l.run_id = r.run_id ${where}
      ORDER BY r.started DESC, r.run_id`;
  }

  /**
   * The last event of each run whose row may lag it (a live run, whose steps' progress writes no
   * row): one index lookup per such run, none for the runs at rest, which are most.
   */
  private get lastEventOfLive(): string {
    return `LEFT JOIN LATERAL (SELECT seq, time FROM ${this.tables.events}
        WHERE run_id = r.run_id AND r.status IN (${[...LIVE_STATUSES].map((s) => `'${s}'`).join(', ')})
        ORDER BY seq DESC LIMIT 1) e ON true`;
  }

  private listed(row: RunRow): Promise<RunSummary | undefined> {
    // A live lease whose holder was a process on this host that is gone drives nothing.
    const driven =
      row.live === true &&
      (row.host === null || row.pid === null || holderLives(row.host, row.pid));
    return listedSummary(
      row.run_id,
      async () => ({
        ...row.summary,
        events: row.events,
        updated: row.updated.toISOString(),
      }),
      async () => driven,
    );
  }

  private readonly queryFn: Query = (sql, params) => this.query(sql, params);

  /** Runs `sql`: a statement of `Statements` is prepared once per connection. */
  private async query<R>(sql: string | Statement, params: readonly unknown[]): Promise<R[]> {
    const pool = await this.connected();
    const result = await pool.query({
      ...(typeof sql === 'string' ? { text: sql } : sql),
      values: params as unknown[],
    });
    return result.rows as R[];
  }

  /** The pool, made and the schema migrated at the first call (again after a failure). */
  private connected(): Promise<Pool> {
    if (this.closed) return Promise.reject(new Error(`the run store ${this.url} is closed`));
    if (this.pool !== undefined) return Promise.resolve(this.pool);
    this.connecting ??= (async () => {
      const { default: pg } = await import('pg');
      const pool = new pg.Pool({
        connectionString: this.target.connectionString,
        max: this.maxConnections,
      });
      // An idle connection that breaks is dropped by the pool; the next query opens another.
      pool.on('error', () => undefined);
      try {
        const client = await pool.connect();
        try {
          await migrate(client, this.tables);
        } finally {
          client.release();
        }
      } catch (error) {
        await pool.end().catch(() => undefined);
        throw error;
      }
      this.pool = pool;
      return pool;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private notifications(): Notifications {
    this.listener ??= new Notifications(
      async () => {
        await this.connected(); // the schema exists before anyone listens
        const { default: pg } = await import('pg');
        const client: Client = new pg.Client({ connectionString: this.target.connectionString });
        client.on('error', () => undefined); // reported through 'end', handled by the listener
        try {
          await client.connect();
        } catch (error) {
          await client.end().catch(() => undefined);
          throw error;
        }
        return client;
      },
      this.tables.channel,
      () => undefined,
    );
    return this.listener;
  }

  /** What a follower or change reader waits with: woken by a notification, its signal, `close()`. */
  private waiting(signal: AbortSignal | undefined) {
    let dirty = true;
    let wake: (() => void) | undefined;
    let unsubscribe: (() => void) | undefined;
    const poke = () => {
      dirty = true;
      const w = wake;
      wake = undefined;
      w?.();
    };
    const stop = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    signal?.addEventListener('abort', stop);
    this.wakers.add(stop);
    return {
      poke,
      subscribe: async (subscriber: NotificationSubscriber) => {
        try {
          unsubscribe = await this.scrubbed(() => this.notifications().subscribe(subscriber));
        } catch (error) {
          if (!this.closed) throw error; // closed meanwhile: the reader ends quietly
        }
      },
      /** Whether something may have changed since the last `take` (and forget it). */
      take: () => {
        const was = dirty;
        dirty = false;
        return was;
      },
      over: () => this.closed || signal?.aborted === true,
      next: () =>
        new Promise<void>((resolve) => {
          if (dirty || this.closed || signal?.aborted) resolve();
          else wake = resolve;
        }),
      end: () => {
        signal?.removeEventListener('abort', stop);
        this.wakers.delete(stop);
        unsubscribe?.();
      },
    };
  }

  /** Runs `work`, taking the URL's password out of any error it throws. */
  private async scrubbed<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw scrub(error, this.target.password);
    }
  }
}

/** An error with every occurrence of `password` replaced by `***` (in place: its class stays). */
function scrub(error: unknown, password: string): unknown {
  if (password === '' || !(error instanceof Error)) return error;
  const hide = (text: string) => text.split(password).join('***');
  if (error.message.includes(password)) error.message = hide(error.message);
  if (error.stack?.includes(password)) error.stack = hide(error.stack);
  return error;
}

/** Errors of a lost or refused connection (as against an error of the statement). */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^(08|57P)/.test(code)) return true;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET…
  return (
    error instanceof Error && /Connection terminated|not queryable|closed/i.test(error.message)
  );
}

/** An event's row: the envelope in columns (`run_id` is the caller's), the rest in `event`. */
interface EventRow {
  readonly seq: number;
  readonly time: Date;
  readonly type: RunEvent['type'];
  readonly event: Record<string, unknown>;
}

/** What an event stores in its `event` column: all but the envelope, which has columns. */
function bodyOf(event: RunEvent): Record<string, unknown> {
  const { seq: _seq, time: _time, runId: _runId, type: _type, ...body } = event;
  return body;
}

/** The event of a row, its envelope's keys first, as the other stores give them. */
function eventOf(runId: string, row: EventRow): RunEvent {
  // Event times are whole milliseconds (`toISOString`), which timestamptz keeps exactly.
  return {
    seq: row.seq,
    time: row.time.toISOString(),
    runId,
    type: row.type,
    ...row.event,
  } as RunEvent;
}

/**
 * PostgreSQL's text and jsonb cannot hold the character U+0000: where an event has one (a
 * command's binary output), it is stored, and returned, as U+FFFD.
 */
function storable(event: RunEvent): RunEvent {
  const text = JSON.stringify(event);
  if (!text.includes('\\u0000')) return event;
  return JSON.parse(text, (_key, value: unknown) =>
    typeof value === 'string' ? value.replaceAll('\u0000', '\uFFFD') : value,
  ) as RunEvent;
}

/** This store's fold of a run, and what the run's row says of it (`rowOf`; `''`: not known). */
interface Fold {
  readonly state: RunState;
  readonly row: string;
}

/**
 * The statuses of a run that a drive may be moving on (and `list()` then reads past its row).
 * The row is written at every other event, and whenever the summary changes by more than its
 * event count and time, so the row of a run at rest is exact.
 */
const LIVE_STATUSES: ReadonlySet<RunSummary['status']> = new Set(['running', 'suspended']);

/** The statuses in runs' rows that `list()` may give as `statuses` (`interrupted` is a row's `running`). */
function rowStatuses(statuses: readonly RunSummary['status'][]): string[] {
  const rows = new Set<string>(statuses);
  if (rows.has('interrupted')) rows.add('running');
  return [...rows];
}

/** The run's summary but for `events` and `updated`, which a step's progress changes. */
function rowOf(summary: RunSummary): string {
  const { events: _events, updated: _updated, ...row } = summary;
  return JSON.stringify(row);
}

interface Statement {
  readonly name: string;
  readonly text: string;
}

interface Statements {
  /** `$1` run, `$2` seq, `$3` time, `$4` type, `$5` event, `$6` channel: the event, if its seq is free. */
  readonly appendEvent: Statement;
  /**
   * `appendEvent`, and the run's row: `$7` workflow, `$8` status, `$9` started, `$10` updated,
   * `$11` events, `$12` summary.
   */
  readonly appendEventAndRow: Statement;
}

/**
 * The append, as one statement each (prepared once per connection). An event whose seq is taken
 * inserts nothing, and so changes no row and notifies no one (`RETURNING` is empty); one that
 * goes in NOTIFYs its run, delivered when the statement commits.
 */
function statementsOf(tables: Tables): Statements {
  const insert = `ins AS (INSERT INTO ${tables.events} (run_id, seq, time, type, event)
      VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING run_id)`;
  const notify = 'SELECT pg_notify($6, run_id) AS notified FROM ins';
  return {
    appendEvent: { name: 'tta_append_event', text: `WITH ${insert} ${notify}` },
    appendEventAndRow: {
      name: 'tta_append_event_and_row',
      text: `WITH ${insert}, summary_row AS (
        INSERT INTO ${tables.runs} AS r (run_id, workflow, status, started, updated, events, summary)
        SELECT run_id, $7, $8, $9, $10, $11, $12 FROM ins
        ON CONFLICT (run_id) DO UPDATE SET workflow = excluded.workflow, status = excluded.status,
          started = excluded.started, updated = excluded.updated, events = excluded.events,
          summary = excluded.summary)
      ${notify}`,
    },
  };
}
