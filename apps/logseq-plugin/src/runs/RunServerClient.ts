import type { JsonValue, RunEvent, RunSummary } from '@tta-dev/workflows';
import { SseParser } from './SseParser.js';

export interface RunServerOptions {
  /** `http://127.0.0.1:4319`. */
  baseUrl: string;
  /** The server's bearer token; empty when it runs without one. */
  token?: string;
  fetch?: typeof fetch;
}

export interface NoteInput {
  kind: 'decision' | 'learning';
  text: string;
  stage?: string;
  by?: string;
}

export interface CompleteInput {
  output?: JsonValue;
  note?: string;
  by?: string;
}

/** What the run server answered when it refused, or why it could not be asked. */
export class RunServerError extends Error {
  override readonly name = 'RunServerError';

  constructor(
    message: string,
    /** The HTTP status; 0 when the server could not be reached. */
    readonly status: number,
  ) {
    super(message);
  }
}

/** The `run-event` messages of a stream, and the `ready` one the all-runs stream sends. */
export interface StreamHandlers {
  /** The server follows every run: what is appended from now on will come. */
  onReady?(): void;
  onEvent(event: RunEvent): void;
}

/**
 * The run server's HTTP API (`tta serve`), from the browser: the runs as JSON, their events as
 * Server-Sent Events read with `fetch` (so the bearer token goes in a header, never in a URL),
 * notes, and completing an `agent` step.
 */
export class RunServerClient {
  readonly #base: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;

  constructor(options: RunServerOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new RunServerError(`the run server address "${options.baseUrl}" is not a URL`, 0);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new RunServerError(
        `the run server address "${options.baseUrl}" is not an http(s) URL`,
        0,
      );
    this.#base = url.href.replace(/\/+$/, '');
    this.#token = options.token?.trim() ?? '';
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  get baseUrl(): string {
    return this.#base;
  }

  async listRuns(signal?: AbortSignal): Promise<RunSummary[]> {
    const body = (await this.#json('GET', '/api/runs', undefined, signal)) as {
      runs: RunSummary[];
    };
    return body.runs;
  }

  getRun(
    runId: string,
    signal?: AbortSignal,
  ): Promise<{ summary: RunSummary; events: RunEvent[] }> {
    return this.#json(
      'GET',
      `/api/runs/${encodeURIComponent(runId)}`,
      undefined,
      signal,
    ) as Promise<{
      summary: RunSummary;
      events: RunEvent[];
    }>;
  }

  async addNote(runId: string, note: NoteInput): Promise<void> {
    await this.#json('POST', `/api/runs/${encodeURIComponent(runId)}/notes`, note);
  }

  async completeStep(runId: string, step: string, input: CompleteInput): Promise<void> {
    await this.#json(
      'POST',
      `/api/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(step)}/complete`,
      input,
    );
  }

  /**
   * Reads an event stream until it ends or `signal` aborts: every run's new events
   * (`/api/events`), or one run's from `after` (`/api/runs/:id/events`). Resolves when the server
   * ends the stream; rejects when it cannot be opened.
   */
  async stream(
    handlers: StreamHandlers,
    options: { runId?: string; after?: number; signal: AbortSignal },
  ): Promise<void> {
    const path =
      options.runId === undefined
        ? '/api/events'
        : `/api/runs/${encodeURIComponent(options.runId)}/events${
            options.after === undefined ? '' : `?after=${options.after}`
          }`;
    const response = await this.#request('GET', path, undefined, options.signal, {
      accept: 'text/event-stream',
    });
    if (response.body === null) throw new RunServerError(`${path}: the stream has no body`, 0);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new SseParser();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        for (const message of parser.push(value)) {
          if (message.event === 'ready') handlers.onReady?.();
          else if (message.event === 'run-event')
            handlers.onEvent(JSON.parse(message.data) as RunEvent);
        }
      }
    } catch (error) {
      if (options.signal.aborted) return;
      throw error;
    } finally {
      reader.releaseLock();
    }
  }

  async #json(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const response = await this.#request(method, path, body, signal, {
      accept: 'application/json',
    });
    return response.json();
  }

  async #request(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    headers: Record<string, string>,
  ): Promise<Response> {
    const url = `${this.#base}${path}`;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers: {
          ...headers,
          ...(this.#token === '' ? {} : { authorization: `Bearer ${this.#token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      // A browser says only "Failed to fetch": the server is down, or refused the page (CORS).
      throw new RunServerError(
        `cannot reach the run server at ${this.#base} (${(error as Error).message}): is \`tta serve\` running there, with the token set in the plugin's settings?`,
        0,
      );
    }
    if (!response.ok) {
      let detail = response.statusText;
      try {
        const answer = (await response.json()) as { error?: unknown };
        if (typeof answer.error === 'string') detail = answer.error;
      } catch {
        // Not JSON: the status text says enough.
      }
      const hint = response.status === 401 ? ' (check the token in the plugin settings)' : '';
      throw new RunServerError(
        `${method} ${path}: ${response.status} ${detail}${hint}`,
        response.status,
      );
    }
    return response;
  }
}
