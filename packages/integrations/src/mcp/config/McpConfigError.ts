/** One problem in an MCP servers file, located as precisely as the file allows. */
export interface McpConfigIssue {
  /** Dotted path of the field, e.g. `mcpServers.github.env.TOKEN`; empty for the whole file. */
  readonly path: string;
  /** 1-based line and column, when the field (or its nearest parent) is in the file. */
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/**
 * `not_found`: no file where it was looked for (or the file named does not exist);
 * `unreadable`: the file exists but cannot be read; `invalid`: bad JSON, a field the schema
 * rejects, or a `${VAR}` reference to an unset variable.
 */
export type McpConfigErrorReason = 'not_found' | 'unreadable' | 'invalid';

/** An MCP servers file (`mcp_servers.json`) that cannot be found, read, parsed or validated. */
export class McpConfigError extends Error {
  override readonly name = 'McpConfigError';
  readonly code = 'TTA_MCP_CONFIG' as const;

  constructor(
    readonly file: string,
    readonly issues: readonly McpConfigIssue[],
    readonly reason: McpConfigErrorReason = 'invalid',
  ) {
    super(
      reason === 'invalid'
        ? `invalid MCP servers file ${file}:\n${issues
            .map(
              (i) =>
                `  ${file}${i.line === undefined ? '' : `:${i.line}:${i.column ?? 1}`} ${i.path || '(document)'}: ${i.message}`,
            )
            .join('\n')}`
        : issues.map((i) => i.message).join('\n'),
    );
  }
}

export const isMcpConfigError = (error: unknown): error is McpConfigError =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: unknown }).code === 'TTA_MCP_CONFIG';
