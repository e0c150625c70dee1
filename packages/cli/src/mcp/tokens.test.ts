import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { tokens } from './tokens.js';

const require = createRequire(import.meta.url);
const fixture = join(
  dirname(require.resolve('@tta-dev/integrations/package.json')),
  'src/mcp/fixtures/fixtureServer.mjs',
);
let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'tta-tokens-'));
  await mkdir(join(home, 'personas'));
  await writeFile(
    join(home, 'personas', 'echoer.json'),
    JSON.stringify({
      name: 'echoer',
      displayName: 'Echoer',
      description: 'd',
      tokenBudget: 40,
      allowedServers: ['fx'],
      allowedTools: { fx: ['echo'] },
    }),
  );
  await writeFile(
    join(home, 'mcp_servers.json'),
    JSON.stringify({ mcpServers: { fx: { command: process.execPath, args: [fixture, 'tools'] } } }),
  );
});
afterEach(() => rm(home, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = captureIo({ env: { TTA_HOME: home }, cwd: home });
  const code = await runSafely(io, () => tokens(args, io));
  return { code, out: io.out(), err: io.err() };
}

describe('tta mcp tokens', () => {
  it("prices each persona's tool list against every tool of the configured servers", async () => {
    const { code, out } = await run(['--json']);
    expect(code).toBe(0);
    const result = JSON.parse(out);
    expect(result.unscoped.tools).toBe(4);
    const echoer = result.personas.find((p: { persona: string }) => p.persona === 'echoer');
    expect(echoer).toMatchObject({ tools: 1, tokenBudget: 40, overBudget: true });
    expect(echoer.tokens).toBeLessThan(result.unscoped.tokens);
    // Built-ins allow no server of this file: nothing to show, nothing to pay.
    expect(
      result.personas.find((p: { persona: string }) => p.persona === 'tta-backend-engineer'),
    ).toMatchObject({ tools: 0, tokens: 0 });
    const table = await run([]);
    expect(table.out).toMatch(/echoer\s+1\s+\d+\s+\d+%\s+40 \(over\)/);
    expect(table.out).toMatch(/\(all tools, unscoped\)\s+4\s+\d+\s+100%/);
  });
});
