import { hasCode, TtaError } from './TtaError.js';

/**
 * Raised when a run stops because its `ctx.signal` was aborted. Distinct from `TimeoutError`:
 * a cancellation is someone's decision, not a limit that ran out.
 */
export class CancelledError extends TtaError {
  override readonly name = 'CancelledError';
  readonly code = 'TTA_CANCELLED' as const;

  constructor(
    /** Name of the primitive that noticed the cancellation. */
    readonly primitive: string,
    options?: { cause?: unknown },
  ) {
    super(`"${primitive}" was cancelled`, options);
  }
}

export const isCancelledError = (error: unknown): error is CancelledError =>
  hasCode(error, 'TTA_CANCELLED');
