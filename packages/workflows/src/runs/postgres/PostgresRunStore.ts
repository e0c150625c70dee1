import { hostname } from 'node:os';
import type { Client, Pool, PoolClient } from 'pg';
import { KeyedMutex } from '../_KeyedMutex.js';
import { checkOwner, checkRunId, checkTtl, prepareEvent } from '../_prepareEvent.js';
import { applyEvent, foldRun, initialState } from '../foldRun.js';
import type { RunEvent, RunEventInput } from '../RunEvent.js';
import type { RunState } from '../RunState.js';
import {
  type ChangesOptions,
  DEFAULT_LEASE_TTL_MS,
  type FollowOptions,
  type Lease,
  type LeaseOptions,
  type RunStore,
  type RunStoreCallOptions,
  type RunStoreOptions,
} from '../RunStore.js';
import { compareRunSummaries, listedSummary, type RunSummary, summaryOf } from '../RunSummary.js';
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

/** Folds kept in memory, for the runs this store appended to last. */
const MAX_FOLDS = 16;

interface RunRow {
  readonly run_id: string;
  readonly summary: RunSummary;
  readonly live: boolean | null;
  readonly host: string | null;
  readonly pid: number | null;
}

/**
 * A `RunStore` in PostgreSQL, so that every machine of a team records runs in one place
 * (`TTA_RUN_STORE=postgres://…`).
 *
 * - **Tables** `tta_run_events` (one row per event, primary key `(run_id, seq)`: it orders
 *   appends and refuses a duplicate), `tta_runs` (one row per run with its summary, as folding
 *   its events gives, kept in the same transaction as each append, so `list()` is one query) and
 *   `tta_leases`, in the schema of the URL's `?schema=` (default `public`), created and migrated
 *   by the store at its first call (`_schema.ts`).
 * - **Appends** lock the run's row (`SELECT … FOR UPDATE`), so that processes appending to one
 *   run at once (the engine, `tta workflow note` on another machine) take turns; in this
 *   process they also queue in call order. Each commit is durable: there is no `sync`.
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
  private readonly folds = new Map<string, RunState>();
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
    // In call order within this process; the row lock orders processes.
    return this.scrubbed(() => this.mutex.run(runId, () => this.appendNow(runId, event)));
  }

  async read(runId: string, options: RunStoreCallOptions = {}): Promise<RunEvent[]> {
    options.signal?.throwIfAborted();
    checkRunId(runId);
    return this.scrubbed(() => this.eventsAfter(runId, 0));
  }

  async list(options: RunStoreCallOptions = {}): Promise<RunSummary[]> {
    options.signal?.throwIfAborted();
    return this.scrubbed(async () => {
      const rows = await this.query<RunRow>(this.runRows(''), [this.clock.sqlNow()]);
      const summaries: RunSummary[] = [];
      for (const row of rows) {
        const summary = await this.listed(row);
        if (summary !== undefined) summaries.push(summary);
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
    options.signal?.throwIfAborted();
    checkRunId(runId);
    checkOwner(owner);
    const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    checkTtl(ttlMs);
    const scope = `${this.target.connectionString}|${this.schema}`;
    return this.scrubbed(() =>
      takePostgresLease(this.queryFn, this.tables, this.clock, scope, runId, owner, ttlMs),
    );
  }

  // No `sync`: each append is its own committed transaction, durable once `append` resolves.

  async *follow(runId: string, options: FollowOptions = {}): AsyncGenerator<RunEvent, void> {
    checkRunId(runId);
    const { signal } = options;
    const after = options.after ?? 0;
    if (after !== 'end' && !(Number.isInteger(after) && after >= 0))
      throw new RangeError(`after must be a whole number ≥ 0 or "end", got ${String(after)}`);
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

  private async appendNow(runId: string, input: RunEventInput): Promise<RunEvent> {
    const client = await this.client();
    try {
      for (;;) {
        await client.query('BEGIN');
        try {
          const { rows } = await client.query<{ events: number }>(
            `SELECT events FROM ${this.tables.runs} WHERE run_id = $1 FOR UPDATE`,
            [runId],
          );
          const count = rows[0]?.events ?? 0;
          const event = storable(prepareEvent(runId, input, count + 1, this.now(), this.secrets));
          const state = await this.foldWith(client, runId, count, event);
          const summary = summaryOf(state);
          const values = [
            runId,
            state.workflow,
            summary.status,
            summary.started,
            summary.updated,
            summary.events,
            summary,
          ];
          if (count === 0) {
            const created = await client.query(
              `INSERT INTO ${this.tables.runs} (run_id, workflow, status, started, updated, events, summary)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (run_id) DO NOTHING`,
              values,
            );
            // Another process started the run first: look again, from its row.
            if (created.rowCount === 0) {
              this.folds.delete(runId);
              await client.query('ROLLBACK');
              continue;
            }
          } else
            await client.query(
              `UPDATE ${this.tables.runs} SET workflow = $2, status = $3, started = $4, updated = $5,
                 events = $6, summary = $7 WHERE run_id = $1`,
              values,
            );
          await client.query(
            `INSERT INTO ${this.tables.events} (run_id, seq, time, type, event) VALUES ($1, $2, $3, $4, $5)`,
            [runId, event.seq, event.time, event.type, event],
          );
          // Delivered to listeners when the transaction commits, and only then.
          await client.query('SELECT pg_notify($1, $2)', [this.tables.channel, runId]);
          await client.query('COMMIT');
          return event;
        } catch (error) {
          this.folds.delete(runId);
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }
    } finally {
      client.release();
    }
  }

  /** The run's state with `event` applied: from this store's fold, or from the stored events. */
  private async foldWith(
    client: PoolClient,
    runId: string,
    count: number,
    event: RunEvent,
  ): Promise<RunState> {
    let state: RunState | undefined;
    if (count === 0) state = initialState(event);
    else {
      state = this.folds.get(runId);
      if (state?.events !== count) {
        // Another process appended since (or this store never saw the run): fold what is stored.
        const { rows } = await client.query<{ event: RunEvent }>(
          `SELECT event FROM ${this.tables.events} WHERE run_id = $1 ORDER BY seq`,
          [runId],
        );
        state = foldRun(rows.map((r) => r.event));
        if (state === undefined) throw new Error(`run "${runId}" has a row but no events`);
      }
      applyEvent(state, event);
    }
    this.folds.delete(runId);
    this.folds.set(runId, state);
    if (this.folds.size > MAX_FOLDS) this.folds.delete(this.folds.keys().next().value!);
    return state;
  }

  private eventsAfter(runId: string, after: number): Promise<RunEvent[]> {
    return this.query<{ event: RunEvent }>(
      `SELECT event FROM ${this.tables.events} WHERE run_id = $1 AND seq > $2 ORDER BY seq`,
      [runId, after],
    ).then((rows) => rows.map((r) => envelopeFirst(r.event)));
  }

  private async lastSeq(runId: string): Promise<number> {
    const [row] = await this.query<{ events: number }>(
      `SELECT events FROM ${this.tables.runs} WHERE run_id = $1`,
      [runId],
    );
    return row?.events ?? 0;
  }

  private async counts(): Promise<Map<string, number>> {
    const rows = await this.query<{ run_id: string; events: number }>(
      `SELECT run_id, events FROM ${this.tables.runs}`,
      [],
    );
    return new Map(rows.map((r) => [r.run_id, r.events]));
  }

  /** Runs with their summary and whether a live lease drives them (by the lease clock: `$1`). */
  private runRows(where: string): string {
    return `SELECT r.run_id, r.summary, l.expires_at > coalesce($1::timestamptz, now()) AS live, l.host, l.pid
      FROM ${this.tables.runs} r LEFT JOIN ${this.tables.leases} l ON l.run_id = r.run_id ${where}
      ORDER BY r.started DESC, r.run_id`;
  }

  private listed(row: RunRow): Promise<RunSummary | undefined> {
    // A live lease whose holder was a process on this host that is gone drives nothing.
    const driven =
      row.live === true && !(row.host === hostname() && row.pid !== null && !processLives(row.pid));
    return listedSummary(
      row.run_id,
      async () => ({ ...row.summary }),
      async () => driven,
    );
  }

  private readonly queryFn: Query = (sql, params) => this.query(sql, params);

  private async query<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
    const pool = await this.connected();
    const result = await pool.query(sql, params as unknown[]);
    return result.rows as R[];
  }

  private async client(): Promise<PoolClient> {
    return (await this.connected()).connect();
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

function processLives(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The envelope's keys first, as the other stores give them (jsonb keeps keys in its own order). */
function envelopeFirst(event: RunEvent): RunEvent {
  const { seq, time, runId, type, ...rest } = event;
  return { seq, time, runId, type, ...rest } as RunEvent;
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
