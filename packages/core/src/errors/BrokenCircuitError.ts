import { hasCode, TtaError } from './TtaError.js';

/** Raised by `circuitBreaker()` instead of calling the primitive while the circuit is open. */
export class BrokenCircuitError extends TtaError {
  override readonly name = 'BrokenCircuitError';
  readonly code = 'TTA_BROKEN_CIRCUIT' as const;

  constructor(
    readonly primitive: string,
    /** When the breaker will let a trial call through (epoch ms), if known. */
    readonly retryAfter?: number,
  ) {
    super(
      `circuit "${primitive}" is open: calls are refused until it recovers` +
        (retryAfter === undefined ? '' : ` (next trial at ${new Date(retryAfter).toISOString()})`),
    );
  }
}

export const isBrokenCircuitError = (error: unknown): error is BrokenCircuitError =>
  hasCode(error, 'TTA_BROKEN_CIRCUIT');
