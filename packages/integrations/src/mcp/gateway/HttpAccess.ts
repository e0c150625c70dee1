import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { bearerTokenOf, sameToken } from '../../runServer/access.js';

/** Who may talk to the gateway's HTTP endpoint. */
export interface HttpAccess {
  /** The bearer token every request must carry. */
  readonly token: string;
  /** `Host` header values accepted (`name:port`, lower case). */
  readonly hosts: readonly string[];
  /** `Origin` header values accepted, when a request has one (`scheme://name:port`). */
  readonly origins: readonly string[];
}

/** Why a request is refused: its status, the reason, and headers to send. */
export interface HttpRefusal {
  readonly status: 401 | 403;
  readonly message: string;
  readonly headers: Record<string, string>;
}

/**
 * The `Host` values of the gateway's own address: `127.0.0.1`, `localhost` and `[::1]` with its
 * port, and the address it is bound to when that is one address (not `0.0.0.0` or `::`).
 */
export function ownHosts(bound: string, port: number): string[] {
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  const name = isIP(bound) === 6 ? `[${bound}]` : bound;
  if (bound !== '0.0.0.0' && bound !== '::' && !names.includes(name)) names.push(name);
  // Port 80 is left out of the header by clients.
  return names.flatMap((n) => (port === 80 ? [`${n}:80`, n] : [`${n}:${port}`]));
}

/**
 * Checks that a request is meant for this gateway: a `Host` it answers to (a DNS-rebinding page
 * sends its own name) and an `Origin`, if any, that is allowed (a web page's fetch sends one).
 */
export function checkHostAndOrigin(
  req: IncomingMessage,
  access: HttpAccess,
): HttpRefusal | undefined {
  const host = req.headers.host ?? '';
  if (!access.hosts.includes(host.toLowerCase()))
    return forbidden(
      `Host "${host}" is not an address of this gateway (allowed: ${access.hosts.join(', ')}); add it with --allow-host if you mean it`,
    );
  const origin = req.headers.origin;
  if (origin !== undefined && !access.origins.includes(origin.toLowerCase()))
    return forbidden(
      `Origin "${origin}" is not allowed (allowed: ${access.origins.join(', ')}); add it with --allow-origin if you trust that site`,
    );
  return undefined;
}

/** Checks the request's `Authorization: Bearer <token>`, compared in constant time. */
export function checkBearerToken(req: IncomingMessage, token: string): HttpRefusal | undefined {
  const given = bearerTokenOf(req);
  if (given === undefined)
    return unauthorized(
      'a token is required: send "Authorization: Bearer <token>" (tta mcp serve prints where the token is kept)',
      'Bearer realm="tta mcp"',
    );
  if (!sameToken(given, token))
    return unauthorized('the token is wrong', 'Bearer realm="tta mcp", error="invalid_token"');
  return undefined;
}

/** CORS headers for an allowed `Origin`: a browser client at that origin may read the answers. */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (origin === undefined) return {};
  return {
    'access-control-allow-origin': origin,
    vary: 'Origin',
    'access-control-expose-headers': 'mcp-session-id, mcp-protocol-version, www-authenticate',
    ...(req.method === 'OPTIONS'
      ? {
          'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
          'access-control-allow-headers':
            'authorization, content-type, accept, mcp-session-id, mcp-protocol-version, last-event-id',
          'access-control-max-age': '600',
        }
      : {}),
  };
}

const forbidden = (message: string): HttpRefusal => ({ status: 403, message, headers: {} });
const unauthorized = (message: string, challenge: string): HttpRefusal => ({
  status: 401,
  message,
  headers: { 'www-authenticate': challenge },
});
