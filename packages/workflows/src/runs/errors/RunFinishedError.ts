import { hasCode, TtaError } from '@tta-dev/core/errors';

/** The run has already ended (completed or cancelled): nothing more can be done to it. */
export class RunFinishedError extends TtaError {
  override readonly name = 'RunFinishedError';
  readonly code = 'TTA_RUN_FINISHED' as const;

  constructor(
    readonly runId: string,
    readonly status: 'completed' | 'cancelled',
  ) {
    super(`run "${runId}" is already ${status}; start a new run instead`);
  }
}

export const isRunFinishedError = (error: unknown): error is RunFinishedError =>
  hasCode(error, 'TTA_RUN_FINISHED');
