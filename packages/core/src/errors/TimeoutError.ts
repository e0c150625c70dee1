import { hasCode, TtaError } from './TtaError.js';

/** Raised by `timeout()` when the wrapped primitive did not finish within its limit. */
export class TimeoutError extends TtaError {
  override readonly name = 'TimeoutError';
  readonly code = 'TTA_TIMEOUT' as const;

  constructor(
    /** Name of the primitive that ran out of time. */
    readonly primitive: string,
    /** The limit, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super(
      `"${primitive}" did not finish within ${timeoutMs} ms; raise the limit or make it faster`,
    );
  }
}

export const isTimeoutError = (error: unknown): error is TimeoutError =>
  hasCode(error, 'TTA_TIMEOUT');
