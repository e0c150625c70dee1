import type { TtaErrorCode } from '@tta-dev/core/errors';
import type { ExitCode } from './CliError.js';

/**
 * The exit code of every error code the libraries raise: 2 when the user's input is bad (a
 * command line, a run id, a file they wrote), 1 when the work failed or the machine's state
 * stopped it. Commands throw the libraries' errors as they are; this table alone turns them into
 * exit codes, by code, never by message text. A code missing here is an internal error.
 */
export const EXIT_CODES: Readonly<Record<TtaErrorCode, ExitCode>> = {
  // Bad input: the message names the file, line and field to fix.
  TTA_INVALID_INPUT: 2,
  TTA_PROJECT_FILE: 2,
  TTA_RUN_STORE_CONFIG: 2,
  TTA_PREFLIGHT: 2,
  TTA_UNKNOWN_RESUME_POINT: 2,
  TTA_INVALID_RUN_ID: 2,
  TTA_INVALID_RUN_EVENT: 2,
  TTA_RUN_NOT_FOUND: 2,
  TTA_STEP_NOT_WAITING: 2,
  TTA_RUN_FINISHED: 2,
  TTA_UNKNOWN_STAGE: 2,
  TTA_RUN_BUSY: 2,
  TTA_WORKFLOW_FILE: 2,
  TTA_PERSONA_FILE: 2,
  TTA_CONFIG_CORRUPT: 2,
  TTA_MCP_CONFIG: 2,
  TTA_MEMORY_CONFIG: 2,
  TTA_EXPRESSION: 2,
  TTA_RUN_SERVER_OPTIONS: 2,
  TTA_JSON_SYNTAX: 2,
  TTA_JSON_SHAPE: 2,
  // A step needs an optional package that is not installed: the user installs it.
  TTA_MISSING_PACKAGE: 2,
  // The work failed, or the state of the run or of a service stopped it.
  TTA_RUN_LOG_CORRUPT: 1,
  TTA_RUN_LOG_LOCKED: 1,
  TTA_LEASE_LOST: 1,
  TTA_INVALID_STEP: 1,
  TTA_CODE_STEP_FAILED: 1,
  TTA_GIT: 1,
  TTA_LOGSEQ: 1,
  TTA_SERVICE: 1,
  TTA_MEMORY_BACKEND: 1,
  TTA_TIMEOUT: 1,
  TTA_CANCELLED: 1,
  TTA_BROKEN_CIRCUIT: 1,
  TTA_GATE_FAILED: 1,
  TTA_VALIDATION: 1,
  TTA_ROUTE_NOT_FOUND: 1,
  TTA_INVALID_COMPOSITION: 1,
};

/**
 * What to do about the errors of the system that mean the machine's state, not a bug: a file
 * that cannot be read or written, a full disk. Their message (which names the file) and this
 * hint are one line, exit 1.
 */
export const SYSTEM_ERROR_HINTS: Readonly<Record<string, string>> = {
  EACCES: 'check who owns it and its permissions',
  EPERM: 'check who owns it and its permissions',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full: free some space and run the command again',
  EDQUOT: 'the disk quota is used up: free some space and run the command again',
  EISDIR: 'a folder is where a file should be: move it away',
  ENOTDIR: 'a file is where a folder should be: move it away',
  ENOENT: 'check the path: it was moved or deleted',
  ELOOP: 'too many symbolic links: one points back at itself',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many files are open: raise the limit (ulimit -n) or close some programs',
  ENFILE: 'too many files are open on this machine',
  EIO: 'the disk failed to read or write',
  EBUSY: 'the file is in use by another program',
};

/** How the CLI reports an error that is not a `CliError`: its exit code and one-line message. */
export function reportOf(error: unknown): { exitCode: ExitCode; message: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  const exitCode = EXIT_CODES[code as TtaErrorCode];
  if (exitCode !== undefined) return { exitCode, message };
  const hint = SYSTEM_ERROR_HINTS[code];
  if (hint === undefined) return undefined;
  // Node names the file in most messages, not all (EISDIR on read, errors of a write to an fd).
  const { path } = error as { path?: unknown };
  const where = typeof path === 'string' && !message.includes(path) ? ` (${path})` : '';
  return { exitCode: 1, message: `${message}${where}: ${hint}` };
}
