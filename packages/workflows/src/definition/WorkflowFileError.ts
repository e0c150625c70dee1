import { hasCode, TtaError } from '@tta-dev/core/errors';
import { type FileIssue, formatFileIssues } from '@tta-dev/personas';

/** One problem in a workflow file. */
export type WorkflowFileIssue = FileIssue;

/** A workflow file that cannot be read, parsed or validated; names every problem's place. */
export class WorkflowFileError extends TtaError {
  override readonly name = 'WorkflowFileError';
  readonly code = 'TTA_WORKFLOW_FILE' as const;

  constructor(
    readonly file: string,
    readonly issues: readonly WorkflowFileIssue[],
  ) {
    super(`invalid workflow file ${file}:\n${formatFileIssues(file, issues)}`);
  }
}

export const isWorkflowFileError = (error: unknown): error is WorkflowFileError =>
  hasCode(error, 'TTA_WORKFLOW_FILE');
