// Also the subpath `@tta-dev/core/errors`: this file alone, so that packages whose start-up time
// counts (the persona store behind `tta-persona current`) can extend `TtaError` for free.

/** Codes of the error classes @tta-dev/core raises; stable across releases. */
export type CoreErrorCode =
  | 'TTA_TIMEOUT'
  | 'TTA_CANCELLED'
  | 'TTA_BROKEN_CIRCUIT'
  | 'TTA_GATE_FAILED'
  | 'TTA_ROUTE_NOT_FOUND'
  | 'TTA_VALIDATION'
  | 'TTA_INVALID_COMPOSITION';

/**
 * The code of any tta error: core's, and those the other packages add (`TTA_RUN_NOT_FOUND`…).
 * Boundaries (the CLI's exit codes, the run server's HTTP statuses) decide by code, never by
 * message text.
 */
export type TtaErrorCode = CoreErrorCode | `TTA_${string}`;

/** Base of every error raised by the tta packages: a stable `code` beside the message. */
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

/** The error's tta code, when it has one (`undefined` for any other error). */
export function ttaCodeOf(error: unknown): TtaErrorCode | undefined {
  const code =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('TTA_') ? (code as TtaErrorCode) : undefined;
}
