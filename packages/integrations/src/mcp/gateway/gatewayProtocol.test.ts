// The protocol as a client meets it through the SDK: start without waiting for servers, start
// limits, cancellation, progress, -32602 errors and pagination. (The same cases over raw JSON-RPC
// against a spawned `tta mcp serve` are in packages/cli/src/mcp/serveProtocol.test.ts.)
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CallToolResultSchema,
  ErrorCode,
  McpError,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { McpServerConfig } from '../config/McpServersConfig.js';
import { fixtureServer, type Harness, resultText, startHarness, until } from './gateway.testkit.js';

let harness: Harness | undefined;
let pidDir: string | undefined;
afterEach(async () => {
  await harness?.close();
  if (pidDir !== undefined) await rm(pidDir, { recursive: true, force: true });
  harness = pidDir = undefined;
});

/** A fixture server in `mode` that records its pid in `dir`. */
const recorded = (dir: string, mode: string, ...args: string[]): McpServerConfig => ({
  ...fixtureServer(mode, ...args),
  env: { FIXTURE_PID_DIR: dir },
});

const pids = async (dir: string) => (await readdir(dir)).map(Number);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function invalidParams(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  expect((error as McpError).code).toBe(ErrorCode.InvalidParams);
  return (error as McpError).message;
}

