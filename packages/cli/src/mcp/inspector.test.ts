// Interoperability: the MCP Inspector's CLI lists and calls tools through a spawned `tta mcp
// serve`. `@modelcontextprotocol/inspector` declares Node >= 22.7.5 since 0.16 (and engine-strict
// refuses it on Node 20); `@modelcontextprotocol/inspector-cli` is the same CLI code that
// `npx @modelcontextprotocol/inspector --cli` runs (its build/ is the inspector's cli/build/,
// file for file, in 1.0.3) and declares no engines, so it is what the tests pin.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = (name: string) => fileURLToPath(new URL(`../../dist/bin/${name}.js`, import.meta.url));
const require = createRequire(import.meta.url);
const fixture = join(
  dirname(require.resolve('@tta-dev/integrations/package.json')),
  'src/mcp/fixtures/fixtureServer.mjs',
);
const inspector = join(
  dirname(require.resolve('@modelcontextprotocol/inspector-cli/package.json')),
  'build/cli.js',
);

let home: string;
let inspectorConfig: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'tta-inspector-'));
  await mkdir(join(home, 'personas'));
  await writeFile(
    join(home, 'personas', 'echoer.json'),
    JSON.stringify({
      name: 'echoer',
      displayName: 'Echoer',
      description: 'Echo only.',
      tokenBudget: 4000,
      allowedServers: ['fx'],
      allowedTools: { fx: ['echo'] },
    }),
  );
  const servers = join(home, 'servers.json');
  await writeFile(
    servers,
    JSON.stringify({ mcpServers: { fx: { command: process.execPath, args: [fixture, 'tools'] } } }),
  );
  const env = { PATH: process.env.PATH ?? '', TTA_HOME: home };
  await run(process.execPath, [bin('tta-persona'), 'echoer'], { env });
  // The Inspector's own servers file, naming the gateway as a user would.
  inspectorConfig = join(home, 'inspector.json');
  await writeFile(
    inspectorConfig,
    JSON.stringify({
      mcpServers: {
        tta: {
          command: process.execPath,
          // The Inspector lists once, right after initialize: on a busy machine the fixture
          // server may take longer to start than the default wait of tools/list.
          args: [bin('tta'), 'mcp', 'serve', '--config', servers, '--list-wait', '60000'],
          env,
        },
      },
    }),
  );
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

async function inspect(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(
    process.execPath,
    [inspector, '--cli', '--config', inspectorConfig, '--server', 'tta', ...args],
    // 1.0.3 looks for its own package.json relative to the working folder, not to its file:
    // run it from its build folder, as it is laid out when installed.
    { env: { PATH: process.env.PATH ?? '' }, cwd: dirname(inspector) },
  );
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('the MCP Inspector CLI through tta mcp serve', () => {
  it("lists the gateway's tools and the active persona's, and nothing else", async () => {
    const { tools } = (await inspect('--method', 'tools/list')) as { tools: { name: string }[] };
    const names = tools.map((t) => t.name);
    expect(names).toContain('fx__echo');
    expect(names).toContain('persona_current');
    expect(names.filter((n) => n.includes('__'))).toEqual(['fx__echo']);
  });

  it('calls an allowed tool, and gets a refusal for one the persona does not allow', async () => {
    const echoed = await inspect(
      '--method',
      'tools/call',
      '--tool-name',
      'fx__echo',
      '--tool-arg',
      'message=from the inspector',
    );
    expect(echoed).toMatchObject({ content: [{ type: 'text', text: 'from the inspector' }] });
    const refused = await inspect('--method', 'tools/call', '--tool-name', 'fx__env_report');
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain('refused');
  });
});
