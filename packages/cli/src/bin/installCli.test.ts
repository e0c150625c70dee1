// scripts/install-cli.mjs for real: the packed packages installed with npm in a prefix outside the
// workspace, run from a folder outside the clone; the gateway entry `tta mcp install` writes
// there is started as an assistant would; and `npx @tta-dev/cli` (no -p) runs tta.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry } from '../mcp/registry.testkit.js';

const exec = promisify(execFile);
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
const fixture = join(
  dirname(createRequire(import.meta.url).resolve('@tta-dev/integrations/package.json')),
  'src/mcp/fixtures/fixtureServer.mjs',
);

let work: string;
let prefix: string;
let outside: string;
let registry: Awaited<ReturnType<typeof startRegistry>>;
// What a stranger's shell has: the installed bins, node and npm; nothing of the workspace.
const env = () => ({
  PATH: [join(prefix, 'bin'), dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
  HOME: outside,
  TTA_HOME: join(outside, '.hypertool'),
  npm_config_registry: registry.url,
  npm_config_cache: join(process.env.HOME ?? outside, '.npm'),
});

beforeAll(async () => {
  work = await realpath(await mkdtemp(join(tmpdir(), 'tta-install-cli-')));
  prefix = join(work, 'prefix');
  outside = join(work, 'somewhere');
  await mkdir(outside);
  registry = await startRegistry([]); // @tta-dev/cli is not published there
  // The registry stays npm's own for the install; the test's registry is for `tta mcp install`.
  const { stdout } = await exec(
    process.execPath,
    [join(repo, 'scripts/install-cli.mjs'), '--no-build', '--prefix', prefix],
    { cwd: repo, maxBuffer: 16 * 1024 * 1024 },
  );
  expect(stdout).toContain(`Installed tta and tta-persona in ${join(prefix, 'bin')}`);
  expect(stdout).toContain(
    `To remove them: npm uninstall --global --prefix ${prefix} @tta-dev/core`,
  );
}, 600_000);
afterAll(async () => {
  await registry?.close();
  await rm(work, { recursive: true, force: true });
}, 300_000);

describe('scripts/install-cli.mjs', () => {
  it('puts tta and tta-persona in the prefix, working from a folder outside the clone', async () => {
    const tta = await exec(join(prefix, 'bin', 'tta'), ['--version'], { cwd: outside, env: env() });
    expect(tta.stdout.trim()).toBe(version);
    const list = await exec(join(prefix, 'bin', 'tta-persona'), ['list'], {
      cwd: outside,
      env: env(),
    });
    expect(list.stdout).toContain('tta-backend-engineer');
    // The installed CLI is npm's copy, not a link into the workspace.
    const installed = join(prefix, 'lib', 'node_modules', '@tta-dev');
    expect((await readdir(installed)).sort()).toEqual(
      ['cli', 'core', 'integrations', 'personas', 'workflows'].sort(),
    );
  });

  it('tta mcp install, for an unpublished version, writes an entry that starts the gateway', async () => {
    const project = join(outside, 'app');
    await mkdir(join(project, '.hypertool', 'personas'), { recursive: true });
    await writeFile(
      join(project, '.hypertool', 'mcp_servers.json'),
      JSON.stringify({
        mcpServers: { fx: { command: process.execPath, args: [fixture, 'tools'] } },
      }),
    );
    await writeFile(
      join(project, '.hypertool', 'personas', 'app.json'),
      JSON.stringify({
        name: 'app',
        displayName: 'App',
        description: 'The project persona.',
        tokenBudget: 2000,
        allowedServers: ['fx'],
      }),
    );
    await exec(join(prefix, 'bin', 'tta-persona'), ['use', 'app'], { cwd: project, env: env() });
    await exec(join(prefix, 'bin', 'tta'), ['mcp', 'install', '--client', 'claude-code'], {
      cwd: project,
      env: env(),
    });
    const entry = JSON.parse(await readFile(join(project, '.mcp.json'), 'utf8')).mcpServers.tta;
    expect(entry.command).toBe(process.execPath);
    expect(entry.args).toEqual([
      join(prefix, 'lib', 'node_modules', '@tta-dev', 'cli', 'dist', 'bin', 'tta.js'),
      'mcp',
      'serve',
    ]);

    // Claude Code starts it in the project with the user's environment.
    const client = new Client({ name: 'claude-code-like', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: entry.command,
        args: entry.args,
        cwd: project,
        env: env(),
      }),
    );
    try {
      expect(client.getServerVersion()?.name).toBe('tta-persona-gateway');
      const names = async () => (await client.listTools()).tools.map((t) => t.name);
      for (let i = 0; i < 1500 && !(await names()).includes('fx__echo'); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(await names()).toEqual(expect.arrayContaining(['fx__echo', 'persona_switch']));
    } finally {
      await client.close();
    }
  });

  it('npx @tta-dev/cli <args> (no -p) runs tta <args>, from the packed tarballs', async () => {
    const packs = join(work, 'packs');
    for (const name of ['core', 'personas', 'workflows', 'integrations', 'cli'])
      await exec('pnpm', ['--filter', `@tta-dev/${name}`, 'pack', '--pack-destination', packs], {
        cwd: repo,
      });
    const project = join(outside, 'npx-project');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), '{"name": "npx-project", "private": true}\n');
    const tarballs = (await readdir(packs)).map((file) => join(packs, file));
    // npm's own registry for the dependencies (the cache the global install above filled).
    const npmEnv = { ...env(), npm_config_registry: 'https://registry.npmjs.org/' };
    await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs], {
      cwd: project,
      env: npmEnv,
      maxBuffer: 16 * 1024 * 1024,
    });
    // --offline: npm picks the bin from the installed manifest, as it would after fetching it.
    const { stdout } = await exec('npx', ['--offline', '@tta-dev/cli', '--version'], {
      cwd: project,
      env: npmEnv,
    });
    expect(stdout.trim()).toBe(version);
  }, 600_000);
});
