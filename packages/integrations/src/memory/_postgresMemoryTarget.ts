import { isRunStoreConfigError, type PostgresTarget, postgresTarget } from '@tta-dev/workflows';
import { InvalidMemoryConfigError } from './InvalidMemoryConfigError.js';

/**
 * A memory's `postgres://` URL read as the run store reads its own (`postgresTarget`: `?schema=`,
 * the password to scrub), a bad one an `InvalidMemoryConfigError` naming `source`, never the
 * password.
 */
export function postgresMemoryTarget(url: string, source: string, schema?: string): PostgresTarget {
  try {
    return postgresTarget(url, source, schema);
  } catch (error) {
    if (isRunStoreConfigError(error)) throw new InvalidMemoryConfigError(error.message);
    throw error;
  }
}
