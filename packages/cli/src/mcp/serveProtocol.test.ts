// The gateway's protocol, as raw JSON-RPC on the stdio of a spawned `tta mcp serve`: initialize
// never waits for servers, stopping kills children still starting, -32602 errors, pagination,
// cancellation and progress.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../../integrations/src/mcp/gateway/gateway.testkit.js';
import { isRunning, type JsonRpcMessage, RawGateway } from './rawJsonRpc.testkit.js';

const require = createRequire(import.meta.url);
const fixture = join(
  dirname(require.resolve('@tta-dev/integrations/package.json')),
  'src/mcp/fixtures/fixtureServer.mjs',
);

let home: string;
let pidDir: string;
let gateway: RawGateway | undefined;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'tta-raw-'));
  pidDir = join(home, 'pids');
  await mkdir(pidDir);
  await mkdir(join(home, 'personas'));
  await writeFile(
    join(home, 'personas', 'all.json'),
    JSON.stringify({
      name: 'all',
      displayName: 'All',
      description: 'Every fixture server.',
      tokenBudget: 100_000,
      allowedServers: ['fx', 'slow', 'never', 'progress'],
    }),
  );
});
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  await rm(home, { recursive: true, force: true });
});

/** Spawns `tta mcp serve` pinned to persona "all" with these fixture servers (name: mode args). */
async function serve(servers: Record<string, string[]>, ...flags: string[]): Promise<RawGateway> {
  const config = join(home, 'servers.json');
  await writeFile(
    config,
    JSON.stringify({
      mcpServers: Object.fromEntries(
        Object.entries(servers).map(([name, mode]) => [
          name,
          { command: process.execPath, args: [fixture, ...mode], env: { FIXTURE_PID_DIR: pidDir } },
        ]),
      ),
    }),
  );
  gateway = new RawGateway(['--config', config, '--persona', 'all', ...flags], {
    PATH: process.env.PATH ?? '',
    TTA_HOME: home,
  });
  return gateway;
}

const listChanged = (m: JsonRpcMessage) => m.method === 'notifications/tools/list_changed';
const children = async () => (await readdir(pidDir)).map(Number);

