import { posix, win32 } from 'node:path';
import type { GatewayServer } from './gatewayCommand.js';

/**
 * Where each assistant keeps its MCP servers, and under which key (checked in October 2026):
 *
 * - Claude Code: project scope is `.mcp.json` at the project root, `{"mcpServers": {...}}`; user
 *   scope is the top-level `mcpServers` of `~/.claude.json` (local scope is the same file under
 *   `projects.<path>.mcpServers`, which this command does not write). Sources: the scopes table
 *   of https://code.claude.com/docs/en/mcp as quoted by
 *   https://www.developersdigest.tech/mcp-servers/clients/claude-code, and
 *   https://github.com/perplexityai/bumblebee/pull/42 ("Claude Code stores user-scoped MCP
 *   servers in the top-level mcpServers map of ~/.claude.json").
 * - VS Code: https://code.visualstudio.com/docs/agents/reference/mcp-configuration — "stored in
 *   `.vscode/mcp.json` in your workspace or in your user profile. It defines servers in a
 *   top-level `servers` object"; its stdio examples carry `"type": "stdio"`. The file is JSONC
 *   (comments and trailing commas allowed). The user profile folder, per
 *   https://code.visualstudio.com/docs/getstarted/settings#_settings-file-locations (as cited by
 *   github.com/shilgam/vscode-settings and github.com/starkos/vs-code-settings):
 *   `%APPDATA%\Code\User` (Windows), `~/Library/Application Support/Code/User` (macOS),
 *   `~/.config/Code/User` (Linux; `$XDG_CONFIG_HOME` when set, as Electron reads it).
 * - Cursor: `.cursor/mcp.json` in the project, `~/.cursor/mcp.json` for every project, both
 *   `{"mcpServers": {...}}` — https://cursor.com/docs/mcp, as summarised by
 *   https://developer.mescius.com/mcp/docs/configure-your-ai-client/die-clients/cursor.md and
 *   https://tableau.github.io/tableau-mcp/docs/configuration/ai-tools-config/cursor.
 *
 * Where each starts the gateway, so that the project's files are found (see docs/mcp-gateway.md):
 *
 * - Claude Code starts stdio servers in the folder it was started in, the project: nothing to add.
 * - VS Code: the stdio schema of mcp.json has `cwd` ("The working directory for the server
 *   command. Defaults to the workspace folder when run in a workspace", example
 *   `${workspaceFolder}`: src/vs/workbench/contrib/mcp/common/mcpConfiguration.ts of
 *   microsoft/vscode). Written explicitly, for the user file too.
 * - Cursor starts stdio servers in `/`, and expands `${workspaceFolder}` (the open project) in
 *   `command`, `args` and `env` (https://cursor.com/docs/mcp, "config interpolation"): the entry
 *   passes `--project ${workspaceFolder}`, in the project file and the user file alike.
 */
export const MCP_CLIENTS = ['claude-code', 'vscode', 'cursor'] as const;
export type McpClient = (typeof MCP_CLIENTS)[number];
export type InstallScope = 'project' | 'user';

export const CLIENT_NAMES: Record<McpClient, string> = {
  'claude-code': 'Claude Code',
  vscode: 'VS Code',
  cursor: 'Cursor',
};

/** The variable VS Code and Cursor replace with the open project's folder. */
export const WORKSPACE_FOLDER = '${workspaceFolder}';

export interface McpConfigLocation {
  /** The configuration file. */
  readonly file: string;
  /** The key of the object holding the servers by name. */
  readonly key: 'mcpServers' | 'servers';
  /** The file may hold comments and trailing commas. */
  readonly jsonc: boolean;
  /** The entry to write for the gateway. */
  readonly entry: Readonly<Record<string, unknown>>;
}

export interface LocationContext {
  /** The project folder. */
  readonly cwd: string;
  /** The user's home folder. */
  readonly home: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  /** How the assistant starts the gateway (see `chooseGatewayServer`). */
  readonly server: GatewayServer;
}

/** The file, key and entry for `client` at `scope`. */
export function mcpConfigLocation(
  client: McpClient,
  scope: InstallScope,
  context: LocationContext,
): McpConfigLocation {
  const { command, args } = context.server;
  const server = { command, args: [...args] };
  const { join } = context.platform === 'win32' ? win32 : posix;
  switch (client) {
    case 'claude-code':
      return {
        file:
          scope === 'project' ? join(context.cwd, '.mcp.json') : join(context.home, '.claude.json'),
        key: 'mcpServers',
        jsonc: false,
        entry: server,
      };
    case 'vscode':
      return {
        file:
          scope === 'project'
            ? join(context.cwd, '.vscode', 'mcp.json')
            : join(vscodeUserFolder(context), 'mcp.json'),
        key: 'servers',
        jsonc: true,
        entry: { type: 'stdio', ...server, cwd: WORKSPACE_FOLDER },
      };
    case 'cursor':
      return {
        file: join(scope === 'project' ? context.cwd : context.home, '.cursor', 'mcp.json'),
        key: 'mcpServers',
        jsonc: false,
        entry: { ...server, args: [...server.args, '--project', WORKSPACE_FOLDER] },
      };
  }
}

/** VS Code's user folder (of the default profile) on `platform`. */
export function vscodeUserFolder(context: Omit<LocationContext, 'cwd' | 'server'>): string {
  const { env, home, platform } = context;
  const set = (name: string) => {
    const value = env[name];
    return value !== undefined && value !== '' ? value : undefined;
  };
  if (platform === 'win32')
    return win32.join(set('APPDATA') ?? win32.join(home, 'AppData', 'Roaming'), 'Code', 'User');
  if (platform === 'darwin')
    return posix.join(home, 'Library', 'Application Support', 'Code', 'User');
  return posix.join(set('XDG_CONFIG_HOME') ?? posix.join(home, '.config'), 'Code', 'User');
}
