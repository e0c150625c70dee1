import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../dist/bin/tta.js', import.meta.url));
const hooks = fileURLToPath(new URL('./loadedModules.testkit.mjs', import.meta.url));
const require = createRequire(import.meta.url);
const fixture = join(
  dirname(require.resolve('@tta-dev/integrations/package.json')),
  'src/mcp/fixtures/fixtureServer.mjs',
);

let home: string | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

it('tta mcp serve answers initialize without loading the tokenizer, and loads it to count', async () => {
  home = await mkdtemp(join(tmpdir(), 'tta-lazy-'));
  await mkdir(join(home, 'personas'));
  await writeFile(
    join(home, 'personas', 'p.json'),
    JSON.stringify({
      name: 'p',
      displayName: 'P',
      description: 'x',
      tokenBudget: 9000,
      allowedServers: ['fx'],
    }),
  );
  await writeFile(
    join(home, 'config.json'),
    JSON.stringify({
      activePersona: {
        name: 'p',
        displayName: 'P',
        icon: 'p',
        since: new Date().toISOString(),
        source: 'test',
      },
      personaHistory: [],
    }),
  );
  const servers = join(home, 'servers.json');
  await writeFile(
    servers,
    JSON.stringify({ mcpServers: { fx: { command: process.execPath, args: [fixture, 'tools'] } } }),
  );
  const loaded = join(home, 'loaded.txt');
  await writeFile(loaded, '');
  client = new Client({ name: 'lazy', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: ['--import', hooks, bin, 'mcp', 'serve', '--config', servers],
      env: { PATH: process.env.PATH ?? '', TTA_HOME: home, TTA_LOADED_MODULES: loaded },
      stderr: 'ignore',
    }),
  );
  // The tokenizer is inlined in personas' policy/tokens.js (its source imports gpt-tokenizer).
  const tokenizerLoaded = async () =>
    /gpt-tokenizer|policy\/tokens\.js/.test(await readFile(loaded, 'utf8'));
  // The gateway's modules were loaded (the hooks work), the tokenizer's were not.
  expect(await readFile(loaded, 'utf8')).toContain('PersonaGateway');
  expect(await tokenizerLoaded()).toBe(false);
  // A result well within the budget is returned first and its tokens counted right after: the
  // call loads the tokenizer to count them.
  const echoed = await client.callTool({ name: 'fx__echo', arguments: { message: 'count me' } });
  expect(echoed.isError).toBeFalsy();
  await expect.poll(tokenizerLoaded, { timeout: 120_000 }).toBe(true);
});
