/** One problem in a workflow file: dotted field path, 1-based line and column where known. */
export interface WorkflowFileIssue {
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** A workflow file that cannot be read, parsed or validated; names every problem's place. */
export class WorkflowFileError extends Error {
  override readonly name = 'WorkflowFileError';
  readonly code = 'TTA_WORKFLOW_FILE' as const;

  constructor(
    readonly file: string,
    readonly issues: readonly WorkflowFileIssue[],
  ) {
    super(
      `invalid workflow file ${file}:\n${issues
        .map(
          (i) =>
            `  ${file}${i.line === undefined ? '' : `:${i.line}:${i.column ?? 1}`} ${i.path || '(document)'}: ${i.message}`,
        )
        .join('\n')}`,
    );
  }
}

export const isWorkflowFileError = (error: unknown): error is WorkflowFileError =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: unknown }).code === 'TTA_WORKFLOW_FILE';
