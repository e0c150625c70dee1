/** Codes of every error class this package raises; stable across releases. */
export type TtaErrorCode =
  | 'TTA_TIMEOUT'
  | 'TTA_CANCELLED'
  | 'TTA_BROKEN_CIRCUIT'
  | 'TTA_GATE_FAILED'
  | 'TTA_ROUTE_NOT_FOUND'
  | 'TTA_VALIDATION'
  | 'TTA_INVALID_COMPOSITION';

/** Base of every error raised by @tta-dev/core. */
export abstract class TtaError extends Error {
  abstract readonly code: TtaErrorCode;
}

/**
 * Checks an error's `code` rather than its class, so that the guards work when two copies of
 * this package are loaded (a library and an application each bringing their own).
 */
export function hasCode(error: unknown, code: TtaErrorCode): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
