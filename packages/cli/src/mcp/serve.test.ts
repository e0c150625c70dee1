import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The built bins, and the gateway's fixture server from @tta-dev/integrations.
const bin = (name: string) => fileURLToPath(new URL(`../../dist/bin/${name}.js`, import.meta.url));
const require = createRequire(import.meta.url);
const fixture = join(
  dirname(require.resolve('@tta-dev/integrations/package.json')),
  'src/mcp/fixtures/fixtureServer.mjs',
);

let home: string;
let client: Client | undefined;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'tta-serve-'));
  await mkdir(join(home, 'personas'));
  await writeFile(
    join(home, 'personas', 'wide.json'),
    JSON.stringify({
      name: 'wide',
      displayName: 'Wide',
      description: 'All of fx.',
      tokenBudget: 2000,
      allowedServers: ['fx'],
    }),
  );
  await writeFile(
    join(home, 'personas', 'narrow.json'),
    JSON.stringify({
      name: 'narrow',
      displayName: 'Narrow',
      description: 'Echo only.',
      tokenBudget: 2000,
      allowedServers: ['fx'],
      allowedTools: { fx: ['echo'] },
    }),
  );
  await writeFile(
    join(home, 'mcp_servers.json'),
    JSON.stringify({
      mcpServers: {
        fx: {
          command: process.execPath,
          args: [fixture, 'tools'],
          env: { FROM_CONFIG: '${SERVE_TEST_VALUE}' },
        },
      },
    }),
  );
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  await rm(home, { recursive: true, force: true });
});

const env = () => ({ PATH: process.env.PATH ?? '', TTA_HOME: home, SERVE_TEST_VALUE: 'expanded' });
const switchTo = (name: string) =>
  promisify(execFile)(process.execPath, [bin('tta-persona'), name], { env: env() });

describe('tta mcp serve (a spawned process, over stdio)', () => {
  it("serves the active persona's tools and follows tta-persona switches live", async () => {
    await switchTo('wide');
    client = new Client({ name: 'assistant', version: '1.0.0' });
    const changes: (() => void)[] = [];
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      for (const resolve of changes.splice(0)) resolve();
    });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin('tta'), 'mcp', 'serve'],
      env: env(),
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await client.connect(transport);
    const names = async () => (await client!.listTools()).tools.map((t) => t.name);
    // initialize is answered before the server is up; its tools follow with list_changed.
    for (let i = 0; i < 1500 && !(await names()).includes('fx__echo'); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await names()).toEqual(
      expect.arrayContaining(['fx__echo', 'fx__env_report', 'fx__read_file', 'persona_switch']),
    );
    expect(client.getServerVersion()?.name).toBe('tta-persona-gateway');
    // The server's own env from the file (its ${VAR} reference expanded) reaches it.
    const received = await client.callTool({ name: 'fx__env_report', arguments: {} });
    expect((received.content as { text: string }[])[0]!.text).toContain('FROM_CONFIG');

    const changed = new Promise<void>((resolve) => changes.push(resolve));
    await switchTo('narrow');
    await changed;
    for (let i = 0; i < 100 && (await names()).includes('fx__env_report'); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect((await names()).filter((n) => n.startsWith('fx__'))).toEqual(['fx__echo']);
    expect(stderr).toContain('persona');
  });

  it("with --project, started in / as Cursor does, uses that project's servers, personas and folder", async () => {
    const project = join(home, 'project');
    await mkdir(join(project, '.hypertool', 'personas'), { recursive: true });
    await writeFile(
      join(project, '.hypertool', 'mcp_servers.json'),
      JSON.stringify({
        mcpServers: { local: { command: process.execPath, args: [fixture, 'tools'] } },
      }),
    );
    await writeFile(
      join(project, '.hypertool', 'personas', 'local.json'),
      JSON.stringify({
        name: 'local',
        displayName: 'Local',
        description: 'The project persona.',
        tokenBudget: 2000,
        allowedServers: ['local'],
        allowedTools: { local: ['echo'] },
      }),
    );
    await promisify(execFile)(process.execPath, [bin('tta-persona'), 'local'], {
      env: env(),
      cwd: project,
    });
    client = new Client({ name: 'cursor-like', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        // What `tta mcp install --client cursor` writes, once Cursor replaced ${workspaceFolder}.
        args: [bin('tta'), 'mcp', 'serve', '--project', project],
        env: env(),
        cwd: '/',
        stderr: 'pipe',
      }),
    );
    const names = async () => (await client!.listTools()).tools.map((t) => t.name);
    await vi.waitFor(async () => expect(await names()).toContain('local__echo'), {
      timeout: 120_000,
      interval: 50,
    });
    expect(await names()).not.toContain('fx__echo');
  });

  it('exits 2 when --project is a variable the assistant did not replace, or no folder', async () => {
    for (const project of ['${workspaceFolder}', join(home, 'missing')]) {
      const result = await promisify(execFile)(
        process.execPath,
        [bin('tta'), 'mcp', 'serve', '--project', project],
        { env: env(), cwd: '/' },
      ).catch((e) => e);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--project');
      expect(result.stdout).toBe('');
    }
  });

  it('exits 2 naming the file and line of a bad mcp_servers.json', async () => {
    await writeFile(
      join(home, 'mcp_servers.json'),
      '{\n  "mcpServers": {\n    "fx": { "command": 42 }\n  }\n}\n',
    );
    const result = await promisify(execFile)(process.execPath, [bin('tta'), 'mcp', 'serve'], {
      env: env(),
    }).catch((e) => e);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/mcp_servers\.json:3/);
    expect(result.stdout).toBe('');
  });
});

interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  readonly stderr: () => string;
}

/** Spawns `tta mcp serve --http --port 0` and waits until it has said its URL and token. */
function serveHttp(args: string[] = [], extraEnv: Record<string, string> = {}): Promise<Served> {
  const child = spawn(
    process.execPath,
    [bin('tta'), 'mcp', 'serve', '--http', '--port', '0', ...args],
    {
      env: { ...env(), ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = stderr.match(/listening on (http:\/\/\S+)\n/)?.[1];
      if (url !== undefined && /token: .*\n/.test(stderr))
        resolve({ child, url, stderr: () => stderr });
    });
    child.once('exit', (code) =>
      reject(new Error(`exited (${code}) before listening:\n${stderr}`)),
    );
  });
}

async function stop(served: Served): Promise<void> {
  served.child.kill('SIGTERM');
  if (served.child.exitCode === null) await once(served.child, 'exit');
}

async function httpClient(url: string, token: string): Promise<Client> {
  const http = new Client({ name: 'assistant', version: '1.0.0' });
  await http.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return http;
}

describe('tta mcp serve --http (a spawned process)', () => {
  it('makes a token, prints it once, keeps it in TTA_HOME/mcp-token, and wants it on every request', async () => {
    await switchTo('wide');
    const first = await serveHttp();
    const [, token, file] = first.stderr().match(/token: (\S+) \(new; saved in (\S+)\)/) ?? [];
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      expect(file).toBe(join(home, 'mcp-token'));
      expect((await readFile(file!, 'utf8')).trim()).toBe(token);
      expect((await stat(file!)).mode & 0o777).toBe(0o600);
      client = await httpClient(first.url, token!);
      // The server comes up after initialize; its tools follow.
      await vi.waitFor(
        async () =>
          expect((await client!.listTools()).tools.map((t) => t.name)).toContain('fx__echo'),
        { timeout: 120_000, interval: 50 },
      );
      const anonymous = await fetch(first.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await anonymous.json()) as { error: { message: string } }).error.message).toMatch(
        /^a token is required/,
      );
      await client.close();
      client = undefined;
    } finally {
      await stop(first);
    }

    // The next start uses the saved token and does not print it.
    const second = await serveHttp();
    try {
      expect(second.stderr()).toContain(`token: in ${file}`);
      expect(second.stderr()).not.toContain(token);
      client = await httpClient(second.url, token!);
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    } finally {
      await stop(second);
    }
  });

  it('takes the token from $TTA_MCP_TOKEN, and warns when it listens beyond this machine', async () => {
    const token = 'a-token-from-the-environment';
    const served = await serveHttp(['--host', '0.0.0.0'], { TTA_MCP_TOKEN: token });
    try {
      expect(served.stderr()).toContain('token: from $TTA_MCP_TOKEN');
      expect(served.stderr()).toMatch(/warn: listening on 0\.0\.0\.0, beyond this machine/);
      // The printed URL is one the gateway answers to (a wildcard address is reached as loopback).
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
      client = await httpClient(served.url, token);
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    } finally {
      await stop(served);
    }
  });

  it('exits 2 on a token too short to be safe', async () => {
    const result = await promisify(execFile)(
      process.execPath,
      [bin('tta'), 'mcp', 'serve', '--http', '--token', 'short'],
      { env: env() },
    ).catch((e) => e);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'tta mcp serve: the token of --token: a token is at least 16 characters long',
    );
  });
});
