import { RunStoreConfigError } from '../errors/RunStoreConfigError.js';
import { redactUrl } from '../redactUrl.js';

/** What a `postgres://` URL says: where to connect, and the schema of the tables. */
export interface PostgresTarget {
  /** The URL for `pg`, without the parameters that are ours (`schema`). */
  readonly connectionString: string;
  readonly schema: string;
  /** The password, to scrub from any message (empty when there is none). */
  readonly password: string;
  /** The URL to show: password as `***`. */
  readonly shown: string;
}

const SCHEMA_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Whether text names a PostgreSQL database (`postgres://` or `postgresql://`). */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

/**
 * Reads a connection URL; `schema` (an option) overrides the URL's `?schema=`. Throws
 * `RunStoreConfigError` naming `source` (where the URL came from), never the password.
 */
export function postgresTarget(url: string, source: string, schema?: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RunStoreConfigError(source, `${redactUrl(url)} is not a valid URL`);
  }
  if (!/^postgres(ql)?:$/i.test(parsed.protocol))
    throw new RunStoreConfigError(
      source,
      `${redactUrl(url)} is not a postgres:// or postgresql:// URL`,
    );
  const chosen = schema ?? parsed.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_PATTERN.test(chosen))
    throw new RunStoreConfigError(
      source,
      `schema ${JSON.stringify(chosen)} is not a plain SQL name (letters, digits, _; at most 63)`,
    );
  parsed.searchParams.delete('schema');
  return {
    connectionString: parsed.toString(),
    schema: chosen,
    password: decodeURIComponent(parsed.password),
    shown: redactUrl(url),
  };
}
