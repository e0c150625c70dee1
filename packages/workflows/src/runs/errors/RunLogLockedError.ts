import { hasCode, TtaError } from '@tta-dev/core/errors';

/**
 * A run's log stayed locked by another process's append for longer than an append waits: that
 * process is stuck, or died and left its lock file behind on another host.
 */
export class RunLogLockedError extends TtaError {
  override readonly name = 'RunLogLockedError';
  readonly code = 'TTA_RUN_LOG_LOCKED' as const;

  constructor(
    /** The lock file. */
    readonly file: string,
    waitedMs: number,
  ) {
    super(
      `the log beside ${file} has been locked by another process for ${Math.round(waitedMs / 1000)} s; if no tta process is at work on the run, remove ${file}`,
    );
  }
}

export const isRunLogLockedError = (error: unknown): error is RunLogLockedError =>
  hasCode(error, 'TTA_RUN_LOG_LOCKED');
