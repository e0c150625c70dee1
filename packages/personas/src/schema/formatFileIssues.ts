// Kept apart from the zod and YAML helpers of fileIssues.ts: an error that only formats its
// issues (PersonaFileError) must not load the YAML parser.

/** One problem in a user's file (persona, workflow, MCP servers), located as precisely as it allows. */
export interface FileIssue {
  /** Dotted path of the field, e.g. `security.blockList.2`; empty for the whole document. */
  readonly path: string;
  /** 1-based line and column, when the field (or its nearest parent) is in the file. */
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** The issues as indented `file:line:column path: message` lines, for error messages. */
export function formatFileIssues(file: string, issues: readonly FileIssue[]): string {
  return issues
    .map(
      (i) =>
        `  ${file}${i.line === undefined ? '' : `:${i.line}:${i.column ?? 1}`} ${i.path || '(document)'}: ${i.message}`,
    )
    .join('\n');
}
