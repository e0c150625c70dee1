import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureServer, type Harness, resultText, startHarness } from './gateway.testkit.js';
import { type HttpGateway, type ServeHttpOptions, serveHttp } from './serveHttp.js';

const TOKEN = 'test-token-0123456789abcdef';

let harness: Harness | undefined;
let http: HttpGateway | undefined;
afterEach(async () => {
  await http?.close();
  await harness?.close();
  http = harness = undefined;
});

/**
 * A gateway (of its own tools only, unless given servers) served over HTTP; `logged` collects
 * its log lines, `listeners` counts the MCP servers listening to it.
 */
async function serve(
  options: Partial<ServeHttpOptions> = {},
  servers: Parameters<typeof startHarness>[0] = {},
) {
  harness = await startHarness(servers, { active: 'builder' });
  const listeners = countListeners(harness.gateway);
  const logged: string[] = [];
  const waiters: [RegExp, () => void][] = [];
  http = await serveHttp(harness.gateway, {
    token: TOKEN,
    ...options,
    log: (_level, message) => {
      logged.push(message);
      for (const [i, [pattern, resolve]] of [...waiters.entries()].reverse())
        if (pattern.test(message)) {
          waiters.splice(i, 1);
          resolve();
        }
    },
  });
  const url = new URL(http.url);
  return {
    http,
    url,
    listeners,
    /** The `Host` header a client of the printed URL sends. */
    host: url.host,
    logged,
    /** Resolves when a log line matches. */
    nextLog: (pattern: RegExp) =>
      new Promise<void>((resolve) => {
        if (logged.some((line) => pattern.test(line))) resolve();
        else waiters.push([pattern, resolve]);
      }),
  };
}

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The JSON-RPC error message of a refusal. */
  readonly reason: string | undefined;
}

/**
 * One HTTP request with exactly these headers (node:http, since fetch sets its own `Host`), and
 * the whole answer: no SDK between the test and the gateway.
 */
function raw(
  url: URL,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'POST', headers: init.headers });
    req.once('error', reject);
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.once('end', () => {
        let reason: string | undefined;
        try {
          reason = (JSON.parse(text) as { error?: { message?: string } }).error?.message;
        } catch {}
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, reason });
      });
    });
    req.end(init.body === undefined ? undefined : JSON.stringify(init.body));
  });
}

const mcpHeaders = (extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  authorization: `Bearer ${TOKEN}`,
  ...extra,
});
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1.0.0' },
  },
};
const TOOLS_LIST = { jsonrpc: '2.0', id: 2, method: 'tools/list' };

/** Opens a session with a raw initialize; returns its id. */
async function initialize(url: URL, headers: Record<string, string> = {}): Promise<string> {
  const answer = await raw(url, { headers: mcpHeaders(headers), body: INITIALIZE });
  expect(answer.status, answer.text).toBe(200);
  return answer.headers['mcp-session-id'] as string;
}

/** An SDK client over Streamable HTTP, with the token as a real client configures it. */
async function connect(url: string): Promise<{ client: Client; changed: () => Promise<void> }> {
  const client = new Client({ name: 'http-client', version: '1.0.0' });
  const waiters: (() => void)[] = [];
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    for (const resolve of waiters.splice(0)) resolve();
  });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
    }),
  );
  return { client, changed: () => new Promise<void>((resolve) => waiters.push(resolve)) };
}

/** Counts the gateway's live `onToolsChanged` listeners: one per open MCP server. */
function countListeners(gateway: Harness['gateway']): () => number {
  let live = 0;
  const subscribe = gateway.onToolsChanged.bind(gateway);
  gateway.onToolsChanged = (listener) => {
    live++;
    const dispose = subscribe(listener);
    return () => {
      live--;
      return dispose();
    };
  };
  return () => live;
}

