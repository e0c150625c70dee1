import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fixtureServer,
  type Harness,
  publishedServer,
  resultText,
  startHarness,
  until,
} from './gateway.testkit.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const BUILTINS = [
  'persona_current',
  'persona_list',
  'persona_switch',
  'memory_add',
  'memory_get',
  'memory_search',
  'workflow_runs',
  'workflow_complete_step',
  'journal_record',
];

describe('PersonaGateway with real MCP servers', () => {
  it("shows only the active persona's tools, named <server>__<tool>", async () => {
    harness = await startHarness(
      { fx: fixtureServer('tools'), changing: fixtureServer('changing') },
      { active: 'builder' },
    );
    const names = await harness.toolNames();
    expect(names).toEqual(
      expect.arrayContaining([
        ...BUILTINS,
        'fx__echo',
        'fx__env_report',
        'fx__read_file',
        'fx__merge_pull_request',
        'changing__add_tool',
      ]),
    );
    expect(names).not.toContain('fx__add_tool');
    const echo = await harness.client.callTool({ name: 'fx__echo', arguments: { message: 'hi' } });
    expect(resultText(echo)).toBe('hi');
  });

  it('with no persona active shows only its own tools and says how to start', async () => {
    harness = await startHarness({ fx: fixtureServer('tools') });
    expect(await harness.toolNames()).toEqual(BUILTINS);
    const refused = await harness.client.callTool({
      name: 'fx__echo',
      arguments: { message: 'x' },
    });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toContain('persona_switch');
  });

  it('follows a switch made by another process: list_changed, then only the new tools', async () => {
    harness = await startHarness(
      { fx: fixtureServer('tools'), changing: fixtureServer('changing') },
      { active: 'builder' },
    );
    expect(await harness.toolNames()).toContain('changing__add_tool');
    const changed = harness.nextListChanged();
    await harness.store.activate({
      name: 'reader',
      displayName: 'Reader',
      icon: '📖',
      source: 'test',
    });
    await changed;
    await until(async () => !(await harness!.toolNames()).includes('changing__add_tool'), 120_000);
    // fx restarts: reader does not allow FIXTURE_OK, which builder's fx was started with.
    await harness.gateway.ready();
    expect(await harness.toolNames()).toEqual([...BUILTINS, 'fx__echo']);
    expect(harness.gateway.persona?.name).toBe('reader');
  });

  it('switches through its own persona_switch tool once a person approves, and records it in the store', async () => {
    harness = await startHarness(
      { fx: fixtureServer('tools'), changing: fixtureServer('changing') },
      { active: 'reader', clientCapabilities: { capabilities: { elicitation: {} } } },
    );
    const asked: string[] = [];
    harness.client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: { approve: true } };
    });
    const changed = harness.nextListChanged();
    const result = await harness.client.callTool({
      name: 'persona_switch',
      arguments: { persona: 'b' },
    });
    expect(resultText(result)).toContain('Builder (builder) is now active');
    expect(asked).toEqual([
      'The assistant asks to switch from "Reader" to "Builder" (servers: fx, changing). Allow?',
    ]);
    await changed;
    // The switch answers at once; the new server's tools follow as it comes up.
    await harness.gateway.ready();
    expect(await harness.toolNames()).toContain('changing__add_tool');
    expect((await harness.store.active())?.name).toBe('builder');
    const unknown = await harness.client.callTool({
      name: 'persona_switch',
      arguments: { persona: 'bilder' },
    });
    expect(unknown.isError).toBe(true);
    expect(resultText(unknown)).toContain('did you mean');
  });

  it('refuses at call time what the persona does not allow, saying why', async () => {
    harness = await startHarness(
      { fx: fixtureServer('tools'), changing: fixtureServer('changing') },
      { active: 'reader' },
    );
    const hidden = await harness.client.callTool({
      name: 'fx__read_file',
      arguments: { path: 'a.txt' },
    });
    expect(hidden.isError).toBe(true);
    expect(resultText(hidden)).toMatch(/refused: persona "reader" may not use fx__read_file/);
    const otherServer = await harness.client.callTool({
      name: 'changing__add_tool',
      arguments: {},
    });
    expect(resultText(otherServer)).toContain('not in allowedServers');
  });

  it('refuses arguments that name restricted paths', async () => {
    harness = await startHarness(
      { fx: fixtureServer('tools'), changing: fixtureServer('changing') },
      { active: 'builder' },
    );
    for (const path of ['.env', 'config/.env', 'secrets/key.txt', `${harness.project}/secrets/x`]) {
      const result = await harness.client.callTool({ name: 'fx__read_file', arguments: { path } });
      expect(result.isError, path).toBe(true);
      expect(resultText(result)).toContain('restricted path');
    }
    expect(
      resultText(
        await harness.client.callTool({
          name: 'fx__read_file',
          arguments: { path: 'src/index.ts' },
        }),
      ),
    ).toBe('contents of src/index.ts');
  });

  it('asks for approval through elicitation, and refuses when the client cannot ask', async () => {
    harness = await startHarness(
      { fx: fixtureServer('tools'), changing: fixtureServer('changing') },
      { active: 'builder' },
    );
    const refused = await harness.client.callTool({
      name: 'fx__merge_pull_request',
      arguments: { number: 7 },
    });
    expect(resultText(refused)).toMatch(/needs a person's approval .* cannot ask/);
    await harness.close();

    for (const approve of [true, false]) {
      harness = await startHarness(
        { fx: fixtureServer('tools'), changing: fixtureServer('changing') },
        { active: 'builder', clientCapabilities: { capabilities: { elicitation: {} } } },
      );
      const asked: string[] = [];
      harness.client.setRequestHandler(ElicitRequestSchema, async (request) => {
        asked.push(request.params.message);
        return { action: 'accept', content: { approve } };
      });
      const result = await harness.client.callTool({
        name: 'fx__merge_pull_request',
        arguments: { number: 7 },
      });
      expect(asked[0]).toContain('fx__merge_pull_request');
      expect(resultText(result)).toBe(
        approve ? 'merged #7' : 'refused: fx__merge_pull_request was not approved',
      );
      await harness.close();
      harness = undefined;
    }
  });

  it('gives servers only the environment the persona allows, blockList winning', async () => {
    const fx = {
      ...fixtureServer('tools'),
      env: { FROM_CONFIG: 'kept', FIXTURE_SECRET_IN_FILE: 'dropped' },
    };
    harness = await startHarness(
      { fx, changing: fixtureServer('changing') },
      { active: 'builder' },
    );
    const names = JSON.parse(
      resultText(await harness.client.callTool({ name: 'fx__env_report', arguments: {} })),
    );
    expect(names).toContain('FIXTURE_OK');
    expect(names).toContain('PATH');
    expect(names).not.toContain('FIXTURE_SECRET_TOKEN');
    expect(names).not.toContain('UNRELATED');
    expect(names).toContain('FROM_CONFIG');
    expect(names).not.toContain('FIXTURE_SECRET_IN_FILE');
  });

  it('isolates a server that crashes, and restarts it', async () => {
    harness = await startHarness(
      { fx: fixtureServer('crash'), changing: fixtureServer('changing') },
      { active: 'builder' },
    );
    const crash = await harness.client.callTool({ name: 'fx__crash_now', arguments: {} });
    expect(crash.isError).toBe(true);
    await until(async () => !(await harness!.toolNames()).includes('fx__echo'), 120_000);
    expect(await harness.toolNames()).toContain('changing__add_tool');
    expect(
      resultText(await harness.client.callTool({ name: 'changing__add_tool', arguments: {} })),
    ).toBe('added_1');
    await until(async () => (await harness!.toolNames()).includes('fx__echo'), 120_000);
    expect(
      resultText(
        await harness.client.callTool({ name: 'fx__echo', arguments: { message: 'back' } }),
      ),
    ).toBe('back');
  });

  it('keeps serving when a server cannot start at all', async () => {
    harness = await startHarness(
      { fx: fixtureServer('broken'), changing: fixtureServer('changing') },
      { active: 'builder' },
    );
    expect(await harness.toolNames()).toContain('changing__add_tool');
    const result = await harness.client.callTool({ name: 'fx__echo', arguments: { message: 'x' } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('not running');
  });

  it('turns a hung call into an error result after the call timeout', async () => {
    harness = await startHarness(
      { fx: fixtureServer('hang'), changing: fixtureServer('changing') },
      { active: 'builder', gateway: { callTimeoutMs: 300 } },
    );
    const hung = await harness.client.callTool({ name: 'fx__hang', arguments: {} });
    expect(hung.isError).toBe(true);
    expect(resultText(hung)).toMatch(/fx__hang failed: .*timed out/i);
    expect(
      resultText(
        await harness.client.callTool({ name: 'fx__echo', arguments: { message: 'still here' } }),
      ),
    ).toBe('still here');
  });

  it("passes on a downstream server's own list_changed", async () => {
    harness = await startHarness(
      { fx: fixtureServer('tools'), changing: fixtureServer('changing') },
      { active: 'builder' },
    );
    const changed = harness.nextListChanged();
    await harness.client.callTool({ name: 'changing__add_tool', arguments: {} });
    await changed;
    await until(async () => (await harness!.toolNames()).includes('changing__added_1'), 120_000);
  });

  it('shares memory between personas through memory_* tools', async () => {
    harness = await startHarness(
      { fx: fixtureServer('tools'), changing: fixtureServer('changing') },
      { active: 'builder' },
    );
    await harness.client.callTool({
      name: 'memory_add',
      arguments: { key: 'api-contract', value: { path: '/users' }, tags: ['api'] },
    });
    await harness.client.callTool({ name: 'persona_switch', arguments: { persona: 'reader' } });
    expect(
      JSON.parse(
        resultText(
          await harness.client.callTool({ name: 'memory_get', arguments: { key: 'api-contract' } }),
        ),
      ),
    ).toEqual({
      key: 'api-contract',
      value: { path: '/users' },
    });
    const hits = JSON.parse(
      resultText(
        await harness.client.callTool({
          name: 'memory_search',
          arguments: { keywords: ['builder'] },
        }),
      ),
    );
    expect(hits.map((h: { key: string }) => h.key)).toEqual(['api-contract']);
    expect(
      (await harness.client.callTool({ name: 'memory_get', arguments: { key: 'nothing' } }))
        .isError,
    ).toBe(true);
  });

  it('counts tokens of the tools shown and results passed, noting when the budget is passed', async () => {
    harness = await startHarness(
      { fx: fixtureServer('tools'), changing: fixtureServer('changing') },
      { active: 'reader' },
    );
    await harness.client.listTools();
    const shown = await harness.gateway.tokenUsage();
    expect(shown).toMatchObject({ persona: 'reader', budget: 1500, results: 0 });
    expect(shown.definitions).toBeGreaterThan(100);
    const small = await harness.client.callTool({
      name: 'fx__echo',
      arguments: { message: 'short' },
    });
    expect(small.content).toHaveLength(1);
    const big = await harness.client.callTool({
      name: 'fx__echo',
      arguments: { message: 'word '.repeat(2000) },
    });
    expect(big.content, JSON.stringify(await harness.gateway.tokenUsage())).toHaveLength(2);
    expect(resultText({ content: [(big.content as unknown[])[1]] })).toMatch(
      /persona "reader" has used \d+ tokens .* over its budget of 1500/,
    );
    expect((await harness.gateway.tokenUsage()).results).toBeGreaterThan(1500);
    const switched = harness.nextListChanged();
    await harness.store.activate({
      name: 'builder',
      displayName: 'Builder',
      icon: '🔨',
      source: 'test',
    });
    await switched;
    expect(await harness.gateway.tokenUsage()).toMatchObject({ persona: 'builder', results: 0 });
  });

  it('keeps its tool list between lists, and builds and counts it afresh when it changes', async () => {
    harness = await startHarness(
      { fx: fixtureServer('tools'), changing: fixtureServer('changing') },
      { active: 'builder' },
    );
    const first = await harness.toolNames();
    const firstTokens = (await harness.gateway.tokenUsage()).definitions;
    expect(await harness.toolNames()).toEqual(first);
    expect((await harness.gateway.tokenUsage()).definitions).toBe(firstTokens);
    // A copy each time: what a caller does to it does not change what the next one gets.
    harness.gateway.listTools().length = 0;
    expect(harness.gateway.listTools().map((t) => t.name)).toEqual(first);

    const changed = harness.nextListChanged();
    await harness.client.callTool({ name: 'changing__add_tool', arguments: {} });
    await changed;
    await until(async () => (await harness!.toolNames()).includes('changing__added_1'), 120_000);
    expect((await harness.gateway.tokenUsage()).definitions).toBeGreaterThan(firstTokens);
  });

  it('proxies published servers from npm: everything, memory and filesystem', async () => {
    harness = await startHarness(
      {
        fx: publishedServer('@modelcontextprotocol/server-everything'),
        changing: publishedServer('@modelcontextprotocol/server-memory'),
      },
      { active: 'builder' },
    );
    const names = await harness.toolNames();
    // builder allows a few named fx tools (everything publishes one of them, echo) and all of changing.
    expect(names.filter((n) => n.startsWith('fx__'))).toEqual(['fx__echo']);
    expect(
      resultText(
        await harness.client.callTool({ name: 'fx__echo', arguments: { message: 'via npm' } }),
      ),
    ).toContain('via npm');
    expect(names).toEqual(
      expect.arrayContaining(['changing__create_entities', 'changing__read_graph']),
    );
    await harness.client.callTool({
      name: 'changing__create_entities',
      arguments: {
        entities: [{ name: 'gateway', entityType: 'component', observations: ['proxied'] }],
      },
    });
    expect(
      resultText(await harness.client.callTool({ name: 'changing__read_graph', arguments: {} })),
    ).toContain('proxied');
    await harness.close();

    // The filesystem server publishes read_file too: reading works, restricted paths are refused.
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const root = await mkdtemp(join(tmpdir(), 'tta-fs-'));
    await writeFile(join(root, 'notes.txt'), 'hello from disk');
    await writeFile(join(root, '.env'), 'SECRET=1');
    harness = await startHarness(
      {
        fx: publishedServer('@modelcontextprotocol/server-filesystem', root),
        changing: fixtureServer('changing'),
      },
      { active: 'builder' },
    );
    expect(
      resultText(
        await harness.client.callTool({
          name: 'fx__read_file',
          arguments: { path: join(root, 'notes.txt') },
        }),
      ),
    ).toContain('hello from disk');
    const secret = await harness.client.callTool({
      name: 'fx__read_file',
      arguments: { path: join(root, '.env') },
    });
    expect(resultText(secret)).toContain('restricted path');
  });
});
