import { hasCode, TtaError } from '@tta-dev/core/errors';

/** An expression that does not parse or cannot be evaluated; `offset` is within `expression`. */
export class ExpressionError extends TtaError {
  override readonly name = 'ExpressionError';
  readonly code = 'TTA_EXPRESSION' as const;

  constructor(
    readonly expression: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${reason} in \${{ ${expression} }} at character ${offset + 1}`);
  }
}

export const isExpressionError = (error: unknown): error is ExpressionError =>
  hasCode(error, 'TTA_EXPRESSION');
