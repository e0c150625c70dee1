import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cskSnakeCase } from './_text.js';
import type { EmulatedLogseq } from './EmulatedLogseq.js';

export interface ServeLogseqApiOptions {
  /**
   * The API panel's authorization tokens (`:server/tokens`). Default: never set, so no token is
   * checked — but a request without an `Authorization` header is refused all the same (see below).
   */
  tokens?: string[];
}

export interface ServedLogseqApi {
  url: string;
  /** Every `POST /api` that passed authorization: the method and args as sent. */
  calls: { method: string; args: unknown[] }[];
  close(): Promise<void>;
}

/**
 * Logseq's HTTP API server (`src/electron/electron/server.cljs`, Fastify, at tags 0.10.15 and
 * 2.0.1) in front of an emulated Logseq, with its renderer side (`src/main/electron/listener.cljs`
 * "invokeLogseqAPI").
 */
export async function serveLogseqApi(
  host: EmulatedLogseq,
  options: ServeLogseqApiOptions = {},
): Promise<ServedLogseqApi> {
  const calls: ServedLogseqApi['calls'] = [];
  const server = createServer((req, res) => {
    handle(host, options, calls, req, res).catch((error: unknown) => {
      send(res, 500, { statusCode: 500, error: 'Internal Server Error', message: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What Fastify's `reply.send` writes: a string as text/plain, anything else as JSON. */
function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string';
  res.writeHead(status, {
    'content-type': text ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
  });
  res.end(text ? body : JSON.stringify(body ?? null));
}

const fastifyError = (statusCode: number, error: string, message: string) => ({
  statusCode,
  error,
  message,
});

async function handle(
  host: EmulatedLogseq,
  options: ServeLogseqApiOptions,
  calls: ServedLogseqApi['calls'],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.url === '/' && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><body>Logseq API server</body></html>');
    return;
  }
  // server.cljs api-pre-handler! / validate-auth-token (0.10.15 :74-92, 2.0.1 :83-101):
  // `(string/replace token "Bearer " "")` on a missing header throws a TypeError, answered 401
  // like a wrong token, whether or not tokens are set.
  const header = req.headers.authorization;
  if (header === undefined)
    return send(
      res,
      401,
      fastifyError(401, 'Unauthorized', "Cannot read properties of undefined (reading 'replace')"),
    );
  const token = header.replaceAll('Bearer ', '');
  if (options.tokens !== undefined && (token.trim() === '' || !options.tokens.includes(token)))
    return send(res, 401, fastifyError(401, 'Unauthorized', 'Access Denied!'));
  if (req.method !== 'POST' || req.url !== '/api')
    return send(
      res,
      404,
      fastifyError(404, 'Not Found', `Route ${req.method}:${req.url} not found`),
    );
  let text = '';
  for await (const chunk of req) text += chunk;
  // Fastify's JSON body parser.
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json'))
    return send(
      res,
      415,
      fastifyError(415, 'Unsupported Media Type', `Unsupported Media Type: ${type}`),
    );
  if (text === '')
    return send(
      res,
      400,
      fastifyError(
        400,
        'Bad Request',
        "Body cannot be empty when content-type is set to 'application/json'",
      ),
    );
  let body: { method?: unknown; args?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return send(
      res,
      400,
      fastifyError(
        400,
        'Bad Request',
        "Body is not valid JSON but content-type is set to 'application/json'",
      ),
    );
  }
  const method = resolveMethod(host.version, body?.method);
  if (method === undefined)
    return send(res, 400, fastifyError(400, 'Bad Request', ':method of body is missing!'));
  const args = Array.isArray(body.args) ? (body.args as unknown[]) : [];
  calls.push({ method: String(body.method), args });
  const answer = await invoke(host, method, args);
  // 2.0.1 server.cljs:122: an answer with an :error is a 500; 0.10.15 sends it as is (200).
  const failed = typeof answer === 'object' && answer !== null && 'error' in answer && answer.error;
  return send(res, failed && host.version === '2.0.1' ? 500 : 200, answer);
}

/** `resolve-real-api-method` (0.10.15 server.cljs:62, 2.0.1 server.cljs:73). */
export function resolveMethod(
  version: EmulatedLogseq['version'],
  sent: unknown,
): string | undefined {
  if (typeof sent !== 'string' || sent.trim() === '') return undefined;
  if (!sent.startsWith('logseq.')) return sent.trim();
  const parts = sent.trim().split('.');
  const tag = parts[1] ?? '';
  const last = parts.at(-1) ?? '';
  if (version === '0.10.15') {
    // `ui`, `git`, `assets` keep their prefix: logseq.UI.showMsg → ui_show_msg.
    const prefix = ['ui', 'git', 'assets'].includes(tag.toLowerCase()) ? `${tag}_` : '';
    return cskSnakeCase(`${prefix}${last}`);
  }
  // logseq.Editor.getPage → editor@get_page (csk keeps the "@").
  return `${tag.toLowerCase()}@${cskSnakeCase(last)}`;
}

/** The renderer's "invokeLogseqAPI" (0.10.15 listener.cljs:171, 2.0.1 listener.cljs:104). */
async function invoke(host: EmulatedLogseq, method: string, args: unknown[]): Promise<unknown> {
  let target = 'api';
  let name = method;
  if (host.version === '2.0.1') {
    const parts = method.split('@');
    const ns = parts[0] ?? '';
    name = parts.at(-1) ?? '';
    if (!['app', 'editor', 'db', 'cli'].includes(ns)) {
      if (!['ui', 'assets', 'utils', 'experiments', 'debug', 'core'].includes(ns))
        return { error: `MethodNotExist: ${method}` };
      target = ns;
    }
  }
  const pending = host.invokeExported(target, name, args);
  if (pending === undefined)
    return host.version === '0.10.15'
      ? { error: `MethodNotExist: ${method}` }
      : // js-invoke of a missing function on an existing namespace object.
        { error: "Cannot read properties of undefined (reading 'apply')" };
  try {
    return await pending;
  } catch (error) {
    // 0.10.15 catches a synchronous throw's message (listener.cljs:186; the emulated methods
    // throw synchronously, as the 0.10.15 ones we emulate do); 2.0.1 the rejection's message.
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
