import { hasCode, TtaError } from '@tta-dev/core/errors';

/** A run id that cannot name a run's folder. */
export class InvalidRunIdError extends TtaError {
  override readonly name = 'InvalidRunIdError';
  readonly code = 'TTA_INVALID_RUN_ID' as const;

  constructor(readonly runId: string) {
    super(
      `invalid run id ${JSON.stringify(runId)}: use 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
}

export const isInvalidRunIdError = (error: unknown): error is InvalidRunIdError =>
  hasCode(error, 'TTA_INVALID_RUN_ID');
