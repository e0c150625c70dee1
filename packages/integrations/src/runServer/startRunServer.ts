import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import {
  completeStep,
  noteRun,
  RUN_ID_PATTERN,
  type RunEvent,
  type RunSummary,
} from '@tta-dev/workflows';
import { keepClientsAlive } from '../http/keepClientsAlive.js';
import {
  checkLoopbackHostHeader,
  checkToken,
  corsHeaders,
  isLoopbackHost,
  tokenProblem,
} from './access.js';
import { CompleteBodySchema, NoteBodySchema } from './bodies.js';
import { EventStream } from './EventStream.js';
import { errorAnswer } from './errorAnswer.js';
import { followEvents, type LiveRunStore } from './followEvents.js';
import { HttpError } from './HttpError.js';
import { RunFeed } from './RunFeed.js';
import { RunServerOptionsError } from './RunServerOptionsError.js';
import { type ResumeRun, RunWriter } from './RunWriter.js';
import { readJsonBody } from './readJsonBody.js';

/** The port `tta serve` listens on unless told otherwise. */
export const DEFAULT_RUN_SERVER_PORT = 4319;

/** Completes a suspended `agent` step: `WorkflowEngine.complete`, bound to an engine. */
export type CompleteStep = (
  runId: string,
  stepId: string,
  output: unknown,
  options: { note?: string; by?: string },
) => Promise<RunEvent>;

/** Answers `GET /metrics` (a Prometheus exporter's request handler). */
export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** One answered request, for a request log. The path never carries the query (nor its token). */
export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
  /** An event stream: logged when it opens. */
  readonly stream?: true;
}

export interface RunServerOptions {
  /** Where the runs are: a `FileRunStore`. Give the engine of `complete`/`resume` the same one. */
  /** The run store: in folders (files, watched), or with `follow` and `changes` (PostgreSQL). */
  store: LiveRunStore;
  /** Reported by `/health`. */
  version: string;
  /** Default: 0 (any free port: read it from the result); `tta serve` uses 4319. */
  port?: number;
  /** Default: 127.0.0.1. Any other address than loopback needs a `token`. */
  host?: string;
  /**
   * The bearer token every request but `/health` and CORS preflights must carry (16+ visible
   * ASCII characters). Without one the server answers only same-origin requests on loopback: no
   * CORS, and a `Host` header that names this machine.
   */
  token?: string;
  /** Completes an agent step. Default: `completeStep` on `store`, under the run's lease. */
  complete?: CompleteStep;
  /**
   * Called (in the background, one drive per run at a time) after a step was completed, to
   * drive the run on in this process. Use the same store object as the server.
   */
  resume?: ResumeRun;
  /** Answers `GET /metrics`; 404 without it. */
  metrics?: MetricsHandler;
  /** Sees every request once answered (a stream once opened). */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Problems that are not a request's answer: a run that cannot be followed, a failed resume. */
  log?: (level: 'warn' | 'error', message: string) => void;
  /** Milliseconds between heartbeat comments on event streams. Default: 15000. */
  heartbeatMs?: number;
  /**
   * Follow the run logs with fs.watch (true), or by looking every `pollMs` (false: for file
   * systems where fs.watch misses changes made by other machines, such as NFS). Default: true.
   */
  watch?: boolean;
  /** Milliseconds between looks at the run logs while fs.watch cannot watch them. Default: 1000. */
  pollMs?: number;
  /** Largest request body, in bytes. Default: 64 KiB. */
  maxBodyBytes?: number;
  /** How long a completion waits for a run driven by another process (then 409). Default: 5000. */
  leaseWaitMs?: number;
}

export interface RunServer {
  /** `http://host:port`, without a trailing slash. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly server: Server;
  /** Resolves once no run is being resumed by this server. */
  idle(): Promise<void>;
  /** Ends every event stream and stops listening. */
  close(): Promise<void>;
}

type Params = Record<string, string>;
type Handler = (context: Context, params: Params) => Promise<void>;
interface Context {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly logStream: () => void;
}

/**
 * Serves the runs of a run store over HTTP for the Logseq plugin and other tools: JSON for runs,
 * Server-Sent Events for their events as they happen, and endpoints that record a decision or a
 * learning and complete a waiting `agent` step. See docs/run-server.md for the API.
 */
