import { FileRunStore } from './FileRunStore.js';
import { secretValuesFromEnv } from './redactSecrets.js';

export interface OpenRunStoreOptions {
  /** The project folder: its runs are in `.tta/runs/`. */
  readonly cwd: string;
  /** The environment: its secrets are redacted from every event. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The run store of a project, configured one way for every part of tta (the CLI, the run
 * server, the gateway's workflow tools): the file store in `<cwd>/.tta/runs`, redacting the
 * environment's secrets.
 */
export function openRunStore({ cwd, env = process.env }: OpenRunStoreOptions): FileRunStore {
  return new FileRunStore({ cwd, secrets: secretValuesFromEnv(env) });
}
