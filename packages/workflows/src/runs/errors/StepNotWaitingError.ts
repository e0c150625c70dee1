import { hasCode, TtaError } from '@tta-dev/core/errors';

/** A step was to be completed, but the run is not waiting for it. */
export class StepNotWaitingError extends TtaError {
  override readonly name = 'StepNotWaitingError';
  readonly code = 'TTA_STEP_NOT_WAITING' as const;

  constructor(
    readonly runId: string,
    readonly stepId: string,
    /** The steps the run does wait for (empty: none). */
    readonly waiting: readonly string[] = [],
  ) {
    super(
      `step "${stepId}" of run "${runId}" is not waiting to be completed: ${
        waiting.length === 0
          ? 'the run waits for no step'
          : `the run waits for ${waiting.map((s) => `"${s}"`).join(', ')}`
      }`,
    );
  }
}

export const isStepNotWaitingError = (error: unknown): error is StepNotWaitingError =>
  hasCode(error, 'TTA_STEP_NOT_WAITING');