describe('serveHttp', () => {
  it('serves two sessions, each told of a persona switch, each then seeing the new tools', async () => {
    harness = await startHarness(
      { fx: fixtureServer('tools'), changing: fixtureServer('changing') },
      { active: 'builder' },
    );
    http = await serveHttp(harness.gateway, { token: TOKEN });
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
    const { url, http, listeners } = await serve();
    // An initialize the SDK transport refuses (no text/event-stream in Accept) opens nothing.
    const notAcceptable = await raw(url, {
      headers: mcpHeaders({ accept: 'application/json' }),
      body: INITIALIZE,
    });
    expect(notAcceptable.status).toBe(406);
    expect([http.sessions(), listeners()]).toEqual([0, 0]);
    const noSession = await raw(url, { headers: mcpHeaders(), body: TOOLS_LIST });
    expect(noSession.status).toBe(400);
    expect(noSession.reason).toMatch(/first request must be initialize/);
    const other = await raw(new URL('/other', url), { method: 'GET', headers: mcpHeaders() });
    expect(other.status).toBe(404);
    expect(other.reason).toMatch(/the MCP endpoint is \/mcp/);
  });

  it('refuses a token that is too short to be safe', async () => {
    harness = await startHarness({});
    await expect(serveHttp(harness.gateway, { token: 'short' })).rejects.toThrow(
      /at least 16 characters/,
    );
  });
});

