import { ServiceError } from './ServiceError.js';

export interface ServiceRequest {
  /** Who answers, for messages: "Prometheus". */
  readonly service: string;
  /** The service's base URL (credentials in it become a Basic authorization). */
  readonly baseUrl: string;
  /** Path under the base URL, e.g. "api/v1/query". */
  readonly path: string;
  /** Query parameters (GET), or the form a POST without `json` sends (no URL length limit). */
  readonly params?: URLSearchParams;
  readonly method?: 'GET' | 'POST' | 'PATCH';
  /** A JSON body (then `params` go in the URL). */
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface ServiceAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * One HTTP request to a service, with a time limit: an unreachable service, a timeout or an
 * invalid URL is a `ServiceError` naming the service and its URL (without credentials). Any
 * answer, error statuses too, is returned for the caller to read the service's own error.
 */
export async function requestService(request: ServiceRequest): Promise<ServiceAnswer> {
  const { url, authorization } = serviceUrl(request.service, request.baseUrl, request.path);
  const shown = url.href;
  const method = request.method ?? 'GET';
  const form = method !== 'GET' && request.json === undefined;
  if (!form && request.params) url.search = request.params.toString();
  const body = form
    ? {
        'content-type': 'application/x-www-form-urlencoded',
        body: request.params?.toString() ?? '',
      }
    : request.json !== undefined
      ? { 'content-type': 'application/json', body: JSON.stringify(request.json) }
      : undefined;
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  try {
    const response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(authorization ? { authorization } : {}),
        ...request.headers,
        ...(body ? { 'content-type': body['content-type'] } : {}),
      },
      ...(body ? { body: body.body } : {}),
      signal,
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: await response.text(),
    };
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    if (timeout.aborted)
      throw new ServiceError(
        request.service,
        `${request.service} at ${shown} did not answer within ${request.timeoutMs} ms`,
        {},
        { cause: error },
      );
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new ServiceError(
      request.service,
      `${request.service} at ${shown} is unreachable: ${cause ?? (error as Error).message}`,
      {},
      { cause: error },
    );
  }
}

/** The request URL, with credentials moved out of it (fetch refuses URLs that carry them). */
function serviceUrl(
  service: string,
  baseUrl: string,
  path: string,
): { url: URL; authorization?: string } {
  let base: URL;
  try {
    base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    throw new ServiceError(service, `${service} URL "${baseUrl}" is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new ServiceError(service, `${service} URL "${baseUrl}" is not an http(s) URL`);
  const url = new URL(path, base);
  if (url.username === '' && url.password === '') return { url };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}
