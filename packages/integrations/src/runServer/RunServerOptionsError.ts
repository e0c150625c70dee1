import { hasCode, TtaError } from '@tta-dev/core/errors';

/** `startRunServer` was given options it refuses: no token beyond loopback, a weak token. */
export class RunServerOptionsError extends TtaError {
  override readonly name = 'RunServerOptionsError';
  readonly code = 'TTA_RUN_SERVER_OPTIONS' as const;
}

export const isRunServerOptionsError = (error: unknown): error is RunServerOptionsError =>
  hasCode(error, 'TTA_RUN_SERVER_OPTIONS');
