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
import { keepClientsAlive } from '../../http/keepClientsAlive.js';
import { tokenProblem } from '../../runServer/access.js';
import { createGatewayServer } from './createGatewayServer.js';
import type { GatewayLog } from './GatewayLog.js';
import {
  checkBearerToken,
  checkHostAndOrigin,
  corsHeaders,
  type HttpAccess,
  type HttpRefusal,
  ownHosts,
} from './HttpAccess.js';
import type { PersonaGateway } from './PersonaGateway.js';

/** How long an HTTP session may stay idle before it is closed: 30 minutes. */
export const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;
/** How many HTTP sessions may be live at once. */
export const DEFAULT_MAX_SESSIONS = 100;

export interface ServeHttpOptions {
  /** The bearer token every request must carry (16+ visible ASCII characters). Required. */
  token: string;
  /** Default: 0 (any free port; read it from the result). */
  port?: number;
  /** Default: 127.0.0.1 — loopback only. */
  host?: string;
  /** Path of the MCP endpoint. Default: `/mcp`. */
  path?: string;
  /**
   * More `Host` header values to accept, as clients send them (`name:port`, or the name alone
   * behind a proxy on the default port). Always accepted: `127.0.0.1`, `localhost`, `[::1]` and
   * the bound address, each with the port.
   */
  allowedHosts?: readonly string[];
  /**
   * More `Origin` values to accept (`https://app.example`). Always accepted: `http://` and each
   * of the own hosts. A request without `Origin` (not from a browser) is not affected.
   */
  allowedOrigins?: readonly string[];
  /**
   * Milliseconds a session may stay idle — no request in flight, no open GET stream — before
   * it is closed. Default: {@link DEFAULT_SESSION_IDLE_MS}.
   */
  sessionIdleMs?: number;
  /**
   * Most live sessions. A new session beyond it closes the least recently used idle one; when
   * none is idle it is refused with 503. Default: {@link DEFAULT_MAX_SESSIONS}.
   */
  maxSessions?: number;
  /** The clock sessions are timed with (tests give their own). Default: `Date.now`. */
  now?: () => number;
  log?: GatewayLog;
}

export interface HttpGateway {
  readonly url: string;
  /** Live sessions. */
  readonly sessions: () => number;
  readonly close: () => Promise<void>;
}

interface Session {
  readonly transport: StreamableHTTPServerTransport;
  /** Requests in flight and open GET streams. */
  busy: number;
  lastActive: number;
}

const MAX_BODY = 4 * 1024 * 1024;

/**
 * Serves the gateway over Streamable HTTP with one MCP server per session, so that each
 * session gets its own `tools/list_changed` notifications. Every request must name a `Host`
 * of this gateway, come from an allowed `Origin` if it has one, and carry the bearer token.
 * Idle sessions are closed; `DELETE` closes one at once.
 */
