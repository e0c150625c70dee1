import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { parse } from '../args.js';
import { CliError, usageError } from '../CliError.js';
import { colors, type Io, printJson, println } from '../Io.js';
import {
  CLIENT_NAMES,
  type InstallScope,
  MCP_CLIENTS,
  type McpClient,
  mcpConfigLocation,
} from './clients.js';
import { chooseGatewayServer } from './gatewayCommand.js';
import { JsonShapeError, JsonSyntaxError, setJsonMember } from './jsonEdit.js';

type WriteFileAtomic = typeof import('write-file-atomic');

export const installHelp = `Usage: tta mcp install --client claude-code|vscode|cursor [--project|--user] [--name tta] [--json]

Adds the TTA persona gateway to an assistant's MCP configuration, so that the assistant starts
"tta mcp serve" and sees the active persona's tools: "npx -y -p @tta-dev/cli@<this version> tta
mcp serve" when this version is on the npm registry, else this installation of tta by absolute
paths (node <path>/tta.js mcp serve). Only that one entry is written: every other key, server,
comment and the file's indentation stay as they were.

  client        --project (default)   --user
  claude-code   .mcp.json             ~/.claude.json
  vscode        .vscode/mcp.json      mcp.json in VS Code's user folder (~/.config/Code/User,
                                      ~/Library/Application Support/Code/User, %APPDATA%\\Code\\User)
  cursor        .cursor/mcp.json      ~/.cursor/mcp.json

An entry of the same name is replaced. A file that is not valid JSON is left untouched (exit 2).

Options:
  --client C   claude-code, vscode or cursor (required)
  --project    the current folder's configuration (default)
  --user       your own configuration, for every project
  --name N     the server's name in the file (default: tta; letters, digits, "_" and "-")
  --local      start this installation of tta even when this version is on npm
  --json       print what was done as JSON
  -h, --help`;

/** Runs `tta mcp install`; resolves to the exit code. */
export async function install(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta mcp install', argv, {
    client: { type: 'string', short: 'c' },
    project: { type: 'boolean' },
    user: { type: 'boolean' },
    name: { type: 'string', short: 'n' },
    local: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, installHelp);
    return 0;
  }
  if (positionals.length > 0)
    throw usageError(
      `tta mcp install: unexpected argument "${positionals[0]}"\nRun "tta mcp install --help" for usage.`,
    );
  const client = values.client as McpClient | undefined;
  if (client === undefined || !MCP_CLIENTS.includes(client))
    throw usageError(
      `tta mcp install: --client must be one of ${MCP_CLIENTS.join(', ')}${values.client === undefined ? '' : `, got "${values.client}"`}`,
    );
  if (values.project && values.user)
    throw usageError('tta mcp install: give --project or --user, not both');
  const scope: InstallScope = values.user ? 'user' : 'project';
  const name = values.name ?? 'tta';
  if (!/^[A-Za-z0-9_-]+$/.test(name) || name.includes('__') || name.endsWith('_'))
    throw usageError(
      `tta mcp install: --name "${name}" may contain only letters, digits, "_" and "-", without "__" or a final "_" (assistants prefix tool names with it)`,
    );

  const choice = await chooseGatewayServer({ local: values.local === true, env: io.env });
  const home = io.env.HOME !== undefined && io.env.HOME !== '' ? io.env.HOME : homedir();
  const location = mcpConfigLocation(client, scope, {
    cwd: io.cwd,
    home,
    env: io.env,
    platform: process.platform,
    server: choice.server,
  });
  const { file } = location;

  let before: string | undefined;
  try {
    before = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new CliError(`tta mcp install: cannot read ${file}: ${(error as Error).message}`, 1);
  }

  let result: ReturnType<typeof setJsonMember>;
  try {
    result = setJsonMember(before ?? '', location.key, name, location.entry, {
      jsonc: location.jsonc,
    });
  } catch (error) {
    if (error instanceof JsonSyntaxError)
      throw usageError(
        `tta mcp install: ${file}:${error.line}:${error.column}: not valid JSON${location.jsonc ? 'C' : ''}: ${error.reason}\nThe file was left as it was; fix it and run the command again.`,
      );
    if (error instanceof JsonShapeError)
      throw usageError(
        `tta mcp install: ${file}:${error.line}:${error.column}: ${error.message}\nThe file was left as it was; fix it and run the command again.`,
      );
    throw error;
  }

  if (result.action !== 'unchanged') {
    const writeFileAtomic = (
      (await import('write-file-atomic')) as unknown as { default: WriteFileAtomic }
    ).default;
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeFileAtomic(file, result.text);
    } catch (error) {
      throw new CliError(`tta mcp install: cannot write ${file}: ${(error as Error).message}`, 1);
    }
  }

  const created = before === undefined;
  if (values.json) {
    printJson(io, {
      client,
      scope,
      file,
      key: location.key,
      name,
      action: result.action,
      created,
      server: location.entry,
      from: choice.from,
      ...(result.previous === undefined ? {} : { previous: result.previous }),
    });
    return 0;
  }
  const c = colors(io);
  const where = `${CLIENT_NAMES[client]}'s ${scope} MCP configuration`;
  const done =
    result.action === 'added'
      ? `Added "${name}" to ${where}${created ? ' (new file)' : ''}`
      : result.action === 'replaced'
        ? `Replaced the existing "${name}" entry in ${where}`
        : `"${name}" is already in ${where}; nothing changed`;
  println(io, `${c.green('✓')} ${done}: ${file}`);
  println(
    io,
    c.dim(
      `  It starts ${[choice.server.command, ...choice.server.args].join(' ')} (${choice.reason}).`,
    ),
  );
  println(
    io,
    c.dim(
      `  Restart or reload ${CLIENT_NAMES[client]} to connect; switch personas with "tta-persona use <name>".`,
    ),
  );
  return 0;
}
