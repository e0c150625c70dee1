import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { HttpError } from './HttpError.js';

/** True for an address or name that only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || /^::ffff:127\./.test(name);
  return false;
}

/** A token is visible ASCII (it travels in a header) and long enough not to be guessed. */
export function tokenProblem(token: string): string | undefined {
  if (token.length < 16) return 'a token is at least 16 characters long';
  if (!/^[\x21-\x7e]+$/.test(token))
    return 'a token is visible ASCII only (no spaces or control characters)';
  return undefined;
}

/** The token of an `Authorization: Bearer <token>` header, if the request has one. */
export function bearerTokenOf(req: IncomingMessage): string | undefined {
  return req.headers.authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
}

/** Compares a given token with the expected one in constant time. */
export function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks the request's bearer token: `Authorization: Bearer <token>`, or `?token=` for clients
 * that cannot set headers (a browser's `EventSource`). Compared in constant time.
 */
export function checkToken(req: IncomingMessage, url: URL, token: string): void {
  const given = bearerTokenOf(req) ?? url.searchParams.get('token');
  const challenge = { 'www-authenticate': 'Bearer realm="tta"' };
  if (given === null)
    throw new HttpError(
      401,
      'a token is required: send "Authorization: Bearer <token>" (tta serve prints where the token is)',
      {},
      challenge,
    );
  if (!sameToken(given, token)) throw new HttpError(401, 'the token is wrong', {}, challenge);
}

/**
 * Without a token the server must not be readable from web pages: no CORS, and a `Host` that
 * names this machine (a DNS-rebinding page would send its own name).
 */
export function checkLoopbackHostHeader(req: IncomingMessage): void {
  const host = req.headers.host ?? '';
  const name = host.replace(/:\d+$/, '');
  if (!isLoopbackHost(name))
    throw new HttpError(403, `Host "${host}" is not this machine: use 127.0.0.1 or localhost`);
}

/** What a browser needs to let any origin (Logseq's plugin iframe) call a token-protected server. */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    ...(req.method === 'OPTIONS'
      ? {
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': 'authorization, content-type, last-event-id',
          'access-control-max-age': '600',
          // Chrome's Private Network Access asks before a page calls a loopback server.
          ...(req.headers['access-control-request-private-network'] === 'true'
            ? { 'access-control-allow-private-network': 'true' }
            : {}),
        }
      : {}),
  };
}
