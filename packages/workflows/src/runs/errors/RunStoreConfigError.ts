import { hasCode, TtaError } from '@tta-dev/core/errors';

/**
 * The run store is configured wrongly (`TTA_RUN_STORE`, the project file's `runStore`): bad input,
 * exit code 2. The message names where the setting came from and never shows a password.
 */
export class RunStoreConfigError extends TtaError {
  override readonly name = 'RunStoreConfigError';
  readonly code = 'TTA_RUN_STORE_CONFIG' as const;

  constructor(
    /** Where the setting came from: `TTA_RUN_STORE`, or `<file>: runStore`. */
    readonly source: string,
    reason: string,
  ) {
    super(`${source}: ${reason}`);
  }
}

export const isRunStoreConfigError = (error: unknown): error is RunStoreConfigError =>
  hasCode(error, 'TTA_RUN_STORE_CONFIG');
