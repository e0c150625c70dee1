import {
  DEFAULT_RUN_SERVER_PORT,
  isLoopbackHost,
  isRunServerOptionsError,
  type RequestLogEntry,
  startRunServer,
} from '@tta-dev/integrations';
import type { PersonaRegistry } from '@tta-dev/personas';
import type { OpenedRunStore } from '@tta-dev/workflows';
import { parse } from '../args.js';
import { CliError, usageError } from '../CliError.js';
import { eprintln, type Io, println } from '../Io.js';
import { loadRegistry } from '../persona/_registry.js';
import { metricsHandler } from '../telemetry/withTelemetry.js';
import { withEngine } from '../workflow/_engine.js';
import { closeRunStoreOf, runStoreOf, storeLabelOf } from '../workflow/_runStore.js';
import { loadNamedWorkflow } from '../workflow/_workflows.js';
import { progressPrinter } from '../workflow/progress.js';
import { SERVE_TOKEN, serveToken, tokenNote } from './serveToken.js';

export const serveHelp = `Usage: tta serve [--port N] [--host H] [--token T] [--json]

Serves this project's workflow runs (.tta/runs) over HTTP, for the Logseq plugin and other
tools: the runs as JSON, their events live as Server-Sent Events, and endpoints to record a
decision or a learning and to complete an agent step (the run then carries on in this process).
The API is in docs/run-server.md.

Every request but /health needs the token, as "Authorization: Bearer <token>" (or ?token=).
The token is --token, else $TTA_SERVE_TOKEN, else the one saved in <TTA home>/serve-token
(~/.hypertool unless $TTA_HOME says otherwise), made on first use and printed then.

Options:
  --port N     port (default ${DEFAULT_RUN_SERVER_PORT}; 0 picks a free one)
  --host H     address to listen on (default 127.0.0.1, this machine only)
  --token T    the token (16 or more visible characters)
  --json       once listening, print {"url", "token", ...} as one JSON line on stdout; log
               requests as JSON lines on stderr
  -h, --help

Requests are logged on stderr. Ctrl-C (SIGINT) or SIGTERM stops the server.`;

export async function runServeCommand(
  argv: readonly string[],
  io: Io,
  version: string,
): Promise<number> {
  const { values, positionals } = parse('tta serve', argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, serveHelp);
    return 0;
  }
  if (positionals.length > 0)
    throw usageError(`tta serve: unexpected argument "${positionals[0]}"\n\n${serveHelp}`);
  const port = portOf(values.port);
  const host = values.host ?? '127.0.0.1';
  const json = values.json === true;
  const given = await serveToken(io, values.token, SERVE_TOKEN);
  const { token, source, file } = given;
  const registry = await loadRegistry(io);
  const store = runStoreOf(io);
  const say = (message: string) => eprintln(io, `tta serve: ${message}`);

  let server: Awaited<ReturnType<typeof startRunServer>>;
  try {
    server = await startRunServer({
      store,
      version,
      port,
      host,
      token,
      resume: (runId) => resumeRun(io, registry, store, runId, json, say),
      ...metricsOption(),
      onRequest: (entry) =>
        json
          ? eprintln(io, JSON.stringify({ time: new Date().toISOString(), ...entry }))
          : say(requestLine(entry)),
      log: (level, message) =>
        json
          ? eprintln(io, JSON.stringify({ time: new Date().toISOString(), level, message }))
          : say(`${level}: ${message}`),
    });
  } catch (error) {
    throw listenError(error, host, port);
  }

  if (json) {
    println(
      io,
      JSON.stringify({
        url: server.url,
        host: server.host,
        port: server.port,
        token,
        tokenSource: source,
        ...(file === undefined ? {} : { tokenFile: file }),
        runs: storeLabelOf(store),
      }),
    );
  } else {
    say(`serving the runs in ${storeLabelOf(store)} on ${server.url}`);
    say(tokenNote(given, SERVE_TOKEN));
  }
  if (!isLoopbackHost(host))
    say(
      `warning: listening on ${host}, beyond this machine; requests and the token travel in clear text, so put TLS in front of it`,
    );

  await stopped(io.signal);
  say('stopping');
  await server.close();
  await server.idle();
  await closeRunStoreOf(io);
  return 0;
}

/** Drives a run on after the server completed its step, with the same store as the server. */
async function resumeRun(
  io: Io,
  registry: PersonaRegistry,
  store: OpenedRunStore,
  runId: string,
  json: boolean,
  say: (message: string) => void,
): Promise<void> {
  const started = (await store.read(runId))[0];
  if (started?.type !== 'run_started') return;
  const { workflow } = await loadNamedWorkflow(io, started.workflow, registry);
  if (!json) say(`resuming run ${runId}`);
  // Progress goes to stderr as plain lines: a spinner would tangle with the request log.
  const quiet: Io = { ...io, stderr: { write: (text) => io.stderr.write(text), isTTY: false } };
  const result = await withEngine(
    io,
    registry,
    json ? () => undefined : progressPrinter(quiet, false),
    (engine) => engine.resume(runId, workflow),
    store,
  );
  if (!json) say(`run ${runId} is ${result.status}`);
}

function metricsOption() {
  const metrics = metricsHandler();
  return metrics === undefined ? {} : { metrics };
}

function requestLine(entry: RequestLogEntry): string {
  return `${entry.method} ${entry.path} ${entry.status}${entry.stream ? ' (stream)' : ` ${entry.ms}ms`}`;
}

function portOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_RUN_SERVER_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw usageError(`tta serve: --port must be a whole number from 0 to 65535, got "${value}"`);
  return port;
}

function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new CliError(
      `tta serve: port ${port} on ${host} is in use; stop what uses it, or pick another with --port`,
      1,
    );
  if (code === 'EACCES')
    return new CliError(`tta serve: not allowed to listen on port ${port} of ${host}`, 1);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return usageError(`tta serve: --host ${host} is not an address of this machine (${code})`);
  if (isRunServerOptionsError(error)) return usageError(`tta serve: ${error.message}`);
  return error;
}

function stopped(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}
