import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  createGatewayServer,
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_LIST_WAIT_MS,
  DEFAULT_SESSION_IDLE_MS,
  DEFAULT_START_TIMEOUT_MS,
  DEFAULT_TOOLS_PAGE_SIZE,
  type GatewayLog,
  isLoopbackHost,
  isMcpConfigError,
  loadMcpServers,
  type McpServerConfig,
  PersonaGateway,
  serveHttp,
} from '@tta-dev/integrations/gateway';
import { type PersonaRegistry, PersonaScopes } from '@tta-dev/personas';
import { RUN_ID_PATTERN } from '@tta-dev/workflows';
import { parse } from '../args.js';
import { CliError, usageError } from '../CliError.js';
import { eprintln, type Io, println } from '../Io.js';
import { homeOf, loadRegistry } from '../persona/_registry.js';
import { MCP_TOKEN, serveToken, tokenNote } from '../serve/serveToken.js';
import { openSharedMemory } from '../sharedMemory.js';

export const serveHelp = `Usage: tta mcp serve [--project DIR] [--run ID] [--config FILE] [--persona NAME] [--http [--port N] [--host H] [--token T]]

Runs the MCP persona gateway: your assistant connects to it instead of to each MCP server. It
starts the servers the active persona allows, shows only that persona's tools (named
<server>__<tool>) and follows the active persona live: the scope of --run, else the project's
(the latest stage a run of it started, or "tta-persona <name> --project"), else the user's.
It answers at once: servers start in the background and their tools follow with
tools/list_changed.

Servers come from .hypertool/mcp_servers.json (found upward from here), then
~/.hypertool/mcp_servers.json, or --config; the format is the one assistants use:
  { "mcpServers": { "github": { "command": "npx", "args": [...], "env": { "TOKEN": "\${GITHUB_TOKEN}" } } } }

Options:
  --project DIR    the project whose .hypertool/ (servers, personas) and .tta/runs are used
                   (default: the working folder); for assistants that start servers elsewhere
  --run ID         follow the persona of this run of the project (then the project's, the user's)
  --config FILE    the MCP servers file to use
  --persona NAME   pin one persona for the life of the process (switches are ignored)
  --http           serve Streamable HTTP instead of stdio (one session per client)
  --port N         HTTP port (default 3737; 0 picks a free one)
  --host H         HTTP address (default 127.0.0.1, this machine only)
  --token T        HTTP bearer token (16+ visible characters); else $TTA_MCP_TOKEN, else the
                   one saved in <TTA home>/mcp-token, made on first use and printed then
  --allow-host H   also answer requests whose Host header is H (name:port; repeatable);
                   127.0.0.1, localhost and [::1] with the port are always answered
  --allow-origin O also answer browser requests from origin O (https://app.example; repeatable)
  --session-idle MS  close HTTP sessions idle this long (default 1800000, 30 minutes)
  --timeout MS     limit of each proxied call (default 60000)
  --start-timeout MS  limit of each server's start; then it is killed and retried (default 30000)
  --page-size N    tools per page of tools/list (default 500)
  --list-wait MS   how long after a switch tools/list waits for servers still starting, for
                   clients that list once (default 3000; 0: never wait; initialize never waits)
  --verbose        also log the servers' own stderr lines
  -h, --help

The memory_* tools share TTA_MEMORY (or .tta/project.json's "memory"): redis://… or
postgres://… for a memory every gateway and run on that server shares (memory_get and
memory_search with "run" read a run's), else one in this process.

Over HTTP every request needs "Authorization: Bearer <token>"; see docs/mcp-gateway.md for
the entries of Claude Code and VS Code. Logs go to stderr; in stdio mode stdout carries nothing
but the protocol.`;

