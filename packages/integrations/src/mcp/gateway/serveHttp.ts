import { randomUUID } from 'node:crypto';
import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { createGatewayServer } from './createGatewayServer.js';
import type { GatewayLog } from './GatewayLog.js';
import type { PersonaGateway } from './PersonaGateway.js';

export interface ServeHttpOptions {
  /** Default: 0 (any free port; read it from the result). */
  port?: number;
  /** Default: 127.0.0.1 — loopback only. */
  host?: string;
  /** Path of the MCP endpoint. Default: `/mcp`. */
  path?: string;
  log?: GatewayLog;
}

export interface HttpGateway {
  readonly url: string;
  /** Live sessions. */
  readonly sessions: () => number;
  readonly close: () => Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;

/**
 * Serves the gateway over Streamable HTTP with one MCP server per session, so that each
 * session gets its own `tools/list_changed` notifications.
 */
export async function serveHttp(
  gateway: PersonaGateway,
  options: ServeHttpOptions = {},
): Promise<HttpGateway> {
  const path = options.path ?? '/mcp';
  const log = options.log ?? (() => undefined);
  const transports = new Map<string, StreamableHTTPServerTransport>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== path)
      return reply(res, 404, `not found: the MCP endpoint is ${path}`);
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (req.method === 'POST') {
      const body = await readJson(req);
      if (body === undefined) return reply(res, 400, 'request body is not JSON');
      if (existing !== undefined) return existing.handleRequest(req, res, body);
      if (sessionId !== undefined) return reply(res, 404, 'unknown session: initialize again');
      if (!isInitializeRequest(body))
        return reply(res, 400, 'no session: the first request must be initialize');
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          transports.set(id, transport);
          log('info', `HTTP session ${id} opened (${transports.size} live)`);
        },
      });
      transport.onclose = () => {
        if (transport.sessionId !== undefined) transports.delete(transport.sessionId);
      };
      await createGatewayServer(gateway).connect(transport);
      return transport.handleRequest(req, res, body);
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (existing === undefined) return reply(res, 400, 'missing or unknown mcp-session-id');
      return existing.handleRequest(req, res);
    }
    return reply(res, 405, 'method not allowed');
  };

  const server: HttpServer = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log('error', `HTTP request failed: ${(error as Error).message}`);
      if (!res.headersSent) reply(res, 500, 'internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}${path}`,
    sessions: () => transports.size,
    close: async () => {
      await Promise.all([...transports.values()].map((t) => t.close()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
