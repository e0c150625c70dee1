import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Downstream } from './Downstream.js';

let http: Server | undefined;
let downstream: Downstream | undefined;
afterEach(async () => {
  await downstream?.stop();
  await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
  http = downstream = undefined;
});

/** A real Streamable HTTP MCP server (stateless) that answers only with the right bearer token. */
async function startHttpServer(token: string): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  http = createServer(async (req, res) => {
    seen.push(String(req.headers.authorization));
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401).end('unauthorized');
      return;
    }
    const server = new McpServer({ name: 'http-fixture', version: '1.0.0' });
    server.registerTool(
      'shout',
      { description: 'Upper-cases', inputSchema: { text: z.string() } },
      ({ text }) => ({
        content: [{ type: 'text', text: text.toUpperCase() }],
      }),
    );
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => void transport.close());
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`, seen };
}

describe('Downstream over Streamable HTTP', () => {
  it('connects with the configured headers, lists and calls tools', async () => {
    const { url, seen } = await startHttpServer('s3cret');
    downstream = new Downstream(
      'remote',
      { transport: 'http', url, headers: { Authorization: 'Bearer s3cret' } },
      {
        env: {},
        log: () => undefined,
        onToolsChanged: () => undefined,
      },
    );
    await downstream.start();
    expect(downstream.state).toBe('ready');
    expect(downstream.tools.map((t) => t.name)).toEqual(['shout']);
    const result = await downstream.call('shout', { text: 'hi' }, 5_000);
    expect(result.content).toEqual([{ type: 'text', text: 'HI' }]);
    expect(seen.every((h) => h === 'Bearer s3cret')).toBe(true);
  });

  it('reports a refused connection as failed, with the reason, without throwing', async () => {
    const { url } = await startHttpServer('s3cret');
    const logs: string[] = [];
    downstream = new Downstream(
      'remote',
      { transport: 'http', url, headers: { Authorization: 'Bearer wrong' } },
      {
        env: {},
        log: (_level, message) => logs.push(message),
        onToolsChanged: () => undefined,
        restartDelayMs: 20_000,
      },
    );
    await downstream.start();
    expect(downstream.state).toBe('failed');
    expect(downstream.lastError).toBeTruthy();
    expect(logs.join('\n')).toMatch(/server "remote" failed: [\s\S]*retrying in 20000 ms/);
    await expect(downstream.call('shout', { text: 'x' }, 1_000)).rejects.toThrow(/not running/);
  });
});
