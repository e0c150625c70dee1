import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { readBoundedFile, ttaHome } from '@tta-dev/personas';
import type { EnvSource } from './expandEnv.js';
import { McpConfigError } from './McpConfigError.js';
import type { McpServersConfig } from './McpServersConfig.js';
import { parseMcpServers } from './parseMcpServers.js';

/** The project file, looked for in the working folder and every folder above it. */
export const PROJECT_MCP_SERVERS_FILE = join('.hypertool', 'mcp_servers.json');
/** The user file's name, in the TTA home folder (`$TTA_HOME`, else `~/.hypertool`). */
export const USER_MCP_SERVERS_FILE = 'mcp_servers.json';

export interface FindMcpServersFileOptions {
  /** Folder to start from. Default: `process.cwd()`. */
  readonly cwd?: string;
  /** The TTA home folder. Default: `ttaHome()` (`$TTA_HOME`, else `~/.hypertool`). */
  readonly home?: string;
}

/**
 * The MCP servers file that applies in `cwd`: the nearest `.hypertool/mcp_servers.json` in
 * `cwd` or a folder above it, else `<home>/mcp_servers.json`; `undefined` when there is none.
 */
export async function findMcpServersFile(
  options: FindMcpServersFileOptions = {},
): Promise<string | undefined> {
  for (let dir = resolve(options.cwd ?? process.cwd()); ; dir = dirname(dir)) {
    const candidate = join(dir, PROJECT_MCP_SERVERS_FILE);
    if (await isFile(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  const user = join(options.home ?? ttaHome(), USER_MCP_SERVERS_FILE);
  return (await isFile(user)) ? user : undefined;
}

export interface LoadMcpServersOptions extends FindMcpServersFileOptions {
  /** A file named explicitly (`tta mcp serve --config`): wins over the lookup; relative to `cwd`. */
  readonly file?: string;
  /** Where `${VAR}` references are read from. Default: `process.env`. */
  readonly env?: EnvSource;
}

/** A parsed MCP servers file and where it was read from. */
export interface LoadedMcpServers extends McpServersConfig {
  readonly file: string;
}

/**
 * Finds (or takes the explicit `file`), reads, validates and expands the MCP servers file.
 * Throws `McpConfigError`: `reason` is `not_found` when there is no file (the message says where
 * it looked), `unreadable` when it cannot be read, `invalid` for bad JSON, a field the schema
 * rejects, or a reference to an unset variable (each with file, line, column and field path).
 */
export async function loadMcpServers(
  options: LoadMcpServersOptions = {},
): Promise<LoadedMcpServers> {
  const env = options.env ?? process.env;
  const cwd = resolve(options.cwd ?? process.cwd());
  const home = options.home ?? ttaHome(env);
  let file: string;
  if (options.file !== undefined) {
    file = resolve(cwd, options.file);
  } else {
    const found = await findMcpServersFile({ cwd, home });
    if (found === undefined) {
      const user = join(home, USER_MCP_SERVERS_FILE);
      throw new McpConfigError(
        user,
        [
          {
            path: '',
            message: `no MCP servers file found: looked for ${PROJECT_MCP_SERVERS_FILE} in ${cwd} and every folder above it, then for ${user}.\nCreate one of them ({"mcpServers": {"<name>": {"command": "...", "args": []}}}), or name a file explicitly (tta mcp serve --config <file>).`,
          },
        ],
        'not_found',
      );
    }
    file = found;
  }

  let text: string;
  try {
    text = await readBoundedFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new McpConfigError(
        file,
        [{ path: '', message: `MCP servers file ${file} does not exist` }],
        'not_found',
      );
    throw new McpConfigError(
      file,
      [{ path: '', message: `cannot read MCP servers file ${file}: ${(error as Error).message}` }],
      'unreadable',
    );
  }
  return { file, ...parseMcpServers(file, text, env) };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