export async function startRunServer(options: RunServerOptions): Promise<RunServer> {
  const host = options.host ?? '127.0.0.1';
  const { store, token } = options;
  if (token === undefined && !isLoopbackHost(host))
    throw new RunServerOptionsError(
      `refusing to serve runs on ${host} without a token: anyone who can reach it could read and change runs`,
    );
  const problem = token === undefined ? undefined : tokenProblem(token);
  if (problem !== undefined) throw new RunServerOptionsError(`run server token: ${problem}`);
  const log = options.log ?? (() => undefined);
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const watching = {
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    ...(options.watch === undefined ? {} : { watch: options.watch }),
  };
  const owner = `${hostname()}:${process.pid}:run-server`;
  const leaseWaitMs = options.leaseWaitMs ?? 5000;
  const writer = new RunWriter({
    ...(options.resume === undefined ? {} : { resume: options.resume }),
    log: (message) => log('error', message),
  });
  const feed = new RunFeed({ store, ...watching, log: (message) => log('warn', message) });
  const streams = new Set<EventStream>();

  const readRun = async (runId: string): Promise<{ summary: RunSummary; events: RunEvent[] }> => {
    if (!RUN_ID_PATTERN.test(runId))
      throw new HttpError(400, `"${runId}" is not a run id (letters, digits, ".", "_", "-")`, {
        field: 'runId',
      });
    // Read first: a broken log is an error of its own (500, naming the line), not a summary.
    const events = await store.read(runId);
    const summary = events.length === 0 ? undefined : await store.summary(runId);
    if (summary === undefined) throw new HttpError(404, `no run "${runId}"`);
    return { summary, events };
  };

  const openStream = (context: Context): EventStream => {
    const stream = new EventStream(context.res, context.headers, heartbeatMs);
    streams.add(stream);
    stream.signal.addEventListener('abort', () => streams.delete(stream), { once: true });
    context.logStream();
    return stream;
  };

  const routes: Record<string, Record<string, Handler>> = {
    health: {
      GET: async ({ res, headers }) =>
        sendJson(res, 200, { ok: true, version: options.version }, headers),
    },
    metrics: {
      GET: async ({ req, res, headers }) => {
        if (options.metrics === undefined) throw new HttpError(404, 'this server has no metrics');
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
        await options.metrics(req, res);
      },
    },
    'api/runs': {
      GET: async ({ res, headers }) => sendJson(res, 200, { runs: await store.list() }, headers),
    },
    'api/events': {
      GET: async (context) => {
        const stream = openStream(context);
        const unsubscribe = feed.subscribe({
          ready: () => void stream.sendNamed('ready', {}),
          event: (event) => void stream.send(event, false),
        });
        stream.signal.addEventListener('abort', unsubscribe, { once: true });
      },
    },
    'api/runs/:run': {
      GET: async ({ res, headers }, { run }) => sendJson(res, 200, await readRun(run!), headers),
    },
    'api/runs/:run/events': {
      GET: async (context, { run }) => {
        const runId = run!;
        await readRun(runId);
        const after = afterOf(context);
        const stream = openStream(context);
        try {
          for await (const event of followEvents(store, runId, {
            ...watching,
            after,
            signal: stream.signal,
          }))
            await stream.send(event, true);
        } catch (error) {
          log('warn', `stopped following run ${runId}: ${(error as Error).message}`);
          await stream.sendNamed('error', { error: (error as Error).message });
        } finally {
          stream.close();
        }
      },
    },
    'api/runs/:run/notes': {
      POST: async ({ req, res, headers }, { run }) => {
        const runId = run!;
        await readRun(runId);
        const body = await readJsonBody(req, NoteBodySchema, maxBodyBytes);
        const event = await noteRun(store, runId, {
          type: body.kind,
          text: body.text,
          by: body.by ?? 'person',
          ...(body.stage === undefined ? {} : { stage: body.stage }),
        });
        sendJson(res, 201, { event }, headers);
      },
    },
    'api/runs/:run/steps/:step/complete': {
      POST: async ({ req, res, headers }, { run, step }) => {
        const runId = run!;
        const stepId = step!;
        await readRun(runId);
        const body = await readJsonBody(req, CompleteBodySchema, maxBodyBytes);
        const note = body.note === undefined ? {} : { note: body.note };
        const complete =
          options.complete ??
          (async (runId, stepId, output, { by = 'person', ...rest }) =>
            (
              await completeStep(store, runId, stepId, { output, ...rest }, by, {
                owner,
                waitMs: leaseWaitMs,
              })
            )[0]!);
        const event = await writer.exclusive(
          runId,
          () =>
            complete(runId, stepId, body.output ?? null, {
              ...note,
              ...(body.by === undefined ? {} : { by: body.by }),
            }),
          options.resume !== undefined,
        );
        sendJson(res, 200, { event, resuming: options.resume !== undefined }, headers);
      },
    },
  };

  const handle = async (context: Context): Promise<void> => {
    const { req, url } = context;
    if (token === undefined) checkLoopbackHostHeader(req);
    if (req.method === 'OPTIONS') {
      context.res.writeHead(204, context.headers);
      context.res.end();
      return;
    }
    const found = matchRoute(routes, url.pathname);
    if (found === undefined) throw new HttpError(404, `no such endpoint: ${url.pathname}`);
    const handler = found.methods[req.method ?? ''];
    if (handler === undefined)
      throw new HttpError(
        405,
        `${req.method} is not allowed on ${url.pathname}`,
        {},
        { allow: Object.keys(found.methods).join(', ') },
      );
    if (token !== undefined && found.pattern !== 'health') checkToken(req, url, token);
    await handler(context, found.params);
  };

  const server = keepClientsAlive(
    createServer((req, res) => {
      const started = performance.now();
      const url = new URL(req.url ?? '/', 'http://localhost');
      const headers = token === undefined ? {} : corsHeaders(req);
      let logged = false;
      const logRequest = (stream?: true) => {
        if (logged) return;
        logged = true;
        options.onRequest?.({
          method: req.method ?? '?',
          path: url.pathname,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
          ...(stream ? { stream } : {}),
        });
      };
      res.once('close', () => logRequest());
      handle({ req, res, url, headers, logStream: () => logRequest(true) }).catch(
        (error: unknown) => {
          if (res.headersSent) {
            res.destroy();
            return;
          }
          const answer = errorAnswer(error);
          if (answer.status >= 500)
            log(
              'error',
              `${req.method} ${url.pathname} failed: ${answer.unexpected ? ((error as Error).stack ?? error) : answer.body.error}`,
            );
          sendJson(res, answer.status, answer.body, { ...headers, ...answer.headers });
        },
      );
    }),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    host: address.address,
    port: address.port,
    server,
    idle: () => writer.idle(),
    close: async () => {
      feed.stop();
      for (const stream of streams) stream.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** The seq after which a run's stream starts: `Last-Event-ID` (a reconnect) wins over `?after=`. */
function afterOf({ req, url }: Context): number {
  const header = req.headers['last-event-id'];
  const [field, value] =
    typeof header === 'string' && header.trim() !== ''
      ? ['Last-Event-ID', header.trim()]
      : ['after', url.searchParams.get('after') ?? '0'];
  if (!/^\d{1,15}$/.test(value))
    throw new HttpError(400, `${field} must be a whole number ≥ 0 (a seq), got "${value}"`, {
      field,
    });
  return Number(value);
}

/** Finds the route of a path: its pattern, its methods and the values of its `:params`. */
function matchRoute(
  routes: Record<string, Record<string, Handler>>,
  pathname: string,
): { pattern: string; methods: Record<string, Handler>; params: Params } | undefined {
  let segments: string[];
  try {
    segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw new HttpError(400, `the path ${pathname} is not valid percent-encoding`);
  }
  for (const [pattern, methods] of Object.entries(routes)) {
    const parts = pattern.split('/');
    if (parts.length !== segments.length) continue;
    const params: Params = {};
    if (
      parts.every((part, i) => {
        if (part.startsWith(':')) params[part.slice(1)] = segments[i]!;
        return part.startsWith(':') || part === segments[i];
      })
    )
      return { pattern, methods, params };
  }
  return undefined;
}
