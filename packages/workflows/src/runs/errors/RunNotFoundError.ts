import { hasCode, TtaError } from '@tta-dev/core/errors';

/** A run id with no events in the store: no run of that id was ever started here. */
export class RunNotFoundError extends TtaError {
  override readonly name = 'RunNotFoundError';
  readonly code = 'TTA_RUN_NOT_FOUND' as const;

  constructor(
    readonly runId: string,
    /** Where the runs were looked for (`.tta/runs` of a project), for the message. */
    where?: string,
  ) {
    super(
      `no run "${runId}"${where === undefined ? '' : ` in ${where}`}; see "tta workflow status" for the runs there are`,
    );
  }
}

export const isRunNotFoundError = (error: unknown): error is RunNotFoundError =>
  hasCode(error, 'TTA_RUN_NOT_FOUND');
