// The Claude Code and Copilot exports name the tools as the assistant sees them through `tta mcp
// install`'s entry: the gateway is spawned on the published filesystem and memory servers, and
// every MCP name the export grants is `mcp__tta__` (Claude Code) or `tta/` (Copilot) + a name in
// the gateway's tools/list.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { exportCommand } from '../persona/export.js';

const require = createRequire(import.meta.url);
const binOf = (name: string) => {
  const manifest = require.resolve(`${name}/package.json`);
  const { bin } = require(manifest) as { bin: Record<string, string> };
  return join(dirname(manifest), Object.values(bin)[0]!);
};
const tta = fileURLToPath(new URL('../../dist/bin/tta.js', import.meta.url));

let project: string;
let home: string;
beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'tta-claude-names-'));
  home = join(project, '.home');
  await mkdir(join(project, '.hypertool', 'personas'), { recursive: true });
  await writeFile(
    join(project, '.hypertool', 'mcp_servers.json'),
    JSON.stringify({
      mcpServers: {
        filesystem: {
          command: process.execPath,
          args: [binOf('@modelcontextprotocol/server-filesystem'), project],
        },
        memory: { command: process.execPath, args: [binOf('@modelcontextprotocol/server-memory')] },
      },
    }),
  );
  await writeFile(
    join(project, '.hypertool', 'personas', 'reader.json'),
    JSON.stringify({
      name: 'reader',
      displayName: 'Reader',
      description: 'Reads files and remembers.',
      tokenBudget: 8000,
      allowedServers: ['filesystem', 'memory'],
      allowedTools: { filesystem: ['read_*', 'list_directory'] },
    }),
  );
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

/** The MCP tool names the export for `target` grants: Claude Code's list, or Copilot's. */
async function exported(target: 'claude' | 'copilot', args: string[]): Promise<string[]> {
  const io = captureIo({ env: { HOME: home, TTA_HOME: home }, cwd: project });
  expect(
    await runSafely(io, () => exportCommand(['--target', target, ...args, 'reader'], io)),
  ).toBe(0);
  if (target === 'claude') {
    const text = await readFile(join(project, '.claude', 'agents', 'reader.md'), 'utf8');
    const tools = /\ntools: (.*)\n/.exec(text)![1]!.split(', ');
    return tools.filter((t) => t.startsWith('mcp__'));
  }
  const text = await readFile(join(project, '.github', 'agents', 'reader.agent.md'), 'utf8');
  return (parse(text.split('---\n')[1]!) as { tools: string[] }).tools;
}

/** What the gateway lists of the downstream servers' tools (its own, persona_switch and the like, aside). */
async function listedByGateway(): Promise<string[]> {
  const client = new Client({ name: 'assistant-like', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [tta, 'mcp', 'serve', '--persona', 'reader'],
      cwd: project,
      env: { PATH: process.env.PATH ?? '', HOME: home, TTA_HOME: home },
    }),
  );
  try {
    const names = async () => (await client.listTools()).tools.map((t) => t.name);
    const ready = (list: string[]) =>
      list.includes('filesystem__read_text_file') && list.includes('memory__read_graph');
    for (let i = 0; i < 3000 && !ready(await names()); i++)
      await new Promise((r) => setTimeout(r, 20));
    return (await names()).filter((n) => n.includes('__')).sort();
  } finally {
    await client.close();
  }
}

describe.each([
  { target: 'claude', prefix: 'mcp__tta__' },
  { target: 'copilot', prefix: 'tta/' },
] as const)('the $target export', ({ target, prefix }) => {
  it(`grants ${prefix}<server>__<tool>, the names the gateway lists`, async () => {
    const granted = await exported(target, []);
    expect(granted.length).toBeGreaterThan(5);
    expect(granted.every((name) => name.startsWith(prefix))).toBe(true);
    expect(granted.map((name) => name.slice(prefix.length)).sort()).toEqual(
      await listedByGateway(),
    );
  });
});

it('names another gateway entry with --gateway, and servers of their own with --direct', async () => {
  expect(await exported('claude', ['--gateway', 'personas'])).toContain(
    'mcp__personas__filesystem__read_text_file',
  );
  const direct = await exported('claude', ['--direct']);
  expect(direct).toContain('mcp__filesystem__read_text_file');
  expect(direct).toContain('mcp__memory');
  expect(await exported('copilot', ['--gateway', 'personas'])).toContain(
    'personas/filesystem__read_text_file',
  );
  const copilotDirect = await exported('copilot', ['--direct']);
  expect(copilotDirect).toContain('filesystem/read_text_file');
  expect(copilotDirect).toContain('memory/*');
});