export async function serve(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta mcp serve', argv, {
    project: { type: 'string' },
    run: { type: 'string' },
    config: { type: 'string' },
    persona: { type: 'string' },
    http: { type: 'boolean' },
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    'allow-host': { type: 'string', multiple: true as const },
    'allow-origin': { type: 'string', multiple: true as const },
    'session-idle': { type: 'string' },
    timeout: { type: 'string' },
    'start-timeout': { type: 'string' },
    'page-size': { type: 'string' },
    'list-wait': { type: 'string' },
    verbose: { type: 'boolean' },
  });
  if (values.help) {
    println(io, serveHelp);
    return 0;
  }
  if (positionals.length > 0)
    throw usageError(`tta mcp serve: unexpected argument "${positionals[0]}"`);
  const port = numberOption('--port', values.port, 3737);
  const sessionIdleMs = numberOption(
    '--session-idle',
    values['session-idle'],
    DEFAULT_SESSION_IDLE_MS,
  );
  const callTimeoutMs = numberOption('--timeout', values.timeout, DEFAULT_CALL_TIMEOUT_MS);
  const startTimeoutMs = numberOption(
    '--start-timeout',
    values['start-timeout'],
    DEFAULT_START_TIMEOUT_MS,
  );
  const toolsPageSize = numberOption('--page-size', values['page-size'], DEFAULT_TOOLS_PAGE_SIZE);
  if (toolsPageSize === 0) throw usageError('tta mcp serve: --page-size must be at least 1');
  const listWaitMs = numberOption('--list-wait', values['list-wait'], DEFAULT_LIST_WAIT_MS);
  const log: GatewayLog = (level, message) => {
    if (level !== 'debug' || values.verbose) eprintln(io, `[tta mcp] ${level}: ${message}`);
  };
  // The project's files are found from here; --config stays relative to the working folder.
  const cwd = await projectFolder(io.cwd, values.project);
  if (values.run !== undefined && !RUN_ID_PATTERN.test(values.run))
    throw usageError(
      `tta mcp serve: --run "${values.run}" is no run id (letters, digits, ".", "_", "-"); see "tta workflow status"`,
    );

  // Resolved before any server starts, so that a bad token fails at once.
  const token = values.http ? await serveToken(io, values.token, MCP_TOKEN) : undefined;

  let servers: {
    file: string;
    mcpServers: Awaited<ReturnType<typeof loadMcpServers>>['mcpServers'];
  };
  try {
    servers = await loadMcpServers({
      cwd,
      home: homeOf(io),
      env: io.env,
      ...(values.config === undefined ? {} : { file: resolve(io.cwd, values.config) }),
    });
  } catch (error) {
    if (!isMcpConfigError(error)) throw error;
    // With no file anywhere the gateway still serves its own tools (personas, memory).
    if (error.reason !== 'not_found' || values.config !== undefined)
      throw new CliError(error.message, 2);
    log('warn', `${error.message}\nServing the gateway's own tools only.`);
    servers = { file: '(none)', mcpServers: {} };
  }
  const registry: PersonaRegistry = await loadRegistry({ ...io, cwd });
  if (values.persona !== undefined && registry.resolve(values.persona) === undefined) {
    throw usageError(
      `tta mcp serve: unknown persona "${values.persona}"; did you mean ${registry
        .suggest(values.persona)
        .map((s) => `"${s}"`)
        .join(', ')}?`,
    );
  }
  log('info', `${Object.keys(servers.mcpServers).length} servers from ${servers.file}`);
  // The memory_* tools' memory: shared with other gateways and runs when TTA_MEMORY says where.
  const shared = await openSharedMemory(cwd, io.env);
  if (shared !== undefined) log('info', `shared memory on ${shared.where}`);
  const gateway = await PersonaGateway.start({
    servers: startedIn(servers.mcpServers, cwd),
    registry,
    store: new PersonaScopes({
      home: homeOf(io),
      project: cwd,
      ...(values.run === undefined ? {} : { run: values.run }),
    }),
    ...(values.persona === undefined ? {} : { persona: values.persona }),
    callTimeoutMs,
    startTimeoutMs,
    toolsPageSize,
    listWaitMs,
    env: io.env,
    cwd,
    ...(servers.file === '(none)' ? {} : { configFiles: [servers.file] }),
    ...(shared === undefined ? {} : { memory: shared.memory }),
    log,
  }).catch(async (error: unknown) => {
    await shared?.close();
    throw error;
  });
  try {
    if (values.http) {
      const host = values.host ?? '127.0.0.1';
      const http = await serveHttp(gateway, {
        token: token!.token,
        port,
        host,
        allowedHosts: listOption(values['allow-host']),
        allowedOrigins: listOption(values['allow-origin']),
        sessionIdleMs,
        log,
      });
      if (!isLoopbackHost(host))
        log(
          'warn',
          `listening on ${host}, beyond this machine: requests and the token travel in clear text, so put TLS in front of it; clients that name it otherwise than ${host} need --allow-host`,
        );
      log('info', `listening on ${http.url}`);
      log('info', tokenNote(token!, MCP_TOKEN));
      await stopped(io.signal);
      await http.close();
    } else {
      const server = createGatewayServer(gateway);
      const closed = new Promise<void>((resolve) => {
        server.onclose = ((previous) => () => {
          previous?.();
          resolve();
        })(server.onclose);
      });
      const transport = new StdioServerTransport(
        (io.stdin ?? process.stdin) as NodeJS.ReadStream,
        io.stdout as unknown as NodeJS.WriteStream,
      );
      // The client closing stdin ends the session.
      (io.stdin ?? process.stdin).once('end', () => void transport.close());
      await server.connect(transport);
      await Promise.race([closed, stopped(io.signal)]);
      await server.close();
    }
  } finally {
    await gateway.close();
    await shared?.close();
  }
  return 0;
}

/** The absolute project folder: `--project` (relative to `cwd`), else `cwd`; exit 2 if it is no folder. */
async function projectFolder(cwd: string, project: string | undefined): Promise<string> {
  if (project === undefined) return cwd;
  if (project.includes('${'))
    throw usageError(
      `tta mcp serve: --project "${project}" holds a variable that the assistant did not replace; give the project's path instead`,
    );
  const folder = resolve(cwd, project);
  const info = await stat(folder).catch(() => undefined);
  if (info?.isDirectory() !== true)
    throw usageError(`tta mcp serve: --project ${folder} is not a folder`);
  return folder;
}

/** Stdio servers start in the project (a relative `cwd` of theirs is taken from it), not where the gateway was started. */
function startedIn(
  servers: Readonly<Record<string, McpServerConfig>>,
  cwd: string,
): Record<string, McpServerConfig> {
  return Object.fromEntries(
    Object.entries(servers).map(([name, server]) => [
      name,
      server.transport === 'stdio' ? { ...server, cwd: resolve(cwd, server.cwd ?? '.') } : server,
    ]),
  );
}

function numberOption(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw usageError(`tta mcp serve: ${flag} must be a whole number, got "${value}"`);
  return n;
}

/** A repeatable string option, as node:util's parseArgs gives it: an array. */
function listOption(value: unknown): string[] {
  return (value as string[] | undefined) ?? [];
}

function stopped(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}
