import { hasCode, TtaError } from '@tta-dev/core/errors';

/**
 * `TTA_MEMORY` or the `memory` field of `.tta/project.json` names no memory tta knows (the message
 * says which variable or file and field, and what it accepts).
 */
export class InvalidMemoryConfigError extends TtaError {
  override readonly name = 'InvalidMemoryConfigError';
  readonly code = 'TTA_MEMORY_CONFIG' as const;
}

export const isInvalidMemoryConfigError = (error: unknown): error is InvalidMemoryConfigError =>
  hasCode(error, 'TTA_MEMORY_CONFIG');