describe('tta mcp serve over raw JSON-RPC', () => {
  it('answers initialize while servers are slow or never answer; list_changed brings them', async () => {
    const raw = await serve({ fx: ['tools'], slow: ['slow', '10000'], never: ['never'] });
    const init = await raw.initialize();
    expect(init.result).toMatchObject({
      serverInfo: { name: 'tta-persona-gateway' },
      capabilities: { tools: { listChanged: true } },
    });
    const first = await raw.toolNames();
    expect(first).toContain('persona_current');
    expect(first.filter((n) => n.startsWith('slow__'))).toEqual([]);
    // Each list_changed is followed by a fresh list, until the slow server's tools are in it.
    let seen = raw.messages.length;
    await until(async () => {
      await raw.next(listChanged, seen);
      seen = raw.messages.length;
      return (await raw.toolNames()).includes('slow__echo');
    }, 300_000);
    const names = await raw.toolNames();
    expect(names).toEqual(expect.arrayContaining(['fx__echo', 'slow__echo']));
    expect(names.filter((n) => n.startsWith('never__'))).toEqual([]);
    expect(raw.stray).toEqual([]);
  }, 300_000);

  for (const [how, stop] of [
    ['SIGTERM', (raw: RawGateway) => raw.signal('SIGTERM')],
    ['closed stdin', (raw: RawGateway) => raw.closeStdin()],
  ] as const) {
    it(`stops with its children on ${how} while servers are starting`, async () => {
      const raw = await serve({ slow: ['slow', '60000'], never: ['never'] });
      await raw.initialize();
      await until(async () => (await children()).length === 2, 120_000);
      const pids = await children();
      expect(pids.every(isRunning)).toBe(true);
      stop(raw);
      expect(await raw.exited).toBe(0);
      await until(() => !pids.some(isRunning));
    }, 300_000);
  }

  it('answers an unknown tool and a missing or invalid name with -32602', async () => {
    const raw = await serve({ fx: ['tools'] });
    await raw.initialize();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: 'no_such_tool', arguments: {} }, /unknown tool "no_such_tool"/],
      [{ name: 'fx__no_such_tool', arguments: {} }, /server "fx" has no tool "no_such_tool"/],
      [{ name: 'zz__echo', arguments: {} }, /refused|not configured/],
      [{ arguments: {} }, /tools\/call needs "name"/],
      [{ name: 7 }, /tools\/call needs "name"/],
      [{ name: 'fx__echo', arguments: 'text' }, /"arguments" must be an object/],
    ];
    for (const [params, message] of cases) {
      const answer = await raw.request('tools/call', params);
      if (params.name === 'zz__echo') {
        // A server the persona does not allow: the persona's refusal, as a tool error result.
        expect(answer.result, JSON.stringify(answer)).toMatchObject({ isError: true });
        continue;
      }
      expect(answer.error, JSON.stringify(params)).toMatchObject({ code: -32602 });
      expect(answer.error!.message).toMatch(message);
    }
    // A call without params at all.
    const bare = await raw.request('tools/call');
    expect(bare.error).toMatchObject({ code: -32602 });
  });

  it('paginates tools/list with --page-size, and refuses a bad cursor with -32602', async () => {
    const raw = await serve({ fx: ['tools'] }, '--page-size', '3');
    await raw.initialize();
    await until(async () => raw.messages.some(listChanged), 120_000);
    const names: string[] = [];
    let cursor: unknown;
    do {
      const { result } = await raw.request('tools/list', cursor === undefined ? {} : { cursor });
      const tools = (result!.tools as { name: string }[]).map((t) => t.name);
      expect(tools.length).toBeLessThanOrEqual(3);
      names.push(...tools);
      cursor = result!.nextCursor;
    } while (cursor !== undefined);
    expect(names).toContain('fx__echo');
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThan(6);
    const bad = await raw.request('tools/list', { cursor: 'not-a-cursor' });
    expect(bad.error).toMatchObject({ code: -32602 });
    expect(bad.error!.message).toMatch(/invalid cursor/);
  });

  it('relays progress under the client’s own token, before the result', async () => {
    const raw = await serve({ progress: ['progress'] });
    await raw.initialize();
    const from = raw.messages.length;
    const answer = await raw.request('tools/call', {
      name: 'progress__long_task',
      arguments: { steps: 3, delayMs: 1 },
      _meta: { progressToken: 'client-token-7' },
    });
    expect(answer.result).toMatchObject({ content: [{ type: 'text' }] });
    const progress = raw.messages
      .slice(from, raw.messages.indexOf(answer))
      .filter((m) => m.method === 'notifications/progress');
    expect(progress.map((m) => m.params)).toEqual(
      [1, 2, 3].map((step) => ({
        progressToken: 'client-token-7',
        progress: step,
        total: 3,
        message: `step ${step}`,
      })),
    );
  });

  it('passes notifications/cancelled on to the downstream call', async () => {
    const raw = await serve({ progress: ['progress'] });
    await raw.initialize();
    const from = raw.messages.length;
    const id = raw.post('tools/call', {
      name: 'progress__long_task',
      arguments: { steps: 100_000, delayMs: 10 },
      _meta: { progressToken: 99 },
    });
    await raw.next((m) => m.method === 'notifications/progress', from);
    raw.send({ method: 'notifications/cancelled', params: { requestId: id, reason: 'enough' } });
    // The fixture server records that its own request was aborted.
    await until(async () => {
      const { result } = await raw.request('tools/call', { name: 'progress__last_task' });
      const text = (result!.content as { text: string }[])[0]!.text;
      return (JSON.parse(text) as { cancelled: boolean }).cancelled;
    }, 300_000);
    expect(raw.messages.some((m) => m.id === id && m.method === undefined)).toBe(false);
  });
});
