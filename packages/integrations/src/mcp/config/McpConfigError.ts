import { hasCode, TtaError } from '@tta-dev/core/errors';
import { type FileIssue, formatFileIssues } from '@tta-dev/personas';

/** One problem in an MCP servers file. */
export type McpConfigIssue = FileIssue;

/**
 * `not_found`: no file where it was looked for (or the file named does not exist);
 * `unreadable`: the file exists but cannot be read; `invalid`: bad JSON, a field the schema
 * rejects, or a `${VAR}` reference to an unset variable.
 */
export type McpConfigErrorReason = 'not_found' | 'unreadable' | 'invalid';

/** An MCP servers file (`mcp_servers.json`) that cannot be found, read, parsed or validated. */
export class McpConfigError extends TtaError {
  override readonly name = 'McpConfigError';
  readonly code = 'TTA_MCP_CONFIG' as const;

  constructor(
    readonly file: string,
    readonly issues: readonly McpConfigIssue[],
    readonly reason: McpConfigErrorReason = 'invalid',
  ) {
    super(
      reason === 'invalid'
        ? `invalid MCP servers file ${file}:\n${formatFileIssues(file, issues)}`
        : issues.map((i) => i.message).join('\n'),
    );
  }
}

export const isMcpConfigError = (error: unknown): error is McpConfigError =>
  hasCode(error, 'TTA_MCP_CONFIG');
