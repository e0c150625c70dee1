import { hasCode, TtaError } from '@tta-dev/core/errors';

/** `.tta/project.json` that is not JSON, or whose `commands` are not command lines by name. */
export class InvalidProjectFileError extends TtaError {
  override readonly name = 'InvalidProjectFileError';
  readonly code = 'TTA_PROJECT_FILE' as const;
}

export const isInvalidProjectFileError = (error: unknown): error is InvalidProjectFileError =>
  hasCode(error, 'TTA_PROJECT_FILE');
