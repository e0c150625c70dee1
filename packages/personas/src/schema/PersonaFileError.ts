/** One problem in a persona file, located as precisely as the file allows. */
export interface PersonaFileIssue {
  /** Dotted path of the field, e.g. `security.blockList.2`; empty for the whole document. */
  readonly path: string;
  /** 1-based line and column, when the field (or its nearest parent) is in the file. */
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** A persona file that cannot be read, parsed or validated. */
export class PersonaFileError extends Error {
  override readonly name = 'PersonaFileError';
  readonly code = 'TTA_PERSONA_FILE' as const;

  constructor(
    readonly file: string,
    readonly issues: readonly PersonaFileIssue[],
  ) {
    super(
      `invalid persona file ${file}:\n${issues
        .map(
          (i) =>
            `  ${file}${i.line === undefined ? '' : `:${i.line}:${i.column ?? 1}`} ${i.path || '(document)'}: ${i.message}`,
        )
        .join('\n')}`,
    );
  }
}

export const isPersonaFileError = (error: unknown): error is PersonaFileError =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: unknown }).code === 'TTA_PERSONA_FILE';
