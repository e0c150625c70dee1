import type { MemoryBackend, MemoryEntry } from '@tta-dev/core';
import { quoteIdent, redactUrl, scrubUrl } from '@tta-dev/workflows';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import { postgresMemoryTarget } from './_postgresMemoryTarget.js';
import { MemoryBackendError } from './MemoryBackendError.js';

export interface PostgresMemoryBackendOptions {
  /**
   * `postgres://[user[:password]@]host[:port]/database[?schema=name]` (or `postgresql://`), read
   * as the run store reads its URL: `?schema=` is the schema of the tables (default `public`).
   */
  readonly url: string;
  /** Schema of the tables; overrides the URL's `?schema=`. */
  readonly schema?: string;
  /** Where the URL came from, for the message of a bad one (`TTA_MEMORY`). Default: `url`. */
  readonly source?: string;
  /** Passed to pg's Pool beside the URL (pool size, TLS). Default pool size: 5. */
  readonly pool?: PoolConfig;
}

/**
 * The migrations of the memory's tables, in order: migration N brings the schema from version N-1
 * to N. Only ever append; a released migration is never changed.
 */
const MIGRATIONS: readonly ((t: Tables) => string)[] = [
  (t) => `CREATE TABLE ${t.memory} (
     key text PRIMARY KEY,
     value json,
     tags text[] NOT NULL,
     created_at float8 NOT NULL,
     expires_at_ms float8,
     seq bigint NOT NULL,
     expires_at timestamptz
   );
   CREATE INDEX tta_memory_key_prefix ON ${t.memory} (key text_pattern_ops);
   CREATE INDEX tta_memory_expiry ON ${t.memory} (expires_at) WHERE expires_at IS NOT NULL;`,
];

/** The tables of one memory, their names quoted and qualified by its schema. */
interface Tables {
  readonly schema: string;
  readonly memory: string;
  readonly version: string;
}

function tablesOf(schema: string): Tables {
  const q = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;
  return { schema, memory: q('tta_memory'), version: q('tta_memory_schema') };
}

/** The version this code writes: the number of migrations. */
export const MEMORY_SCHEMA_VERSION = MIGRATIONS.length;

/** Expired rows are deleted at most this often per backend (they are never returned meanwhile). */
const SWEEP_EVERY_MS = 60_000;

const LIVE = '(expires_at IS NULL OR expires_at > now())';

interface Row {
  key: string;
  value: unknown;
  /** SQL NULL: the value given was undefined (JSON null is 'null'). */
  absent: boolean;
  tags: string[];
  created_at: number;
  expires_at_ms: number | null;
  seq: string;
}

/**
 * Memory on PostgreSQL, shared by every process that points at the same database and schema: one
 * row per key in `tta_memory`, which the backend creates and migrates itself (version in
 * `tta_memory_schema`), in the schema of the URL's `?schema=` (default `public`). An entry with a TTL has an `expires_at` by the database's clock (now() +
 * the TTL it was given), so machines whose clocks differ agree; expired rows are never returned
 * and are deleted lazily. `list(prefix)` is a range read of the key index (`LIKE 'prefix%'` on a
 * `text_pattern_ops` index).
 */
export class PostgresMemoryBackend implements MemoryBackend {
  private lastSweep = 0;

  private constructor(
    private readonly pool: Pool,
    private readonly url: string,
    private readonly t: Tables,
  ) {}

