import { hasCode, TtaError } from '@tta-dev/core/errors';
import { type FileIssue, formatFileIssues } from './formatFileIssues.js';

/** One problem in a persona file. */
export type PersonaFileIssue = FileIssue;

/** A persona file that cannot be read, parsed or validated. */
export class PersonaFileError extends TtaError {
  override readonly name = 'PersonaFileError';
  readonly code = 'TTA_PERSONA_FILE' as const;

  constructor(
    readonly file: string,
    readonly issues: readonly PersonaFileIssue[],
  ) {
    super(`invalid persona file ${file}:\n${formatFileIssues(file, issues)}`);
  }
}

export const isPersonaFileError = (error: unknown): error is PersonaFileError =>
  hasCode(error, 'TTA_PERSONA_FILE');
