import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { type RedisServer, startRedis } from '@tta-dev/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { runWorkflowCommand } from '../workflow/workflowCommand.js';

// The built bin: each gateway is a process of its own, as two assistant sessions start them.
const tta = fileURLToPath(new URL('../../dist/bin/tta.js', import.meta.url));

let redis: RedisServer;
let root: string;
const clients: Client[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-serve-memory-'));
  await mkdir(join(root, 'home'));
  await mkdir(join(root, 'project', '.tta', 'workflows'), { recursive: true });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await rm(root, { recursive: true, force: true });
});

const env = (memory: string) => ({
  PATH: process.env.PATH ?? '',
  TTA_HOME: join(root, 'home'),
  TTA_MEMORY: memory,
  NO_COLOR: '1',
});

/** A spawned `tta mcp serve` (stdio) on the project, and what it printed to stderr. */
async function gateway(memory: string) {
  const client = new Client({ name: 'assistant', version: '1.0.0' });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [tta, 'mcp', 'serve', '--project', join(root, 'project')],
    env: env(memory),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await client.connect(transport);
  clients.push(client);
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await client.callTool({ name, arguments: args });
    return {
      text: (result.content as { text: string }[])[0]!.text,
      isError: result.isError === true,
    };
  };
  return { call, stderr: () => stderr };
}

describe('tta mcp serve and tta workflow run on one TTA_MEMORY (real Redis)', () => {
  it("two gateway processes share memory, and read a run's memory in run:<id>", async () => {
    const url = redis.url;
    const [a, b] = await Promise.all([gateway(url), gateway(url)]);
    expect(await a.call('memory_add', { key: 'plan', value: { stages: 3 } })).toEqual({
      text: 'stored "plan"',
      isError: false,
    });
    expect(JSON.parse((await b.call('memory_get', { key: 'plan' })).text)).toEqual({
      key: 'plan',
      value: { stages: 3 },
    });
    expect(a.stderr()).toContain(`shared memory on ${url}`);

    // A run on a third "machine" (this process) leaves its context for the sessions.
    await writeFile(
      join(root, 'project', '.tta', 'workflows', 'ctx.workflow.yaml'),
      `name: ctx
description: Leaves context.
stages:
  - id: plan
    title: Plan
    persona: backend
    steps:
      - id: note
        memory: { decision: "use REST" }
`,
    );
    const io = captureIo({ env: env(url), cwd: join(root, 'project') });
    const code = await runSafely(io, () =>
      runWorkflowCommand(['run', 'ctx', '--run-id', 'ctx-1'], io),
    );
    expect(io.err()).not.toMatch(/warning/);
    expect(code).toBe(0);
    expect(
      JSON.parse((await b.call('memory_get', { key: 'decision', run: 'ctx-1' })).text),
    ).toEqual({ key: 'decision', value: 'use REST' });
  });

  it('exits 2 naming TTA_MEMORY when it names no memory, without its password', async () => {
    const failed = await promisify(execFile)(
      process.execPath,
      [tta, 'mcp', 'serve', '--project', join(root, 'project')],
      { env: env('mysql://me:hunter22@db/x') },
    ).catch((error: { code: number; stderr: string }) => error);
    expect((failed as { code: number }).code).toBe(2);
    const stderr = (failed as { stderr: string }).stderr;
    expect(stderr).toMatch(/TTA_MEMORY: mysql:\/\/me:\*\*\*@db\/x names no memory/);
    expect(stderr).not.toContain('hunter22');
  });
});
