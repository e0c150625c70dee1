import { z } from 'zod';

/**
 * The `mcpServers` file format that assistants already use (Claude Desktop, Claude Code's
 * `.mcp.json`, Cursor's `mcp.json`):
 *
 * ```json
 * { "mcpServers": {
 *     "github": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
 *                 "env": { "GITHUB_TOKEN": "${GITHUB_TOKEN}" } },
 *     "docs":   { "url": "https://example.com/mcp", "headers": { "Authorization": "Bearer ${DOCS_TOKEN}" } } } }
 * ```
 *
 * A server is stdio when it has `command`, Streamable HTTP when it has `url`; an optional `type`
 * (`stdio`, `http`, or `streamable-http`, as VS Code and Claude Code write it) makes it explicit.
 * Other top-level keys are ignored, so that an assistant's own file (Claude Desktop's, or
 * `~/.claude.json`) can be used as it is. Inside a server, an unknown key is an error: a
 * `disabled` or `envFile` that the gateway silently ignored would start a server the person
 * turned off, or start it without its environment.
 */

/** Characters allowed in a server name: it prefixes tool names, which clients restrict to these. */
const SERVER_NAME_CHARS = /^[A-Za-z0-9_-]+$/;

/**
 * Why `name` cannot name a server, or `undefined` when it can. The gateway names tools
 * `<server>__<tool>` and splits a name at its first `__`, so a server name must not contain `__`
 * nor end with `_` (`a_` + `__` + `x` would split as `a` and `_x`); and clients accept only
 * `[A-Za-z0-9_-]` in tool names (Claude's API, Copilot and Windsurf check `^[a-zA-Z0-9_-]+$`).
 */
export function mcpServerNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a server name must not be empty';
  if (!SERVER_NAME_CHARS.test(name))
    return `server name "${name}" may contain only letters, digits, "_" and "-" (tools are named <server>__<tool>)`;
  if (name.includes('__'))
    return `server name "${name}" must not contain "__" (tools are named <server>__<tool>)`;
  if (name.endsWith('_'))
    return `server name "${name}" must not end with "_" (<server>__<tool> would be ambiguous)`;
  return undefined;
}

/** Why `url` is not a usable Streamable HTTP address, or `undefined` when it is. */
export function mcpServerUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `"${url}" is not an http: or https: URL`;
  return undefined;
}

/** A server started as a child process and spoken to over stdin/stdout. */
export interface McpStdioServerConfig {
  readonly transport: 'stdio';
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/** A server reached over Streamable HTTP. */
export interface McpHttpServerConfig {
  readonly transport: 'http';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** One downstream server after parsing: `transport` says which kind it is. */
export type McpServerConfig = McpStdioServerConfig | McpHttpServerConfig;

const stringMap = z.record(z.string(), z.string());

const STDIO_ONLY = ['command', 'args', 'env', 'cwd'] as const;
const HTTP_ONLY = ['url', 'headers'] as const;

/** One entry of `mcpServers`, as written in the file; parses to a `McpServerConfig`. */
export const McpServerConfigSchema = z
  .strictObject({
    type: z
      .enum(['stdio', 'http', 'streamable-http'], {
        error: 'expected "stdio", "http" or "streamable-http" (SSE servers are not supported)',
      })
      .optional()
      .describe(
        'Transport; inferred from `command` (stdio) or `url` (Streamable HTTP) when absent',
      ),
    command: z.string().min(1, 'command must not be empty').optional(),
    args: z.array(z.string()).optional(),
    env: stringMap.optional(),
    cwd: z.string().min(1, 'cwd must not be empty').optional(),
    url: z.string().min(1, 'url must not be empty').optional(),
    headers: stringMap.optional(),
  })
  .superRefine((server, ctx) => {
    const transport = transportOf(server);
    if (transport === undefined) {
      ctx.addIssue({
        code: 'custom',
        message:
          server.command !== undefined && server.url !== undefined
            ? 'a server has either command (stdio) or url (Streamable HTTP), not both; set "type" or remove one'
            : 'a server needs either command (stdio) or url (Streamable HTTP)',
      });
      return;
    }
    const [required, foreign, label] =
      transport === 'stdio'
        ? (['command', HTTP_ONLY, 'a stdio server'] as const)
        : (['url', STDIO_ONLY, 'a Streamable HTTP server'] as const);
    if (server[required] === undefined)
      ctx.addIssue({
        code: 'custom',
        path: [required],
        message: `required field is missing (${label} needs ${required})`,
      });
    for (const key of foreign)
      if (server[key] !== undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: `${label} has no ${key}` });
    // A URL with ${VAR} references is checked once they are expanded.
    if (server.url !== undefined && !server.url.includes('${')) {
      const problem = mcpServerUrlProblem(server.url);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
    }
  })
  .transform((server): McpServerConfig => {
    if (transportOf(server) === 'http')
      return { transport: 'http', url: server.url ?? '', headers: server.headers ?? {} };
    return {
      transport: 'stdio',
      command: server.command ?? '',
      args: server.args ?? [],
      env: server.env ?? {},
      ...(server.cwd === undefined ? {} : { cwd: server.cwd }),
    };
  });

function transportOf(server: {
  type?: 'stdio' | 'http' | 'streamable-http' | undefined;
  command?: string | undefined;
  url?: string | undefined;
}): 'stdio' | 'http' | undefined {
  if (server.type === 'stdio') return 'stdio';
  if (server.type === 'http' || server.type === 'streamable-http') return 'http';
  if (server.command !== undefined && server.url === undefined) return 'stdio';
  if (server.url !== undefined && server.command === undefined) return 'http';
  return undefined;
}

/** A server name, checked by `mcpServerNameProblem`. */
const ServerName = z.string().superRefine((name, ctx) => {
  const problem = mcpServerNameProblem(name);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** A whole `mcp_servers.json` file. */
export const McpServersConfigSchema = z.object({
  mcpServers: z
    .record(ServerName, McpServerConfigSchema)
    .describe('Downstream MCP servers by name; the gateway names their tools <server>__<tool>'),
});

/** The file as written (before parsing). */
export type McpServersConfigInput = z.input<typeof McpServersConfigSchema>;

/** The parsed file: every server with its `transport`. */
export interface McpServersConfig {
  readonly mcpServers: Readonly<Record<string, McpServerConfig>>;
}
