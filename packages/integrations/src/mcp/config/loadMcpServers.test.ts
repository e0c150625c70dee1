// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} references are the syntax under test
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findMcpServersFile, loadMcpServers } from './loadMcpServers.js';
import { isMcpConfigError, McpConfigError } from './McpConfigError.js';

let root: string;
let home: string;
let project: string;
let deep: string;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'tta-mcp-config-')));
  home = join(root, 'home', '.hypertool');
  project = join(root, 'work', 'project');
  deep = join(project, 'packages', 'app', 'src');
  await mkdir(home, { recursive: true });
  await mkdir(deep, { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(path: string, content: unknown): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

const servers = (name: string) => ({ mcpServers: { [name]: { command: name } } });

/** Loads, expecting failure; returns the error. */
async function failure(options: Parameters<typeof loadMcpServers>[0]): Promise<McpConfigError> {
  const error = await loadMcpServers(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpConfigError);
  return error as McpConfigError;
}

/** Writes `text` as the explicit config file and loads it, expecting failure. */
async function invalid(text: string, env: Record<string, string> = {}) {
  const file = await write(join(project, 'servers.json'), text);
  const error = await failure({ file, cwd: project, home, env });
  expect(error.reason).toBe('invalid');
  expect(error.file).toBe(file);
  return { error, file };
}

describe('findMcpServersFile', () => {
  it('finds .hypertool/mcp_servers.json in the working folder', async () => {
    const file = await write(join(deep, '.hypertool', 'mcp_servers.json'), servers('a'));
    expect(await findMcpServersFile({ cwd: deep, home })).toBe(file);
  });

  it('looks upward and takes the nearest one', async () => {
    await write(join(root, 'work', '.hypertool', 'mcp_servers.json'), servers('far'));
    const near = await write(join(project, '.hypertool', 'mcp_servers.json'), servers('near'));
    expect(await findMcpServersFile({ cwd: deep, home })).toBe(near);
  });

  it('falls back to <home>/mcp_servers.json, and prefers any project file to it', async () => {
    const user = await write(join(home, 'mcp_servers.json'), servers('user'));
    expect(await findMcpServersFile({ cwd: deep, home })).toBe(user);
    const projectFile = await write(join(project, '.hypertool', 'mcp_servers.json'), servers('p'));
    expect(await findMcpServersFile({ cwd: deep, home })).toBe(projectFile);
  });

  it('returns undefined when there is none, and skips a folder of that name', async () => {
    await mkdir(join(project, '.hypertool', 'mcp_servers.json'), { recursive: true });
    expect(await findMcpServersFile({ cwd: deep, home })).toBeUndefined();
  });
});

describe('loadMcpServers', () => {
  it('loads the file found from cwd and says which file it read', async () => {
    const file = await write(join(project, '.hypertool', 'mcp_servers.json'), {
      mcpServers: {
        github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'] },
        docs: { type: 'http', url: 'https://example.com/mcp' },
      },
    });
    expect(await loadMcpServers({ cwd: deep, home, env: {} })).toEqual({
      file,
      mcpServers: {
        github: {
          transport: 'stdio',
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-github'],
          env: {},
        },
        docs: { transport: 'http', url: 'https://example.com/mcp', headers: {} },
      },
    });
  });

  it('takes the home folder from TTA_HOME of the env it is given', async () => {
    const file = await write(join(home, 'mcp_servers.json'), servers('user'));
    const loaded = await loadMcpServers({ cwd: deep, env: { TTA_HOME: home } });
    expect(loaded.file).toBe(file);
    expect(Object.keys(loaded.mcpServers)).toEqual(['user']);
  });

  it('lets an explicit file win over the lookup, relative to cwd', async () => {
    await write(join(project, '.hypertool', 'mcp_servers.json'), servers('found'));
    const explicit = await write(join(project, 'config', 'other.json'), servers('explicit'));
    const loaded = await loadMcpServers({ file: 'config/other.json', cwd: project, home, env: {} });
    expect(loaded.file).toBe(explicit);
    expect(Object.keys(loaded.mcpServers)).toEqual(['explicit']);
  });

  it('reads an assistant’s own file, ignoring its other top-level keys', async () => {
    const file = await write(join(project, 'claude_desktop_config.json'), {
      globalShortcut: 'Ctrl+Space',
      mcpServers: { memory: { type: 'stdio', command: 'npx', args: ['-y', 'm'], env: {} } },
    });
    const loaded = await loadMcpServers({ file, cwd: project, home, env: {} });
    expect(loaded.mcpServers.memory).toMatchObject({ transport: 'stdio', command: 'npx' });
  });

  it('says where it looked when there is no file', async () => {
    const error = await failure({ cwd: deep, home, env: {} });
    expect(error.reason).toBe('not_found');
    expect(error.code).toBe('TTA_MCP_CONFIG');
    expect(error.message).toContain(
      `looked for ${join('.hypertool', 'mcp_servers.json')} in ${deep} and every folder above it, then for ${join(home, 'mcp_servers.json')}`,
    );
    expect(error.message).toContain('--config');
  });

  it('names an explicit file that does not exist, and one that cannot be read', async () => {
    const missing = await failure({ file: 'nope.json', cwd: project, home, env: {} });
    expect(missing.reason).toBe('not_found');
    expect(missing.message).toBe(`MCP servers file ${join(project, 'nope.json')} does not exist`);
    const folder = await failure({ file: deep, cwd: project, home, env: {} });
    expect(folder.reason).toBe('unreadable');
    expect(folder.message).toContain(`cannot read MCP servers file ${deep}`);
  });

  it('refuses a FIFO and a file over 1 MiB at once, without reading them', async () => {
    const fifo = join(project, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    const piped = await failure({ file: fifo, cwd: project, home, env: {} });
    expect(piped.reason).toBe('unreadable');
    expect(piped.message).toContain('it is a FIFO (named pipe), not a regular file');
    const big = await write(join(project, 'big.json'), '');
    await truncate(big, 2 * 1024 * 1024);
    const tooBig = await failure({ file: big, cwd: project, home, env: {} });
    expect(tooBig.message).toContain('it is 2 MiB; files over 1 MiB are refused');
  });

  it('expands ${VAR} and ${VAR:-default} in command, args, env, cwd, url and headers', async () => {
    const file = await write(join(project, 'servers.json'), {
      mcpServers: {
        local: {
          command: '${NODE_BIN:-node}',
          args: ['${APP}/server.js', '--token=${TOKEN}'],
          env: { GITHUB_TOKEN: '${TOKEN}', LEVEL: '${LEVEL:-info}', KEEP: '$TOKEN' },
          cwd: '${APP}',
        },
        remote: {
          url: 'https://${HOST}/mcp',
          headers: { Authorization: 'Bearer ${TOKEN}' },
        },
      },
    });
    const env = { APP: '/srv/app', TOKEN: 't0k', HOST: 'mcp.example.com' };
    expect((await loadMcpServers({ file, cwd: project, home, env })).mcpServers).toEqual({
      local: {
        transport: 'stdio',
        command: 'node',
        args: ['/srv/app/server.js', '--token=t0k'],
        env: { GITHUB_TOKEN: 't0k', LEVEL: 'info', KEEP: '$TOKEN' },
        cwd: '/srv/app',
      },
      remote: {
        transport: 'http',
        url: 'https://mcp.example.com/mcp',
        headers: { Authorization: 'Bearer t0k' },
      },
    });
  });

  it('reports each unset variable with file, line, column, field path and name', async () => {
    const { error, file } = await invalid(
      [
        '{',
        '  "mcpServers": {',
        '    "github": {',
        '      "command": "npx",',
        '      "args": ["-y", "${PKG}"],',
        '      "env": { "GITHUB_TOKEN": "${GITHUB_TOKEN}" }',
        '    },',
        '    "docs": { "url": "https://h/mcp", "headers": { "X-Key": "${DOCS_KEY}" } }',
        '  }',
        '}',
      ].join('\n'),
    );
    expect(error.issues).toEqual([
      {
        path: 'mcpServers.github.args.1',
        line: 5,
        column: 22,
        message: 'environment variable "PKG" is not set (write ${PKG:-default} to give a default)',
      },
      {
        path: 'mcpServers.github.env.GITHUB_TOKEN',
        line: 6,
        column: 16,
        message:
          'environment variable "GITHUB_TOKEN" is not set (write ${GITHUB_TOKEN:-default} to give a default)',
      },
      {
        path: 'mcpServers.docs.headers.X-Key',
        line: 8,
        column: 52,
        message:
          'environment variable "DOCS_KEY" is not set (write ${DOCS_KEY:-default} to give a default)',
      },
    ]);
    expect(error.message).toContain(
      `${file}:6:16 mcpServers.github.env.GITHUB_TOKEN: environment variable "GITHUB_TOKEN" is not set`,
    );
  });

  it('checks a url again once its references are expanded', async () => {
    const { error } = await invalid('{"mcpServers": {"r": {"url": "${BASE}/mcp"}}}', {
      BASE: 'localhost:3000',
    });
    expect(error.issues).toEqual([
      {
        path: 'mcpServers.r.url',
        line: 1,
        column: 23,
        message: 'after expansion, "localhost:3000/mcp" is not an http: or https: URL',
      },
    ]);
  });

  it('locates schema errors by line and column', async () => {
    const { error, file } = await invalid(
      [
        '{',
        '  "mcpServers": {',
        '    "ok": { "command": "x" },',
        '    "bad__name": { "command": "x" },',
        '    "typo": {',
        '      "comand": "x"',
        '    },',
        '    "wrong": { "command": "x", "args": "-y" }',
        '  }',
        '}',
      ].join('\n'),
    );
    expect(error.issues).toEqual([
      {
        path: 'mcpServers.bad__name',
        line: 4,
        column: 5,
        message: 'server name "bad__name" must not contain "__" (tools are named <server>__<tool>)',
      },
      { path: 'mcpServers.typo.comand', line: 6, column: 7, message: 'unknown field "comand"' },
      {
        path: 'mcpServers.typo',
        line: 5,
        column: 5,
        message: 'a server needs either command (stdio) or url (Streamable HTTP)',
      },
      {
        path: 'mcpServers.wrong.args',
        line: 8,
        column: 32,
        message: 'wrong type: expected array, got string "-y"',
      },
    ]);
    expect(error.message.split('\n')[0]).toBe(`invalid MCP servers file ${file}:`);
    expect(error.message).toContain(`  ${file}:6:7 mcpServers.typo.comand: unknown field "comand"`);
  });

  it('says what is missing or of the wrong kind at the top', async () => {
    expect((await invalid('{"servers": {}}')).error.issues).toEqual([
      {
        path: 'mcpServers',
        line: 1,
        column: 1,
        message: 'required field is missing (expected object)',
      },
    ]);
    expect((await invalid('[]')).error.issues[0]?.message).toBe(
      'wrong type: expected object, got an array',
    );
  });

  it.each([
    [
      '{\n  "mcpServers": {\n    "a": { "command": "x" },\n  }\n}',
      4,
      3,
      'trailing comma before "}"',
    ],
    [
      '{\n  "mcpServers": {\n    "a": { "command": "x", "args": ["y",] }\n  }\n}',
      3,
      41,
      'trailing comma before "]"',
    ],
    ['{\n  // servers\n  "mcpServers": {}\n}', 2, 3, 'comments are not allowed in JSON'],
    [
      '{\n  "mcpServers": {\n    "a": { "command": "x" }\n    "b": { "command": "y" }\n  }\n}',
      4,
      5,
      'expected "," between two members',
    ],
    ["{\n  'mcpServers': {}\n}", 2, 3, 'use double quotes (") for names and strings'],
    ['{\n  "mcpServers": {\n    "a": { "command": "x }\n  }\n}', 3, 23, 'unterminated string'],
    ['{\n  "mcpServers": {\n', 3, 1, 'expected "}"'],
    ['{"mcpServers": {}} {}', 1, 20, 'unexpected text after the end of the JSON value'],
  ])('locates a JSON syntax error: %j', async (text, line, column, message) => {
    const { error, file } = await invalid(text);
    expect(error.issues).toEqual([{ path: '', line, column, message: `invalid JSON: ${message}` }]);
    expect(error.message).toContain(
      `${file}:${line}:${column} (document): invalid JSON: ${message}`,
    );
  });

  it('refuses an empty file and duplicate keys', async () => {
    expect((await invalid('  \n')).error.issues).toEqual([
      { path: '', message: 'the file is empty (expected {"mcpServers": {...}})' },
    ]);
    expect(
      (
        await invalid(
          '{\n  "mcpServers": {\n    "a": { "command": "x" },\n    "a": { "command": "y" }\n  }\n}',
        )
      ).error.issues,
    ).toEqual([
      { path: '', line: 4, column: 5, message: 'duplicate key "a": JSON keeps only the last' },
    ]);
  });

  it('reads a file that starts with a byte order mark', async () => {
    const file = await write(join(project, 'bom.json'), `\uFEFF${JSON.stringify(servers('a'))}`);
    expect(Object.keys((await loadMcpServers({ file, cwd: project, home })).mcpServers)).toEqual([
      'a',
    ]);
  });

  it('makes errors recognisable by code', async () => {
    const error = await failure({ cwd: deep, home, env: {} });
    expect(isMcpConfigError(error)).toBe(true);
    expect(isMcpConfigError(new Error('x'))).toBe(false);
    expect(error.name).toBe('McpConfigError');
  });
});