export async function serveHttp(
  gateway: PersonaGateway,
  options: ServeHttpOptions,
): Promise<HttpGateway> {
  const problem = tokenProblem(options.token);
  if (problem !== undefined) throw new TypeError(`gateway HTTP token: ${problem}`);
  const path = options.path ?? '/mcp';
  const log = options.log ?? (() => undefined);
  const now = options.now ?? Date.now;
  const idleMs = options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const sessions = new Map<string, Session>();
  let opening = 0;

  // Listening first: the allowed hosts name the port.
  const server: HttpServer = keepClientsAlive(createServer());
  const bound = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bound, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const hosts = ownHosts(bound, port);
  const access: HttpAccess = {
    token: options.token,
    hosts: [...hosts, ...(options.allowedHosts ?? [])].map((h) => h.toLowerCase()),
    origins: [
      ...hosts.map((h) => `http://${h}`),
      ...(options.allowedOrigins ?? []).map((o) => o.replace(/\/$/, '')),
    ].map((o) => o.toLowerCase()),
  };

  const closeSession = (id: string, why: string) => {
    const session = sessions.get(id);
    if (session === undefined) return;
    sessions.delete(id);
    log('info', `HTTP session ${id} closed: ${why} (${sessions.size} live)`);
    // Closing the transport closes its MCP server, which stops listening to the gateway.
    void session.transport.close();
  };

  const sweep = () => {
    const cutoff = now() - idleMs;
    for (const [id, session] of sessions)
      if (session.busy === 0 && session.lastActive <= cutoff)
        closeSession(id, `idle for ${idleMs} ms`);
  };

  /** Room for one more session: evicts the least recently used idle one if needed. */
  const makeRoom = (): boolean => {
    if (sessions.size + opening < maxSessions) return true;
    let oldest: [string, Session] | undefined;
    for (const entry of sessions)
      if (
        entry[1].busy === 0 &&
        (oldest === undefined || entry[1].lastActive < oldest[1].lastActive)
      )
        oldest = entry;
    if (oldest === undefined) return false;
    closeSession(oldest[0], `the least recently used of ${maxSessions} sessions`);
    return true;
  };

  /** Counts the request as activity of the session until its response ends. */
  const track = (session: Session, res: ServerResponse) => {
    session.busy++;
    session.lastActive = now();
    res.once('close', () => {
      session.busy--;
      session.lastActive = now();
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const misplaced = checkHostAndOrigin(req, access);
    if (misplaced !== undefined) return refuse(res, misplaced);
    for (const [name, value] of Object.entries(corsHeaders(req))) res.setHeader(name, value);
    // A CORS preflight carries no credentials.
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const unauthorized = checkBearerToken(req, access.token);
    if (unauthorized !== undefined) return refuse(res, unauthorized);
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== path)
      return reply(res, 404, `not found: the MCP endpoint is ${path}`);
    sweep();
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (sessionId !== undefined && existing === undefined)
      return reply(res, 404, 'unknown or closed session: initialize a new one');
    if (existing !== undefined) track(existing, res);
    if (req.method === 'POST') {
      const body = await readJson(req);
      if (body === undefined) return reply(res, 400, 'request body is not JSON');
      if (existing !== undefined) return existing.transport.handleRequest(req, res, body);
      if (!isInitializeRequest(body))
        return reply(res, 400, 'no session: the first request must be initialize');
      if (!makeRoom())
        return reply(
          res,
          503,
          `${maxSessions} sessions are live and busy: close one (DELETE) or try again later`,
          { 'retry-after': '5' },
        );
      return open(req, res, body);
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (existing === undefined) return reply(res, 400, 'missing mcp-session-id header');
      return existing.transport.handleRequest(req, res);
    }
    return reply(res, 405, 'method not allowed: use POST, GET or DELETE', {
      allow: 'GET, POST, DELETE',
    });
  };

  const open = async (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, session);
        log('info', `HTTP session ${id} opened (${sessions.size} live)`);
      },
      // The checks above ran already; the SDK's own are a second line with the same lists.
      enableDnsRebindingProtection: true,
      allowedHosts: [...access.hosts],
      allowedOrigins: [...access.origins],
    });
    const session: Session = { transport, busy: 0, lastActive: now() };
    transport.onclose = () => {
      if (transport.sessionId !== undefined && sessions.get(transport.sessionId) === session)
        sessions.delete(transport.sessionId);
    };
    track(session, res);
    opening++;
    try {
      await createGatewayServer(gateway).connect(transport);
      await transport.handleRequest(req, res, body);
    } finally {
      opening--;
      // An initialize the transport refused opened no session: drop its server's listener too.
      if (transport.sessionId === undefined) void transport.close();
    }
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      log('error', `HTTP request failed: ${(error as Error).message}`);
      if (!res.headersSent) reply(res, 500, 'internal error');
    });
  });
  const sweeper = setInterval(sweep, Math.min(idleMs, 60_000));
  sweeper.unref();
  // A wildcard address is reached, and named in the Host header, as loopback.
  const reached = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
  const host = reached.includes(':') ? `[${reached}]` : reached;
  return {
    url: `http://${host}:${port}${path}`,
    sessions: () => sessions.size,
    close: async () => {
      clearInterval(sweeper);
      const live = [...sessions.values()];
      sessions.clear();
      await Promise.all(live.map((s) => s.transport.close()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function refuse(res: ServerResponse, refusal: HttpRefusal): void {
  reply(res, refusal.status, refusal.message, refusal.headers);
}

function reply(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
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
