import { hasCode, TtaError } from '@tta-dev/core/errors';

/**
 * `config.json` cannot be used: it is not JSON, or its persona fields have the wrong shape. It is
 * never overwritten on its own; `reset` repairs it (keeping a backup) when the user agrees.
 */
export class ConfigCorruptError extends TtaError {
  override readonly name = 'ConfigCorruptError';
  readonly code = 'TTA_CONFIG_CORRUPT' as const;

  constructor(
    readonly file: string,
    readonly problem: string,
    readonly line?: number,
  ) {
    super(
      `${file}${line === undefined ? '' : `:${line}`}: ${problem}. It was left as it is; run "tta-persona reset" to back it up and start afresh.`,
    );
  }
}

export const isConfigCorruptError = (error: unknown): error is ConfigCorruptError =>
  hasCode(error, 'TTA_CONFIG_CORRUPT');