describe('serveHttp: who may call', () => {
  // Each refusal comes before any session exists: the initialize that would create one is refused.
  const refusals: {
    name: string;
    headers: (host: string) => Record<string, string>;
    status: number;
    reason: RegExp;
    challenge?: RegExp;
  }[] = [
    {
      name: 'a DNS-rebinding Host',
      headers: (host) => mcpHeaders({ host: `evil.example:${host.split(':')[1]}` }),
      status: 403,
      reason: /^Host "evil\.example:\d+" is not an address of this gateway/,
    },
    {
      name: 'a DNS-rebinding Host and Origin, as a rebound page sends them',
      headers: (host) => {
        const port = host.split(':')[1];
        return mcpHeaders({ host: `evil.example:${port}`, origin: `http://evil.example:${port}` });
      },
      status: 403,
      reason: /^Host "evil\.example:\d+"/,
    },
    {
      name: 'a foreign Origin on the right Host (a web page calling localhost)',
      headers: () => mcpHeaders({ origin: 'http://evil.example' }),
      status: 403,
      reason: /^Origin "http:\/\/evil\.example" is not allowed/,
    },
    {
      name: 'an Origin of another port of this machine',
      headers: () => mcpHeaders({ origin: 'http://localhost:1' }),
      status: 403,
      reason: /^Origin "http:\/\/localhost:1" is not allowed/,
    },
    {
      name: 'the opaque Origin "null" (a sandboxed frame, a file: page)',
      headers: () => mcpHeaders({ origin: 'null' }),
      status: 403,
      reason: /^Origin "null" is not allowed/,
    },
    {
      name: 'no token',
      headers: () => {
        const { authorization: _, ...rest } = mcpHeaders();
        return rest;
      },
      status: 401,
      reason: /^a token is required: send "Authorization: Bearer <token>"/,
      challenge: /^Bearer realm="tta mcp"$/,
    },
    {
      name: 'a wrong token',
      headers: () => mcpHeaders({ authorization: `Bearer ${TOKEN.replace('0', '1')}` }),
      status: 401,
      reason: /^the token is wrong$/,
      challenge: /error="invalid_token"/,
    },
    {
      name: 'a token in another scheme',
      headers: () => mcpHeaders({ authorization: `Basic ${TOKEN}` }),
      status: 401,
      reason: /^a token is required/,
      challenge: /^Bearer/,
    },
  ];
  it.each(refusals)('refuses $name', async ({ headers, status, reason, challenge }) => {
    const { url, host, http } = await serve();
    const answer = await raw(url, { headers: headers(host), body: INITIALIZE });
    expect(answer.status).toBe(status);
    expect(answer.reason).toMatch(reason);
    expect(answer.headers['mcp-session-id']).toBeUndefined();
    if (challenge !== undefined) expect(answer.headers['www-authenticate']).toMatch(challenge);
    expect(http.sessions()).toBe(0);
  });

  it('refuses a foreign Host, Origin or token on every method of an open session', async () => {
    const { url, http } = await serve();
    const id = await initialize(url);
    for (const method of ['POST', 'GET', 'DELETE']) {
      const body = method === 'POST' ? TOOLS_LIST : undefined;
      const evilHost = await raw(url, {
        method,
        headers: mcpHeaders({ 'mcp-session-id': id, host: 'evil.example' }),
        body,
      });
      expect([method, evilHost.status, evilHost.reason]).toEqual([
        method,
        403,
        expect.stringMatching(/^Host "evil\.example"/),
      ]);
      const evilOrigin = await raw(url, {
        method,
        headers: mcpHeaders({ 'mcp-session-id': id, origin: 'https://evil.example' }),
        body,
      });
      expect([method, evilOrigin.status, evilOrigin.reason]).toEqual([
        method,
        403,
        expect.stringMatching(/^Origin "https:\/\/evil\.example"/),
      ]);
      const noToken = await raw(url, {
        method,
        headers: { ...mcpHeaders({ 'mcp-session-id': id }), authorization: '' },
        body,
      });
      expect([method, noToken.status, noToken.reason]).toEqual([
        method,
        401,
        expect.stringMatching(/^a token is required/),
      ]);
    }
    // None of them reached the session: it is still there and answers.
    expect(http.sessions()).toBe(1);
    const list = await raw(url, {
      headers: mcpHeaders({ 'mcp-session-id': id }),
      body: TOOLS_LIST,
    });
    expect(list.status).toBe(200);
    expect(list.text).toContain('persona_switch');
  });

  it('answers its own hosts and origins, and the ones it is told to allow, with CORS', async () => {
    const { url, http } = await serve({
      allowedHosts: ['Gateway.Test'],
      allowedOrigins: ['https://app.example/'],
    });
    const port = url.port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'gateway.test'])
      await initialize(url, { host });
    for (const origin of [`http://localhost:${port}`, `http://127.0.0.1:${port}`])
      await initialize(url, { origin });
    expect(http.sessions()).toBe(6);

    const fromApp = await raw(url, {
      headers: mcpHeaders({ origin: 'https://app.example' }),
      body: INITIALIZE,
    });
    expect(fromApp.status).toBe(200);
    expect(fromApp.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(fromApp.headers['access-control-expose-headers']).toContain('mcp-session-id');
    // A browser's preflight carries no token: it is answered on Host and Origin alone.
    const preflight = await raw(url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, mcp-session-id',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    expect(preflight.headers['access-control-allow-methods']).toContain('DELETE');
    const foreignPreflight = await raw(url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(foreignPreflight.status).toBe(403);
    expect(foreignPreflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('serveHttp: sessions end', () => {
  it('closes a session on DELETE: its id then 404s and the gateway stops notifying it', async () => {
    const { url, http, listeners } = await serve();
    const { client } = await connect(http.url);
    const id = await initialize(url);
    expect([http.sessions(), listeners()]).toEqual([2, 2]);

    const deleted = await raw(url, {
      method: 'DELETE',
      headers: mcpHeaders({ 'mcp-session-id': id }),
    });
    expect(deleted.status).toBe(200);
    expect([http.sessions(), listeners()]).toEqual([1, 1]);
    const after = await raw(url, {
      headers: mcpHeaders({ 'mcp-session-id': id }),
      body: TOOLS_LIST,
    });
    expect(after.status).toBe(404);
    expect(after.reason).toMatch(/^unknown or closed session: initialize a new one/);
    // The SDK client ends its session with DELETE too.
    const transport = client.transport as StreamableHTTPClientTransport;
    await transport.terminateSession();
    expect([http.sessions(), listeners()]).toEqual([0, 0]);
    await client.close();
  });

  it('closes sessions idle for sessionIdleMs; a request in flight or an open GET stream is activity', async () => {
    // The sessions' clock: moved by hand, or by more than the idle limit at every reading.
    let clock = 1_000_000;
    let step = 0;
    const idleMs = 1000;
    const { url, http, listeners, nextLog } = await serve(
      { sessionIdleMs: idleMs, now: () => (clock += step) },
      { fx: fixtureServer('hang') },
    );
    const idle = await initialize(url);
    const streaming = await initialize(url);
    const calling = await initialize(url);
    const open = new AbortController();
    const get = await fetch(url, {
      headers: mcpHeaders({ 'mcp-session-id': streaming, accept: 'text/event-stream' }),
      signal: open.signal,
    });
    expect(get.status).toBe(200);
    const hanging = await fetch(url, {
      method: 'POST',
      headers: mcpHeaders({ 'mcp-session-id': calling }),
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'fx__hang', arguments: {} },
      }),
      signal: open.signal,
    });
    expect(hanging.status).toBe(200);

    clock += idleMs - 1;
    const stillThere = await raw(url, {
      headers: mcpHeaders({ 'mcp-session-id': idle }),
      body: TOOLS_LIST,
    });
    expect(stillThere.status).toBe(200); // and that request was activity: its clock starts again
    clock += idleMs - 1;
    expect(http.sessions()).toBe(3);

    clock += 2;
    // Every request sweeps first: the idle session is gone, the busy ones are not.
    const expired = await raw(url, {
      headers: mcpHeaders({ 'mcp-session-id': idle }),
      body: TOOLS_LIST,
    });
    expect(expired.status).toBe(404);
    expect(expired.reason).toMatch(/^unknown or closed session/);
    expect([http.sessions(), listeners()]).toEqual([2, 2]);

    // Once the stream and the call end, the others expire too, with no request to sweep.
    const closed = Promise.all([
      nextLog(new RegExp(`session ${streaming} closed: idle`)),
      nextLog(new RegExp(`session ${calling} closed: idle`)),
    ]);
    step = idleMs + 1;
    open.abort();
    await closed;
    expect([http.sessions(), listeners()]).toEqual([0, 0]);
  });

  it('holds at most maxSessions: a new one closes the least recently used idle one, or gets 503', async () => {
    let clock = 0;
    const { url, http, listeners, logged } = await serve({ maxSessions: 2, now: () => ++clock });
    const first = await initialize(url);
    const second = await initialize(url);
    const use = (id: string) =>
      raw(url, { headers: mcpHeaders({ 'mcp-session-id': id }), body: TOOLS_LIST });
    expect((await use(first)).status).toBe(200); // now the second is the least recently used
    const third = await initialize(url);
    expect([http.sessions(), listeners()]).toEqual([2, 2]);
    expect((await use(second)).status).toBe(404);
    expect(logged).toContainEqual(
      expect.stringMatching(`session ${second} closed: the least recently used of 2 sessions`),
    );

    // With every session busy (a GET stream open on each), a new one is refused.
    const streams = new AbortController();
    for (const id of [first, third]) {
      const get = await fetch(url, {
        headers: mcpHeaders({ 'mcp-session-id': id, accept: 'text/event-stream' }),
        signal: streams.signal,
      });
      expect(get.status).toBe(200);
    }
    const refused = await raw(url, { headers: mcpHeaders(), body: INITIALIZE });
    expect(refused.status).toBe(503);
    expect(refused.reason).toMatch(/^2 sessions are live and busy: close one \(DELETE\)/);
    expect(refused.headers['retry-after']).toBe('5');
    expect([http.sessions(), listeners()]).toEqual([2, 2]);
    streams.abort();
  });
});
