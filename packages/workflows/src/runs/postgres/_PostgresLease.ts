import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { holderLives } from '../_holderLives.js';
import { LeaseLostError } from '../errors/LeaseLostError.js';
import type { Lease } from '../RunStore.js';
import type { Tables } from './_schema.js';

/** Runs one statement on the store's pool (connected and migrated). */
export type Query = <R>(sql: string, params: readonly unknown[]) => Promise<R[]>;

/**
 * Whose clock leases expire by. The database's (`now()`), so that machines whose clocks disagree
 * agree on when a lease lapses; or, when the store was given `now` (tests with a fake clock), that
 * clock, passed into every statement, so that expiry follows it consistently.
 */
export interface LeaseClock {
  /** The time to use in SQL (ISO 8601), or `null` for the database's `now()`. */
  readonly sqlNow: () => string | null;
  /** Epoch milliseconds by the given clock; `undefined` when the database's clock is used. */
  readonly given: (() => number) | undefined;
}

/** `$n` is the lease clock's parameter: the database's `now()` unless a time was given. */
const clockAt = (n: number) => `coalesce($${n}::timestamptz, now())`;

interface Renewed {
  readonly expires_at: Date;
  /** expires_at minus the statement's time, by the lease clock. */
  readonly remaining: number;
}

interface Taken extends Renewed {
  readonly token: string;
  readonly old_host: string | null;
  readonly old_work: number[] | null;
}

/** The lease of each run most recently taken in this process: it supersedes older ones. */
const newest = new Map<string, PostgresLease>();

/**
 * Takes the lease in one statement: inserted when the run has none, taken over when it lapsed
 * (by the lease clock), when this process already holds it for the same owner (superseding it),
 * or when its holder was a process on this host that is gone (`deadToken`). `undefined` when
 * another owner holds a live lease.
 */
export async function takePostgresLease(
  query: Query,
  tables: Tables,
  clock: LeaseClock,
  scope: string,
  runId: string,
  owner: string,
  ttlMs: number,
  attempt = 1,
): Promise<Lease | undefined> {
  const host = hostname();
  const take = (deadToken: string | null) => {
    const sentAt = performance.now();
    const rows = query<Taken>(
      // `old` reads the row as the statement found it. Not FOR UPDATE: that lock would follow the
      // row to the version this statement writes and find none (NULL host and work), so a dead
      // holder's commands were never stopped; the upsert locks the row itself.
      `WITH old AS (SELECT host, work FROM ${tables.leases} WHERE run_id = $1)
       INSERT INTO ${tables.leases} AS l (run_id, owner, host, pid, acquired_at, expires_at, token)
       VALUES ($1, $2, $3, $4, ${clockAt(7)}, ${clockAt(7)} + make_interval(secs => $5::float8 / 1000), $6)
       ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, host = excluded.host,
         pid = excluded.pid, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at,
         token = excluded.token, work = '{}'
       WHERE l.expires_at <= ${clockAt(7)}
          OR (l.owner = $2 AND l.host = $3 AND l.pid = $4)
          OR l.token = $8::uuid
       RETURNING l.expires_at,
         (extract(epoch FROM l.expires_at - ${clockAt(7)}) * 1000)::float8 AS remaining,
         l.token::text AS token, (SELECT host FROM old) AS old_host, (SELECT work FROM old) AS old_work`,
      [runId, owner, host, process.pid, ttlMs, randomUUID(), clock.sqlNow(), deadToken],
    );
    return rows.then((r) => ({ row: r[0], sentAt }));
  };
  let { row, sentAt } = await take(null);
  if (row === undefined) {
    // Held by someone else, live by the clock: taken over anyway when its process, on this
    // host, is gone (as the file lease does). Another host's holder only its expiry can end.
    const [holder] = await query<{ host: string; pid: number; token: string }>(
      `SELECT host, pid, token FROM ${tables.leases} WHERE run_id = $1`,
      [runId],
    );
    // Released meanwhile: try again (a few times: others may be racing for it too).
    if (holder === undefined)
      return attempt < 3
        ? takePostgresLease(query, tables, clock, scope, runId, owner, ttlMs, attempt + 1)
        : undefined;
    if (holderLives(holder.host, holder.pid)) return undefined;
    ({ row, sentAt } = await take(holder.token));
    if (row === undefined) return undefined;
  }
  // What the lost holder left running on this host would go on beside the new holder's work.
  if (row.old_host === host) stopWork(row.old_work ?? []);
  return new PostgresLease(
    query,
    tables,
    clock,
    `${scope}|${runId}`,
    runId,
    owner,
    ttlMs,
    row,
    sentAt,
  );
}

