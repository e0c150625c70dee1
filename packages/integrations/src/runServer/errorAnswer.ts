import { type TtaErrorCode, ttaCodeOf } from '@tta-dev/core/errors';
import { isStepNotWaitingError } from '@tta-dev/workflows';
import { HttpError } from './HttpError.js';

/**
 * The HTTP status of every error code the libraries raise: 4xx when the request is at fault (a
 * bad id or body, a run that does not exist, a run not in a state to do it), 5xx when the server
 * or its data is. The one place that maps errors to statuses, by code, never by message text.
 */
export const HTTP_STATUSES: Readonly<Record<TtaErrorCode, number>> = {
  TTA_INVALID_RUN_ID: 400,
  TTA_INVALID_RUN_EVENT: 400,
  TTA_INVALID_INPUT: 400,
  TTA_RUN_NOT_FOUND: 404,
  TTA_STEP_NOT_WAITING: 409,
  TTA_RUN_FINISHED: 409,
  TTA_UNKNOWN_STAGE: 400,
  TTA_RUN_BUSY: 409,
  TTA_LEASE_LOST: 409,
  TTA_RUN_LOG_CORRUPT: 500,
  TTA_RUN_LOG_LOCKED: 503,
  TTA_WORKFLOW_FILE: 500,
  TTA_PERSONA_FILE: 500,
  TTA_CONFIG_CORRUPT: 500,
  TTA_MCP_CONFIG: 500,
  TTA_TIMEOUT: 504,
  TTA_SERVICE: 502,
  TTA_LOGSEQ: 502,
  TTA_MEMORY_BACKEND: 502,
  TTA_MEMORY_CONFIG: 500,
};

/** Errors of the system that are the server's state (a file it may not read, a full disk): 500. */
const SYSTEM_CODES = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'EISDIR',
  'ENOTDIR',
  'EMFILE',
  'ENFILE',
  'EIO',
]);

/** How the server answers a request that failed with `error`. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
  /** An error no table knows: a bug, logged with its stack. */
  readonly unexpected: boolean;
}

export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof HttpError)
    return { status: error.status, body: error.body, headers: error.headers, unexpected: false };
  const message = error instanceof Error ? error.message : String(error);
  const code = ttaCodeOf(error);
  const status = code === undefined ? undefined : HTTP_STATUSES[code];
  if (code !== undefined && status !== undefined) {
    const waiting = isStepNotWaitingError(error) ? { waiting: error.waiting } : {};
    return { status, body: { error: message, code, ...waiting }, headers: {}, unexpected: false };
  }
  const systemCode = (error as { code?: unknown } | null)?.code;
  if (typeof systemCode === 'string' && SYSTEM_CODES.has(systemCode))
    return {
      status: 500,
      body: { error: message, code: systemCode },
      headers: {},
      unexpected: false,
    };
  return { status: 500, body: { error: message }, headers: {}, unexpected: true };
}
