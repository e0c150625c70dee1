import { hasCode, TtaError } from '@tta-dev/core/errors';

/** `resume --from` named no stage, step or gate of the workflow. */
export class UnknownResumePointError extends TtaError {
  override readonly name = 'UnknownResumePointError';
  readonly code = 'TTA_UNKNOWN_RESUME_POINT' as const;

  constructor(
    readonly workflow: string,
    readonly from: string,
    /** The stages of the workflow. */
    readonly stages: readonly string[],
  ) {
    super(
      `${workflow} has no stage, step or gate "${from}"; its stages: ${stages.join(', ')} (see "tta workflow show ${workflow}")`,
    );
  }
}

export const isUnknownResumePointError = (error: unknown): error is UnknownResumePointError =>
  hasCode(error, 'TTA_UNKNOWN_RESUME_POINT');
