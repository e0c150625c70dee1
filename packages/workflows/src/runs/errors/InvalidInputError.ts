import { hasCode, TtaError } from '@tta-dev/core/errors';

/** A workflow input that was not given when required, is of the wrong type, or is not declared. */
export class InvalidInputError extends TtaError {
  override readonly name = 'InvalidInputError';
  readonly code = 'TTA_INVALID_INPUT' as const;

  constructor(
    /** The input's name. */
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}

export const isInvalidInputError = (error: unknown): error is InvalidInputError =>
  hasCode(error, 'TTA_INVALID_INPUT');