class PostgresLease implements Lease {
  private released = false;
  private lost = false;
  private token: string;
  private expiry: Date;
  private remainingAtSend: number;
  private sentAt: number;
  private rewrites: Promise<void> = Promise.resolve();

  constructor(
    private readonly query: Query,
    private readonly tables: Tables,
    private readonly clock: LeaseClock,
    private readonly key: string,
    readonly runId: string,
    readonly owner: string,
    private readonly ttlMs: number,
    taken: Taken,
    sentAt: number,
  ) {
    this.token = taken.token;
    this.expiry = taken.expires_at;
    this.remainingAtSend = taken.remaining;
    this.sentAt = sentAt;
    newest.set(key, this);
  }

  get expiresAt(): number {
    return this.expiry.getTime();
  }

  /**
   * By the given clock when there is one; else from what the database said at the last renewal,
   * less the time passed since the statement was sent (so never more than is left).
   */
  remainingMs(): number {
    if (this.released || this.lost || newest.get(this.key) !== this) return 0;
    const left =
      this.clock.given === undefined
        ? this.remainingAtSend - (performance.now() - this.sentAt)
        : this.expiresAt - this.clock.given();
    return Math.max(0, left);
  }

  renew(): Promise<void> {
    return this.serially(() => this.rewrite(undefined));
  }

  track(groups: readonly number[]): Promise<void> {
    return this.serially(() => this.rewrite(groups));
  }

  /** One rewrite at a time, in the order asked, each with the token the previous one wrote. */
  private serially(rewrite: () => Promise<void>): Promise<void> {
    const next = this.rewrites.then(rewrite);
    this.rewrites = next.catch(() => undefined);
    return next;
  }

  private async rewrite(work: readonly number[] | undefined): Promise<void> {
    if (this.released || this.lost) throw new LeaseLostError(this.runId, this.owner);
    const token = randomUUID();
    const sentAt = performance.now();
    const [row] = await this.query<Renewed>(
      `UPDATE ${this.tables.leases}
       SET expires_at = ${clockAt(3)} + make_interval(secs => $4::float8 / 1000), token = $5,
         work = coalesce($6::integer[], work)
       WHERE run_id = $1 AND token = $2::uuid
       RETURNING expires_at, (extract(epoch FROM expires_at - ${clockAt(3)}) * 1000)::float8 AS remaining`,
      [this.runId, this.token, this.clock.sqlNow(), this.ttlMs, token, work ?? null],
    );
    if (row === undefined) {
      if (!this.released) this.lost = true;
      throw new LeaseLostError(this.runId, this.owner);
    }
    this.token = token;
    this.expiry = row.expires_at;
    this.remainingAtSend = row.remaining;
    this.sentAt = sentAt;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (newest.get(this.key) === this) newest.delete(this.key);
    await this.rewrites; // after a rewrite under way, with the token it wrote
    await this.query(`DELETE FROM ${this.tables.leases} WHERE run_id = $1 AND token = $2::uuid`, [
      this.runId,
      this.token,
    ]);
  }
}

/** Kills the process groups a lost lease's holder left running on this host. */
function stopWork(groups: readonly number[]): void {
  for (const group of groups) {
    if (!(Number.isInteger(group) && group > 1)) continue;
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}
