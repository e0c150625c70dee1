import { hasCode, TtaError } from '@tta-dev/core/errors';

/** Why a Logseq write failed; the CLI maps `config` to exit code 2, the rest to 1. */
export type LogseqErrorReason =
  /** The graph's `logseq/config.edn` or a page file cannot be read as Logseq would. */
  | 'config'
  /** No API server at the URL (Logseq closed, or its HTTP API server not started). */
  | 'unreachable'
  /** The API server refused the token (401). */
  | 'unauthorized'
  /** The API server does not know the method (an older or newer Logseq). */
  | 'method'
  /** The API server or the graph refused the call, or answered something unexpected. */
  | 'failed';

export class LogseqError extends TtaError {
  override readonly name = 'LogseqError';
  readonly code = 'TTA_LOGSEQ' as const;

  constructor(
    readonly reason: LogseqErrorReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const isLogseqError = (error: unknown): error is LogseqError => hasCode(error, 'TTA_LOGSEQ');
