import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { mcpConfigLocation, vscodeUserFolder } from './clients.js';
import { cliVersion, npxGatewayServer } from './gatewayCommand.js';
import { install, installHelp } from './install.js';
import { startRegistry } from './registry.testkit.js';

let home: string;
let project: string;
const version = cliVersion();
// Each test asks a registry on 127.0.0.1: one where this version is published, unless it says.
let registry: Awaited<ReturnType<typeof startRegistry>>;
let unpublished: Awaited<ReturnType<typeof startRegistry>>;
beforeAll(async () => {
  registry = await startRegistry([`@tta-dev/cli@${version}`]);
  unpublished = await startRegistry([]);
});
afterAll(async () => {
  await registry.close();
  await unpublished.close();
});

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'tta-install-home-'));
  project = await mkdtemp(join(tmpdir(), 'tta-install-project-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(project, { recursive: true, force: true });
});

async function run(args: string[], env: Record<string, string> = {}) {
  const io = captureIo({
    env: { HOME: home, npm_config_registry: registry.url, ...env },
    cwd: project,
  });
  const code = await runSafely(io, () => install(args, io));
  return { code, out: io.out(), err: io.err() };
}

async function put(path: string, text: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return path;
}

const read = (path: string) => readFile(path, 'utf8');
const lines = (...l: string[]) => `${l.join('\n')}\n`;
const gateway = {
  command: 'npx',
  args: ['-y', '-p', `@tta-dev/cli@${version}`, 'tta', 'mcp', 'serve'],
};
// VS Code starts the gateway in the open folder; Cursor (which starts servers in /) names it.
const vscodeEntry = { type: 'stdio', ...gateway, cwd: '${workspaceFolder}' };
const cursorEntry = { ...gateway, args: [...gateway.args, '--project', '${workspaceFolder}'] };

