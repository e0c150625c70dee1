import { excerpt, jsonOf } from '../http/answerBody.js';
import { requestService } from '../http/requestService.js';
import { isServiceError } from '../http/ServiceError.js';
import { LogseqError } from './LogseqError.js';

export const DEFAULT_LOGSEQ_API_URL = 'http://127.0.0.1:12315';

export interface LogseqApiOptions {
  /** Default: `LOGSEQ_API_URL`, else http://127.0.0.1:12315. */
  url?: string;
  /** Default: `LOGSEQ_API_TOKEN`. One of the tokens in Logseq's API panel → Authorization tokens. */
  token?: string;
  /** Per call. Default 10 s. */
  timeoutMs?: number;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * A client of Logseq's local HTTP API server (the desktop app's "HTTP APIs server"): each call
 * is `POST /api` with `{ method, args }` and the token as `Authorization: Bearer`. Methods are
 * named as plugins call them (`logseq.Editor.getPage`): the server maps them to its internal
 * names itself, which differ between the file-based Logseq (`get_page`) and the DB-based one
 * (`editor@get_page`).
 *
 * Failures are `LogseqError`s: `unreachable` (no server), `unauthorized` (401: no or a wrong
 * token), `method` (no such method in this Logseq), `failed` (anything else it refused).
 */
export class LogseqApi {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: LogseqApiOptions = {}) {
    const env = options.env ?? process.env;
    this.url = options.url || env.LOGSEQ_API_URL || DEFAULT_LOGSEQ_API_URL;
    this.token = options.token || env.LOGSEQ_API_TOKEN || undefined;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    let answer: Awaited<ReturnType<typeof requestService>>;
    try {
      answer = await requestService({
        service: 'Logseq',
        baseUrl: this.url,
        path: 'api',
        method: 'POST',
        json: { method, args },
        // Logseq refuses a request without the header even when it has no tokens set (its
        // server.cljs `validate-auth-token` reads it unchecked); any token passes then.
        headers: { authorization: `Bearer ${this.token ?? 'tta'}` },
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      if (!isServiceError(error)) throw error;
      throw new LogseqError(
        'unreachable',
        `${error.message}. Is Logseq running with its API server started (Settings → Features → HTTP APIs server, then the API button → Start server)? Set LOGSEQ_API_URL if it listens elsewhere.`,
        { cause: error },
      );
    }
    const body = answer.body.trim() === '' ? null : jsonOf(answer.body);
    if (answer.status === 401)
      throw new LogseqError(
        'unauthorized',
        this.token === undefined
          ? `Logseq's API server at ${this.url} wants a token: set LOGSEQ_API_TOKEN to one from its API panel → Authorization tokens`
          : `Logseq's API server at ${this.url} refused the token (401 ${messageOf(body) ?? excerpt(answer.body)}): check LOGSEQ_API_TOKEN against its API panel → Authorization tokens`,
      );
    const error = errorOf(body);
    // 0.10 answers `MethodNotExist`; 2.x, for a method missing from a namespace it has, the
    // TypeError of calling it (electron/listener.cljs "invokeLogseqAPI": `js-invoke`).
    if (error !== undefined && /MethodNotExist|reading 'apply'/i.test(error))
      throw new LogseqError(
        'method',
        `Logseq at ${this.url} has no API method ${method} (${error}): this Logseq version does not offer it`,
      );
    if (error !== undefined || answer.status >= 400)
      throw new LogseqError(
        'failed',
        `Logseq at ${this.url} refused ${method}: ${error ?? `HTTP ${answer.status} ${excerpt(answer.body)}`}`,
      );
    // A text result (`getEditingBlockContent`) comes as text/plain.
    if (body === undefined && /^text\/plain/i.test(answer.contentType)) return answer.body as T;
    if (body === undefined)
      throw new LogseqError(
        'failed',
        `Logseq at ${this.url} answered ${method} with something other than JSON: ${excerpt(answer.body)}`,
      );
    return body as T;
  }
}

/** The `error` of an answer (`{ error }` from the renderer, or a Fastify error body). */
function errorOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { error, message, statusCode } = body as Record<string, unknown>;
  if (typeof statusCode === 'number' && statusCode >= 400)
    return typeof message === 'string' ? message : String(error);
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'string') return error;
  return messageOf(error) ?? JSON.stringify(error);
}

function messageOf(value: unknown): string | undefined {
  return typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
    ? (value as { message: string }).message
    : undefined;
}
