import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureServer, type Harness, resultText, startHarness } from './gateway.testkit.js';
import { type HttpGateway, serveHttp } from './serveHttp.js';

let harness: Harness | undefined;
let http: HttpGateway | undefined;
afterEach(async () => {
  await http?.close();
  await harness?.close();
  http = harness = undefined;
});

async function connect(url: string): Promise<{ client: Client; changed: () => Promise<void> }> {
  const client = new Client({ name: 'http-client', version: '1.0.0' });
  const waiters: (() => void)[] = [];
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    for (const resolve of waiters.splice(0)) resolve();
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return { client, changed: () => new Promise<void>((resolve) => waiters.push(resolve)) };
}

describe('serveHttp', () => {
  it('serves two sessions, each told of a persona switch, each then seeing the new tools', async () => {
    harness = await startHarness(
      { fx: fixtureServer('tools'), changing: fixtureServer('changing') },
      { active: 'builder' },
    );
    http = await serveHttp(harness.gateway);
    expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const a = await connect(http.url);
    const b = await connect(http.url);
    expect(http.sessions()).toBe(2);
    expect((await a.client.listTools()).tools.map((t) => t.name)).toContain('changing__add_tool');
    expect(
      resultText(
        await b.client.callTool({ name: 'fx__echo', arguments: { message: 'over http' } }),
      ),
    ).toBe('over http');

    const both = Promise.all([a.changed(), b.changed()]);
    await harness.store.activate({
      name: 'reader',
      displayName: 'Reader',
      icon: '📖',
      source: 'test',
    });
    await both;
    for (const { client } of [a, b]) {
      expect((await client.listTools()).tools.map((t) => t.name)).not.toContain(
        'changing__add_tool',
      );
    }
    await a.client.close();
    await b.client.close();
  });

  it('refuses requests without a session and other paths', async () => {
    harness = await startHarness({
      fx: fixtureServer('tools'),
      changing: fixtureServer('changing'),
    });
    http = await serveHttp(harness.gateway);
    const noSession = await fetch(http.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(noSession.status).toBe(400);
    expect((await fetch(http.url.replace('/mcp', '/other'))).status).toBe(404);
  });
});
