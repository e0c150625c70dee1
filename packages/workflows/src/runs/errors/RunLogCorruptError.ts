import { hasCode, TtaError } from '@tta-dev/core/errors';

/**
 * A run's event log holds something that no crash can leave behind: an invalid event before the
 * last line, or a gap in `seq`. The file is left as it is.
 */
export class RunLogCorruptError extends TtaError {
  override readonly name = 'RunLogCorruptError';
  readonly code = 'TTA_RUN_LOG_CORRUPT' as const;

  constructor(
    readonly file: string,
    /** 1-based line of the problem. */
    readonly line: number,
    readonly problem: string,
  ) {
    super(
      `${file}:${line}: ${problem}. The run's log was left as it is; move the run's folder aside to start the run afresh.`,
    );
  }
}

export const isRunLogCorruptError = (error: unknown): error is RunLogCorruptError =>
  hasCode(error, 'TTA_RUN_LOG_CORRUPT');
