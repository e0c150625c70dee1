import { hasCode, TtaError } from '@tta-dev/core/errors';

/** What a run needs from the project and does not find there, found before it starts. */
export class PreflightError extends TtaError {
  override readonly name = 'PreflightError';
  readonly code = 'TTA_PREFLIGHT' as const;

  constructor(
    /** One line per problem, saying what to do. */
    readonly problems: readonly string[],
  ) {
    super(problems.join('\n'));
  }
}

export const isPreflightError = (error: unknown): error is PreflightError =>
  hasCode(error, 'TTA_PREFLIGHT');