describe('the gateway protocol, through an SDK client', () => {
  it('answers at once while a server never answers, and shows the ready ones', async () => {
    harness = await startHarness(
      { fx: fixtureServer('tools'), never: fixtureServer('never') },
      { active: 'protocol', ready: false },
    );
    await until(async () => (await harness!.toolNames()).includes('fx__echo'));
    expect((await harness.toolNames()).some((n) => n.startsWith('never__'))).toBe(false);
    expect(
      resultText(await harness.client.callTool({ name: 'fx__echo', arguments: { message: 'hi' } })),
    ).toBe('hi');
  });

  it('announces a slow server with list_changed when it comes up', async () => {
    harness = await startHarness(
      { slow: fixtureServer('slow') },
      { active: 'protocol', ready: false, gateway: { startTimeoutMs: 60_000 } },
    );
    // The fixture waits 10 s before it answers; the client is connected long before.
    expect(await harness.toolNames()).not.toContain('slow__echo');
    await until(async () => {
      await harness!.nextListChanged();
      return (await harness!.toolNames()).includes('slow__echo');
    }, 300_000);
  }, 300_000);

  it('makes a call to a server still starting wait for it', async () => {
    harness = await startHarness(
      { slow: fixtureServer('slow', '3000') },
      { active: 'protocol', ready: false },
    );
    expect(await harness.toolNames()).not.toContain('slow__echo');
    const echo = await harness.client.callTool({
      name: 'slow__echo',
      arguments: { message: 'waited' },
    });
    expect(resultText(echo)).toBe('waited');
  });

  it('kills a server that exceeds its start limit and retries it', async () => {
    pidDir = await mkdtemp(join(tmpdir(), 'tta-pids-'));
    const logs: string[] = [];
    harness = await startHarness(
      { never: recorded(pidDir, 'never') },
      {
        active: 'protocol',
        ready: false,
        gateway: { startTimeoutMs: 1000, log: (_level, message) => logs.push(message) },
      },
    );
    const failures = () =>
      logs.filter((m) => /server "never" failed: did not start within 1000 ms/.test(m));
    // Two attempts that timed out, and a process for each: the backoff retried.
    await until(async () => failures().length >= 2 && (await pids(pidDir!)).length >= 2);
    // Only the attempt under way may still run: the ones that timed out were killed.
    await until(async () => (await pids(pidDir!)).filter(alive).length <= 1);
    expect(await harness.toolNames()).not.toContain('never__echo');
  });

  it('kills a server still in its handshake when the gateway closes', async () => {
    pidDir = await mkdtemp(join(tmpdir(), 'tta-pids-'));
    harness = await startHarness(
      { never: recorded(pidDir, 'never'), slow: recorded(pidDir, 'slow', '60000') },
      { active: 'protocol', ready: false },
    );
    await until(async () => (await pids(pidDir!)).length === 2);
    const children = await pids(pidDir);
    await harness.gateway.close();
    // close() resolves once the transports saw their processes exit.
    expect(children.filter(alive)).toEqual([]);
  });

  it('relays the progress of a downstream call with the client’s own token', async () => {
    harness = await startHarness({ progress: fixtureServer('progress') }, { active: 'protocol' });
    const seen: Progress[] = [];
    const result = await harness.client.callTool(
      { name: 'progress__long_task', arguments: { steps: 3, delayMs: 1 } },
      CallToolResultSchema,
      { onprogress: (progress) => seen.push(progress) },
    );
    expect(JSON.parse(resultText(result))).toMatchObject({ done: 3, cancelled: false });
    expect(seen.map((p) => p.progress)).toEqual([1, 2, 3]);
    expect(seen[0]).toMatchObject({ total: 3, message: 'step 1' });
  });

  it('passes a cancellation on to the downstream call', async () => {
    harness = await startHarness({ progress: fixtureServer('progress') }, { active: 'protocol' });
    const abort = new AbortController();
    const call = harness.client.callTool(
      { name: 'progress__long_task', arguments: { steps: 10_000, delayMs: 10 } },
      CallToolResultSchema,
      { signal: abort.signal, onprogress: () => abort.abort('enough') },
    );
    await expect(call).rejects.toThrow();
    await until(async () => {
      const last = await harness!.client.callTool({ name: 'progress__last_task', arguments: {} });
      return JSON.parse(resultText(last))?.cancelled === true;
    });
  });

  it('answers an unknown tool and a bad tools/call with -32602, policy refusals stay results', async () => {
    harness = await startHarness({ fx: fixtureServer('tools') }, { active: 'protocol' });
    const call = (params: Record<string, unknown>) =>
      harness!.client.request({ method: 'tools/call', params } as never, CallToolResultSchema);
    expect(await invalidParams(call({ name: 'nonexistent' }))).toMatch(
      /unknown tool "nonexistent": gateway tools are named <server>__<tool>/,
    );
    expect(await invalidParams(call({ name: 'fx__nope' }))).toMatch(
      /unknown tool "fx__nope": server "fx" has no tool "nope"/,
    );
    expect(await invalidParams(call({ arguments: {} }))).toMatch(/tools\/call needs "name"/);
    expect(await invalidParams(call({ name: 42 }))).toMatch(/tools\/call needs "name"/);
    expect(await invalidParams(call({ name: 'fx__echo', arguments: [1] }))).toMatch(
      /"arguments" must be an object/,
    );
    // A server the persona does not allow: a refusal by the persona, as a tool error result.
    const refused = await harness.client.callTool({ name: 'changing__add_tool', arguments: {} });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toContain('refused');
  });

  it('paginates tools/list with an opaque cursor, and refuses a bad one with -32602', async () => {
    harness = await startHarness(
      { fx: fixtureServer('tools'), progress: fixtureServer('progress') },
      { active: 'protocol', gateway: { toolsPageSize: 4 } },
    );
    const all = harness.gateway.listTools().map((t) => t.name);
    expect(all.length).toBeGreaterThan(8);
    const paged: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await harness.client.listTools(cursor === undefined ? {} : { cursor });
      expect(page.tools.length).toBeLessThanOrEqual(4);
      paged.push(...page.tools.map((t) => t.name));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined);
    expect(paged).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 4));
    for (const bad of ['nonsense', Buffer.from('tools:-1').toString('base64url'), ''])
      expect(await invalidParams(harness.client.listTools({ cursor: bad }))).toMatch(
        /invalid cursor/,
      );
  });
});
