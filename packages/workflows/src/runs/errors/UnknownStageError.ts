import { hasCode, TtaError } from '@tta-dev/core/errors';

/** A note or a command named a stage that the run has not begun. */
export class UnknownStageError extends TtaError {
  override readonly name = 'UnknownStageError';
  readonly code = 'TTA_UNKNOWN_STAGE' as const;

  constructor(
    readonly runId: string,
    readonly stage: string,
    /** The stages the run has begun. */
    readonly begun: readonly string[],
  ) {
    super(
      `run "${runId}" has no stage "${stage}"; its stages so far: ${begun.join(', ') || 'none'}`,
    );
  }
}

export const isUnknownStageError = (error: unknown): error is UnknownStageError =>
  hasCode(error, 'TTA_UNKNOWN_STAGE');
