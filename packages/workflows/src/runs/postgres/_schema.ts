import type { PoolClient } from 'pg';

/** The tables of one store, their names quoted and qualified by its schema. */
export interface Tables {
  readonly schema: string;
  readonly version: string;
  readonly events: string;
  readonly runs: string;
  readonly leases: string;
  /** The NOTIFY channel of this schema's runs (one database may hold several schemas). */
  readonly channel: string;
}

export function tablesOf(schema: string): Tables {
  const q = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;
  return {
    schema,
    version: q('tta_schema'),
    events: q('tta_run_events'),
    runs: q('tta_runs'),
    leases: q('tta_leases'),
    channel: schema === 'public' ? 'tta_runs' : `tta_runs.${schema}`,
  };
}

/** A PostgreSQL identifier (schema, table) quoted, so any name is taken literally. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The migrations, in order: migration N brings the schema from version N-1 to N. Only ever append
 * to this list; a released migration is never changed.
 */
const MIGRATIONS: readonly ((t: Tables) => string)[] = [
  (t) => `
    CREATE TABLE ${t.events} (
      run_id text NOT NULL,
      seq integer NOT NULL,
      time timestamptz NOT NULL,
      type text NOT NULL,
      event jsonb NOT NULL,
      PRIMARY KEY (run_id, seq)
    );
    CREATE TABLE ${t.runs} (
      run_id text PRIMARY KEY,
      workflow text NOT NULL,
      status text NOT NULL,
      started timestamptz NOT NULL,
      updated timestamptz NOT NULL,
      events integer NOT NULL,
      summary jsonb NOT NULL
    );
    CREATE INDEX ON ${t.runs} (started DESC, run_id);
    CREATE TABLE ${t.leases} (
      run_id text PRIMARY KEY,
      owner text NOT NULL,
      host text NOT NULL,
      pid integer NOT NULL,
      acquired_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      token uuid NOT NULL,
      work integer[] NOT NULL DEFAULT '{}'
    );`,
  // Fewer bytes per step: an event's jsonb no longer repeats its envelope's columns.
  (t) => `UPDATE ${t.events} SET event = event - 'seq' - 'time' - 'runId' - 'type';`,
  // A worker lists the few runs it may take (queued, running), not the many that ended.
  (t) => `CREATE INDEX ON ${t.runs} (status);`,
];

/** The version this code writes: the number of migrations. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the store's schema up to `SCHEMA_VERSION`: in one transaction, under an advisory lock
 * taken before anything is created, so that two processes starting at once apply each migration
 * once (the second waits, then finds nothing to do). A database migrated by a newer version is
 * left alone and refused.
 */
export async function migrate(
  client: PoolClient,
  tables: Tables,
  /** The version to reach (tests of an upgrade stop short of the newest). */
  target: number = SCHEMA_VERSION,
): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `tta_schema:${tables.schema}`,
    ]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(tables.schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${tables.version} (version integer NOT NULL)`);
    const { rows } = await client.query<{ version: number }>(
      `SELECT version FROM ${tables.version}`,
    );
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION)
      throw new Error(
        `the run store's schema "${tables.schema}" is at version ${current}, newer than this version of @tta-dev/workflows knows (${SCHEMA_VERSION}): upgrade it`,
      );
    for (let version = current + 1; version <= target; version++)
      await client.query(MIGRATIONS[version - 1]!(tables));
    if (rows.length === 0)
      await client.query(`INSERT INTO ${tables.version} (version) VALUES ($1)`, [target]);
    else if (current < target)
      await client.query(`UPDATE ${tables.version} SET version = $1`, [target]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
