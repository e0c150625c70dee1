// docs/examples/mcp_servers.json starts as it is: no variable to set. filesystem and memory are
// this package's devDependencies at the versions the file pins, so npx finds them offline; git
// comes from the registry and is not waited for (offline here: see docs/mcp-gateway.md).
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, expect, it } from 'vitest';

const cliPackage = fileURLToPath(new URL('../../', import.meta.url));
const example = fileURLToPath(
  new URL('../../../../docs/examples/mcp_servers.json', import.meta.url),
);
const tta = join(cliPackage, 'dist', 'bin', 'tta.js');

let project: string | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  if (project !== undefined) await rm(project, { recursive: true, force: true });
});

it('the example servers file starts the gateway as it is, with filesystem and memory tools', async () => {
  // Inside this package, so that npx finds its devDependencies; a folder of its own as the project.
  project = await mkdtemp(join(cliPackage, '.example-servers-'));
  const home = join(project, '.home');
  const { PATH, HOME } = process.env;
  client = new Client({ name: 'assistant', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [tta, 'mcp', 'serve', '--config', example, '--persona', 'tta-backend-engineer'],
      cwd: project,
      // No variable the file would need; npx stays offline.
      env: { PATH: PATH ?? '', HOME: HOME ?? home, TTA_HOME: home, npm_config_offline: 'true' },
    }),
  );
  const names = async () => (await client!.listTools()).tools.map((t) => t.name);
  const ready = (list: string[]) =>
    list.some((n) => n.startsWith('filesystem__')) && list.some((n) => n.startsWith('memory__'));
  for (let i = 0; i < 3000 && !ready(await names()); i++)
    await new Promise((r) => setTimeout(r, 20));
  const list = await names();
  expect(list).toEqual(
    expect.arrayContaining(['filesystem__read_text_file', 'memory__create_entities']),
  );
}, 300_000);