  /**
   * Connects (loading pg then), creates or migrates the tables, and resolves when they are ready.
   * A bad URL or schema is an `InvalidMemoryConfigError` naming `source`.
   */
  static async open(options: PostgresMemoryBackendOptions): Promise<PostgresMemoryBackend> {
    const target = postgresMemoryTarget(options.url, options.source ?? 'url', options.schema);
    const pg = await import('pg');
    const pool = new pg.default.Pool({
      connectionString: target.connectionString,
      max: 5,
      ...options.pool,
    });
    // An idle client's error (the server restarted) would otherwise end the process.
    pool.on('error', () => undefined);
    const tables = tablesOf(target.schema);
    const backend = new PostgresMemoryBackend(pool, options.url, tables);
    try {
      const client = await pool.connect();
      try {
        await migrate(client, tables);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw failure(options.url, 'cannot open', error);
    }
    return backend;
  }

  /** The server, its password replaced by `***`. */
  get where(): string {
    return redactUrl(this.url);
  }

  async set(entry: MemoryEntry): Promise<void> {
    const ttl =
      entry.expiresAt === undefined ? null : Math.max(1, entry.expiresAt - entry.createdAt);
    await this.query(
      'write to',
      `INSERT INTO ${this.t.memory} (key, value, tags, created_at, expires_at_ms, seq, expires_at)
       VALUES ($1, $2::json, $3, $4, $5, $6,
               CASE WHEN $7::float8 IS NULL THEN NULL
                    ELSE now() + make_interval(secs => $7::float8 / 1000) END)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, tags = EXCLUDED.tags,
         created_at = EXCLUDED.created_at, expires_at_ms = EXCLUDED.expires_at_ms,
         seq = EXCLUDED.seq, expires_at = EXCLUDED.expires_at`,
      [
        entry.key,
        // SQL NULL is a value never given (undefined); JSON null is 'null'.
        entry.value === undefined ? null : JSON.stringify(entry.value),
        [...entry.tags],
        entry.createdAt,
        entry.expiresAt ?? null,
        entry.seq,
        ttl,
      ],
    );
    await this.sweep();
  }

  async get(key: string): Promise<MemoryEntry | undefined> {
    const rows = await this.query<Row>(
      'read from',
      `SELECT key, value, value IS NULL AS absent, tags, created_at, expires_at_ms, seq FROM ${this.t.memory}
       WHERE key = $1 AND ${LIVE}`,
      [key],
    );
    return rows[0] === undefined ? undefined : entryOf(rows[0]);
  }

  async delete(key: string): Promise<boolean> {
    const rows = await this.query<{ live: boolean }>(
      'delete from',
      `DELETE FROM ${this.t.memory} WHERE key = $1 RETURNING ${LIVE} AS live`,
      [key],
    );
    return rows[0]?.live === true;
  }

  async list(prefix: string): Promise<MemoryEntry[]> {
    await this.sweep();
    const rows = await this.query<Row>(
      'list',
      `SELECT key, value, value IS NULL AS absent, tags, created_at, expires_at_ms, seq FROM ${this.t.memory}
       WHERE key LIKE $1 AND ${LIVE}`,
      [`${escapeLike(prefix)}%`],
    );
    return rows.map(entryOf);
  }

  /** Deletes expired rows now (the backend also does it by itself, at most once a minute). */
  async deleteExpired(): Promise<number> {
    this.lastSweep = Date.now();
    const rows = await this.query(
      'clean up',
      `DELETE FROM ${this.t.memory} WHERE expires_at <= now() RETURNING 1`,
      [],
    );
    return rows.length;
  }

  /** Ends the pool's connections. */
  async close(): Promise<void> {
    await this.pool.end();
  }

  private async sweep(): Promise<void> {
    if (Date.now() - this.lastSweep >= SWEEP_EVERY_MS) await this.deleteExpired();
  }

  private async query<R = unknown>(
    what: string,
    text: string,
    values: readonly unknown[],
  ): Promise<R[]> {
    try {
      return (await this.pool.query(text, values as unknown[])).rows as R[];
    } catch (error) {
      throw failure(this.url, `cannot ${what}`, error);
    }
  }
}

/**
 * Creates or migrates the tables in one transaction, under an advisory lock taken before anything
 * is read: two processes starting at once apply each migration once (the second waits, then finds
 * nothing to do). A database migrated by a newer version is refused, not changed.
 */
async function migrate(client: PoolClient, t: Tables): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `tta_memory_schema:${t.schema}`,
    ]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(t.schema)}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${t.version} (id int PRIMARY KEY CHECK (id = 1), version int NOT NULL)`,
    );
    const found = await client.query<{ version: number }>(
      `SELECT version FROM ${t.version} WHERE id = 1`,
    );
    const version = found.rows[0]?.version ?? 0;
    if (version > MEMORY_SCHEMA_VERSION)
      throw new Error(
        `the database holds memory schema version ${version}, newer than this tta's ${MEMORY_SCHEMA_VERSION}: update tta`,
      );
    for (let next = version; next < MEMORY_SCHEMA_VERSION; next++)
      await client.query(MIGRATIONS[next]!(t));
    await client.query(
      `INSERT INTO ${t.version} (id, version) VALUES (1, $1)
       ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version`,
      [MEMORY_SCHEMA_VERSION],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function entryOf(row: Row): MemoryEntry {
  const entry: MemoryEntry = {
    key: row.key,
    value: row.absent ? undefined : row.value,
    tags: row.tags,
    createdAt: row.created_at,
    seq: Number(row.seq),
  };
  return row.expires_at_ms === null ? entry : { ...entry, expiresAt: row.expires_at_ms };
}

/** `prefix` with LIKE's wildcards (and its escape character) escaped, to match it literally. */
function escapeLike(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The error of a failed query, naming the server without its password. */
function failure(url: string, what: string, error: unknown): MemoryBackendError {
  const message = error instanceof Error ? error.message : String(error);
  return new MemoryBackendError(
    `memory on PostgreSQL: ${what} ${redactUrl(url)}: ${scrubUrl(message, url)}`,
  );
}
