import { hasCode, TtaError } from '@tta-dev/core';

/**
 * A run's inputs are not what the workflow declares: an unknown or missing input, or a value
 * that is not of the input's type or among its `enum`. The message is one line naming the
 * input and what it expects.
 */
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
