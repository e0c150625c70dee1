import { hasCode, TtaError } from '@tta-dev/core/errors';

/**
 * The shared memory's server failed or could not be reached. The message names the server by its
 * URL with the password replaced by `***`, and never holds the password.
 */
export class MemoryBackendError extends TtaError {
  override readonly name = 'MemoryBackendError';
  readonly code = 'TTA_MEMORY_BACKEND' as const;
}

export const isMemoryBackendError = (error: unknown): error is MemoryBackendError =>
  hasCode(error, 'TTA_MEMORY_BACKEND');