describe('tta mcp install', () => {
  it('creates .mcp.json for Claude Code in the project by default', async () => {
    const { code, out } = await run(['--client', 'claude-code']);
    expect(code).toBe(0);
    const file = join(project, '.mcp.json');
    expect(await read(file)).toBe(
      lines(
        '{',
        '  "mcpServers": {',
        '    "tta": {',
        '      "command": "npx",',
        '      "args": [',
        '        "-y",',
        '        "-p",',
        `        "@tta-dev/cli@${version}",`,
        '        "tta",',
        '        "mcp",',
        '        "serve"',
        '      ]',
        '    }',
        '  }',
        '}',
      ),
    );
    expect(out).toContain(
      `✓ Added "tta" to Claude Code's project MCP configuration (new file): ${file}`,
    );
  });

  it('pins the version it found on the registry', async () => {
    const { out } = await run(['--client', 'claude-code']);
    expect(registry.requests).toContain(`@tta-dev/cli/${version}`);
    expect(out).toContain(
      `It starts npx -y -p @tta-dev/cli@${version} tta mcp serve (@tta-dev/cli@${version} is on ${registry.url})`,
    );
  });

  it.each([
    ['is not on the registry', () => unpublished.url],
    ['cannot reach the registry', () => 'http://127.0.0.1:1/'],
  ])('starts this installation by absolute paths when it %s', async (_, url) => {
    const { code, out } = await run(['--client', 'claude-code', '--json'], {
      npm_config_registry: url(),
    });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ from: 'local' });
    const entry = JSON.parse(await read(join(project, '.mcp.json'))).mcpServers.tta;
    expect(entry.command).toBe(process.execPath);
    expect(entry.args[0]).toMatch(/bin[\\/]tta\.(js|ts)$/);
    expect(entry.args.slice(1)).toEqual(['mcp', 'serve']);
  });

  it('with --local starts this installation of tta with node', async () => {
    expect((await run(['--client', 'cursor', '--local'])).code).toBe(0);
    const entry = JSON.parse(await read(join(project, '.cursor', 'mcp.json'))).mcpServers.tta;
    expect(entry.command).toBe(process.execPath);
    expect(entry.args[0]).toMatch(/bin[\\/]tta\.(js|ts)$/);
    expect(entry.args.slice(1)).toEqual(['mcp', 'serve', '--project', '${workspaceFolder}']);
  });

  it('adds to an existing file, keeping its servers, other keys, order and indentation', async () => {
    const file = await put(
      join(project, '.mcp.json'),
      lines(
        '{',
        '    "mcpServers": {',
        '        "github": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"] }',
        '    },',
        '    "x-note": [1, 2, 3]',
        '}',
      ),
    );
    expect((await run(['--client', 'claude-code', '--project'])).code).toBe(0);
    expect(await read(file)).toBe(
      lines(
        '{',
        '    "mcpServers": {',
        '        "github": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"] },',
        '        "tta": {',
        '            "command": "npx",',
        '            "args": [',
        '                "-y",',
        '                "-p",',
        `                "@tta-dev/cli@${version}",`,
        '                "tta",',
        '                "mcp",',
        '                "serve"',
        '            ]',
        '        }',
        '    },',
        '    "x-note": [1, 2, 3]',
        '}',
      ),
    );
  });

  it('writes the top-level mcpServers of ~/.claude.json for --user, leaving the rest alone', async () => {
    const claude = {
      numStartups: 34,
      theme: 'dark',
      projects: { '/some/project': { mcpServers: { local: { command: 'x' } }, history: [] } },
    };
    const file = await put(join(home, '.claude.json'), JSON.stringify(claude, null, 2));
    await chmod(file, 0o600);
    const { code, out } = await run(['--client', 'claude-code', '--user']);
    expect(code).toBe(0);
    expect(out).toContain(`Claude Code's user MCP configuration: ${file}`);
    expect(JSON.parse(await read(file))).toEqual({ ...claude, mcpServers: { tta: gateway } });
    expect((await read(file)).startsWith(JSON.stringify(claude, null, 2).slice(0, -2))).toBe(true);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    await expect(stat(join(project, '.mcp.json'))).rejects.toThrow();
  });

  it('writes .vscode/mcp.json under "servers" with type stdio, keeping JSONC comments', async () => {
    const file = await put(
      join(project, '.vscode', 'mcp.json'),
      lines(
        '{',
        '  // Inputs are asked for when a server starts.',
        '  "inputs": [{"type": "promptString", "id": "key", "password": true}],',
        '  "servers": {',
        '    "memory": {"type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]},',
        '  },',
        '}',
      ),
    );
    const { code } = await run(['--client', 'vscode']);
    expect(code).toBe(0);
    const text = await read(file);
    expect(text).toContain('  // Inputs are asked for when a server starts.\n');
    expect(text).toContain(
      '"memory": {"type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]},\n    "tta": {\n      "type": "stdio",\n      "command": "npx",',
    );
    expect(text.endsWith('    }\n  },\n}\n')).toBe(true);
  });

  it('writes mcp.json in VS Code’s user folder for --user', async () => {
    const { code } = await run(['--client', 'vscode', '--user']);
    expect(code).toBe(0);
    const file = join(
      vscodeUserFolder({ home, env: { HOME: home }, platform: process.platform }),
      'mcp.json',
    );
    expect(JSON.parse(await read(file))).toEqual({ servers: { tta: vscodeEntry } });
  });

  it('writes .cursor/mcp.json in the project, or in the home folder for --user', async () => {
    expect((await run(['--client', 'cursor'])).code).toBe(0);
    expect(JSON.parse(await read(join(project, '.cursor', 'mcp.json')))).toEqual({
      mcpServers: { tta: cursorEntry },
    });
    expect((await run(['--client', 'cursor', '--user'])).code).toBe(0);
    expect(JSON.parse(await read(join(home, '.cursor', 'mcp.json')))).toEqual({
      mcpServers: { tta: cursorEntry },
    });
  });

  it('replaces an entry of the same name and says so; a second run changes nothing', async () => {
    const file = await put(
      join(project, '.cursor', 'mcp.json'),
      JSON.stringify(
        {
          mcpServers: {
            tta: { command: 'tta', args: ['mcp', 'serve'] },
            other: { url: 'https://h/mcp' },
          },
        },
        null,
        2,
      ),
    );
    const first = await run(['--client', 'cursor']);
    expect(first.code).toBe(0);
    expect(first.out).toContain(
      `✓ Replaced the existing "tta" entry in Cursor's project MCP configuration: ${file}`,
    );
    expect(JSON.parse(await read(file))).toEqual({
      mcpServers: { tta: cursorEntry, other: { url: 'https://h/mcp' } },
    });
    const before = await stat(file);
    const second = await run(['--client', 'cursor']);
    expect(second.out).toContain(
      '"tta" is already in Cursor\'s project MCP configuration; nothing changed',
    );
    const after = await stat(file);
    // write-file-atomic renames a new file into place: an unchanged inode means no write.
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('uses --name for the entry', async () => {
    expect((await run(['--client', 'claude-code', '--name', 'personas'])).code).toBe(0);
    expect(JSON.parse(await read(join(project, '.mcp.json')))).toEqual({
      mcpServers: { personas: gateway },
    });
  });

  it('prints what it did as JSON with --json', async () => {
    await put(join(project, '.mcp.json'), '{"mcpServers": {"tta": {"command": "old"}}}');
    const { code, out } = await run(['--client', 'claude-code', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      client: 'claude-code',
      scope: 'project',
      file: join(project, '.mcp.json'),
      key: 'mcpServers',
      name: 'tta',
      action: 'replaced',
      created: false,
      server: gateway,
      from: 'npm',
      previous: { command: 'old' },
    });
  });

  it.each([
    [
      'claude-code',
      '.mcp.json',
      '{\n  "mcpServers": {\n    "a": {"command": "x"},\n  }\n}\n',
      4,
      3,
      'trailing comma before "}"',
    ],
    [
      'claude-code',
      '.mcp.json',
      '{\n  // a comment\n  "mcpServers": {}\n}\n',
      2,
      3,
      'comments are not allowed in JSON',
    ],
    [
      'cursor',
      '.cursor/mcp.json',
      '{\n  "mcpServers": {\n    "a": {"command": "x"}\n',
      4,
      1,
      'unexpected end of file',
    ],
    [
      'vscode',
      '.vscode/mcp.json',
      '{\n  "servers": {\n    "a": {"command" "x"}\n  }\n}\n',
      3,
      21,
      'colon expected (at "\\"")',
    ],
  ])(
    'refuses a %s file that is not valid JSON, leaving it untouched',
    async (client, path, text, line, column, reason) => {
      const file = await put(join(project, path), text);
      const { code, err, out } = await run(['--client', client]);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toContain(`${file}:${line}:${column}: not valid JSON`);
      expect(err).toContain(reason);
      expect(err).toContain('The file was left as it was');
      expect(await read(file)).toBe(text);
    },
  );

  it('refuses a file whose servers are not an object, leaving it untouched', async () => {
    const text = '{\n  "mcpServers": ["tta"]\n}\n';
    const file = await put(join(project, '.mcp.json'), text);
    const { code, err } = await run(['--client', 'claude-code']);
    expect(code).toBe(2);
    expect(err).toContain(`${file}:2:3: "mcpServers" is a list, not an object`);
    expect(await read(file)).toBe(text);
  });

  it.each([
    [[], '--client must be one of claude-code, vscode, cursor'],
    [['--client', 'copilot'], '--client must be one of claude-code, vscode, cursor, got "copilot"'],
    [['--client', 'cursor', '--project', '--user'], 'give --project or --user, not both'],
    [['--client', 'cursor', '--name', 'a__b'], '--name "a__b" may contain only'],
    [['--client', 'cursor', '--name', 'has space'], '--name "has space" may contain only'],
    [['--client', 'cursor', 'extra'], 'unexpected argument "extra"'],
    [['--client', 'cursor', '--global'], "Unknown option '--global'"],
  ])('exits 2 on bad input %j', async (args, message) => {
    const { code, err } = await run(args);
    expect(code).toBe(2);
    expect(err).toContain(message);
    await expect(stat(join(project, '.cursor'))).rejects.toThrow();
  });

  it('prints its help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toBe(`${installHelp}\n`);
    expect(out).toContain('--client C');
  });
});

