import { projectFileField } from '../engine/projectFileField.js';
import { RunStoreConfigError } from './errors/RunStoreConfigError.js';
import { FileRunStore } from './FileRunStore.js';
import { isPostgresUrl, postgresTarget } from './postgres/_connection.js';
import { PostgresRunStore } from './postgres/PostgresRunStore.js';
import { secretValuesFromEnv } from './redactSecrets.js';
import { redactUrl } from './redactUrl.js';

export interface OpenRunStoreOptions {
  /** The project folder: its runs are in `.tta/runs/`, its settings in `.tta/project.json`. */
  readonly cwd: string;
  /** The environment: `TTA_RUN_STORE`, and secrets redacted from every event. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The environment variable that chooses the run store (over the project file's `runStore`). */
export const RUN_STORE_ENV = 'TTA_RUN_STORE';

/** A store `openRunStore` gives: the file store, or PostgreSQL for a team. */
export type OpenedRunStore = FileRunStore | PostgresRunStore;

/**
 * The run store of a project, configured one way for every part of tta (the CLI, the run
 * server, the gateway's workflow tools), redacting the environment's secrets:
 *
 * - `TTA_RUN_STORE`, else the `runStore` field of `<cwd>/.tta/project.json`, is a
 *   `postgres://` or `postgresql://` URL: a `PostgresRunStore` there (it connects at its first
 *   call; call `close()` when done). `?schema=` picks the schema.
 * - Unset, `file` or `file:`: the file store in `<cwd>/.tta/runs`; `file:<folder>` another
 *   folder (relative to `cwd`).
 *
 * Anything else throws `RunStoreConfigError` naming the variable or the file and field.
 */
export function openRunStore({ cwd, env = process.env }: OpenRunStoreOptions): OpenedRunStore {
  const setting = runStoreSetting(cwd, env);
  const secrets = secretValuesFromEnv(env);
  if (setting === undefined) return new FileRunStore({ cwd, secrets });
  const { value, source } = setting;
  if (isPostgresUrl(value)) {
    const { password } = postgresTarget(value, source);
    // The password never reaches an event, whatever a step prints.
    const all = password === '' ? secrets : [...secrets, password];
    return new PostgresRunStore({ url: value, source, secrets: all });
  }
  if (value === 'file' || value === 'file:') return new FileRunStore({ cwd, secrets });
  if (value.startsWith('file:') && !value.startsWith('file://'))
    return new FileRunStore({ cwd, root: value.slice('file:'.length), secrets });
  throw new RunStoreConfigError(
    source,
    `${JSON.stringify(redactUrl(value))} is not a run store: use postgres://user@host/database (or postgresql://…) for PostgreSQL, or file: (the default) for .tta/runs`,
  );
}

/** Where the store is chosen: the environment first, then the project file; unset: `undefined`. */
function runStoreSetting(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): { value: string; source: string } | undefined {
  const fromEnv = env[RUN_STORE_ENV]?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: RUN_STORE_ENV };
  const field = projectFileField(cwd, 'runStore');
  if (field === undefined) return undefined;
  const { value, file } = field;
  const source = `${file}: runStore`;
  if (typeof value !== 'string' || value.trim() === '')
    throw new RunStoreConfigError(
      source,
      'must be a string: a postgres:// URL, or "file:" (the default)',
    );
  return { value: value.trim(), source };
}
