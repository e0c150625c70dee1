import { hasCode, TtaError } from '@tta-dev/core/errors';

/** Another live process holds the run's lease: it is driving or changing the run right now. */
export class RunBusyError extends TtaError {
  override readonly name = 'RunBusyError';
  readonly code = 'TTA_RUN_BUSY' as const;

  constructor(readonly runId: string) {
    super(
      `run "${runId}" is being driven by another process; wait for it to finish (or for its lease to lapse), or stop that process`,
    );
  }
}

export const isRunBusyError = (error: unknown): error is RunBusyError =>
  hasCode(error, 'TTA_RUN_BUSY');