describe('mcpConfigLocation', () => {
  const context = {
    cwd: '/work/app',
    home: '/home/ana',
    env: {},
    platform: 'linux' as NodeJS.Platform,
    server: npxGatewayServer(version),
  };

  it.each([
    ['claude-code', 'project', '/work/app/.mcp.json', 'mcpServers'],
    ['claude-code', 'user', '/home/ana/.claude.json', 'mcpServers'],
    ['vscode', 'project', '/work/app/.vscode/mcp.json', 'servers'],
    ['vscode', 'user', '/home/ana/.config/Code/User/mcp.json', 'servers'],
    ['cursor', 'project', '/work/app/.cursor/mcp.json', 'mcpServers'],
    ['cursor', 'user', '/home/ana/.cursor/mcp.json', 'mcpServers'],
  ] as const)('%s --%s → %s (%s)', (client, scope, file, key) => {
    const location = mcpConfigLocation(client, scope, context);
    expect(location.file).toBe(file);
    expect(location.key).toBe(key);
    expect(location.entry).toEqual(
      { vscode: vscodeEntry, cursor: cursorEntry, 'claude-code': gateway }[client],
    );
    expect(location.jsonc).toBe(client === 'vscode');
  });

  it('finds VS Code’s user folder on each platform', () => {
    expect(vscodeUserFolder({ home: '/Users/ana', env: {}, platform: 'darwin' })).toBe(
      '/Users/ana/Library/Application Support/Code/User',
    );
    expect(vscodeUserFolder({ home: '/home/ana', env: {}, platform: 'linux' })).toBe(
      '/home/ana/.config/Code/User',
    );
    expect(
      vscodeUserFolder({ home: '/home/ana', env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux' }),
    ).toBe('/xdg/Code/User');
    expect(
      vscodeUserFolder({
        home: 'C:\\Users\\ana',
        env: { APPDATA: 'D:\\Roaming' },
        platform: 'win32',
      }),
    ).toBe('D:\\Roaming\\Code\\User');
    expect(vscodeUserFolder({ home: 'C:\\Users\\ana', env: {}, platform: 'win32' })).toBe(
      'C:\\Users\\ana\\AppData\\Roaming\\Code\\User',
    );
    expect(
      mcpConfigLocation('vscode', 'user', {
        cwd: 'C:\\work',
        home: 'C:\\Users\\ana',
        env: { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' },
        server: npxGatewayServer(version),
        platform: 'win32',
      }).file,
    ).toBe('C:\\Users\\ana\\AppData\\Roaming\\Code\\User\\mcp.json');
  });
});
