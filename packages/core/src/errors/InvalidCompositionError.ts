import { hasCode, TtaError } from './TtaError.js';

/** Raised when primitives are put together in a way that cannot run (an empty sequence, say). */
export class InvalidCompositionError extends TtaError {
  override readonly name = 'InvalidCompositionError';
  readonly code = 'TTA_INVALID_COMPOSITION' as const;
}

export const isInvalidCompositionError = (error: unknown): error is InvalidCompositionError =>
  hasCode(error, 'TTA_INVALID_COMPOSITION');
