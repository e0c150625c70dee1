import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A local HTTP server, closed by `close`. */
export interface LocalServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on loopback, on a free port. */
export async function listen(server: Server): Promise<LocalServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A small service's /metrics: each scrape serves 90 more successful requests and 10 more errors
 * (so any rate window gives an error ratio of exactly 0.1), and 100 more request durations, 80
 * under 0.1 s, 15 more under 0.5 s and 5 under 1 s (so the p95 latency is exactly 0.5 s).
 */
export async function startExporter(): Promise<LocalServer & { scrapes(): number }> {
  let scrapes = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    scrapes++;
    const n = scrapes;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      [
        '# HELP http_requests_total Requests served, by status.',
        '# TYPE http_requests_total counter',
        `http_requests_total{status="200"} ${90 * n}`,
        `http_requests_total{status="500"} ${10 * n}`,
        '# HELP http_request_duration_seconds Time to serve a request.',
        '# TYPE http_request_duration_seconds histogram',
        `http_request_duration_seconds_bucket{le="0.1"} ${80 * n}`,
        `http_request_duration_seconds_bucket{le="0.5"} ${95 * n}`,
        `http_request_duration_seconds_bucket{le="1"} ${100 * n}`,
        `http_request_duration_seconds_bucket{le="+Inf"} ${100 * n}`,
        `http_request_duration_seconds_sum ${20 * n}`,
        `http_request_duration_seconds_count ${100 * n}`,
        '',
      ].join('\n'),
    );
  });
  return { ...(await listen(server)), scrapes: () => scrapes };
}

/** The Prometheus binary of Debian's `prometheus` package; missing, the tests fail saying so. */
export function prometheusBinary(): string {
  for (const dir of (process.env.PATH ?? '/usr/bin').split(':')) {
    try {
      accessSync(join(dir, 'prometheus'), constants.X_OK);
      return join(dir, 'prometheus');
    } catch {
      // not in this folder
    }
  }
  throw new Error(
    'prometheus is not installed: these tests run a real Prometheus; install it with "apt-get install -y prometheus" (Debian package prometheus)',
  );
}

export interface LocalPrometheus {
  readonly url: string;
  stop(): Promise<void>;
}

export interface ScrapeOptions {
  /** Sent as `Authorization: Bearer <token>` with every scrape (a target that needs a token). */
  readonly bearerToken?: string;
}

/**
 * Starts a real Prometheus on loopback, on a free port, with its configuration and storage in a
 * temporary folder, scraping `target` (host:port) every second; resolves once it is ready.
 */
export async function startPrometheus(
  target: string,
  options: ScrapeOptions = {},
): Promise<LocalPrometheus> {
  const binary = prometheusBinary();
  const dir = await mkdtemp(join(tmpdir(), 'tta-prometheus-'));
  await writeFile(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: app',
      // A JSON string is a YAML string too, whatever the token holds.
      ...(options.bearerToken === undefined
        ? []
        : [
            `    authorization: { type: Bearer, credentials: ${JSON.stringify(options.bearerToken)} }`,
          ]),
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + String(chunk)).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => (await fetch(`${url}/-/ready`)).ok,
      30_000,
      () => {
        if (child.exitCode !== null)
          throw new Error(`prometheus exited ${child.exitCode}: ${stderr.trim()}`);
      },
    );
  } catch (error) {
    await stop();
    throw new Error(`Prometheus did not start on ${url}: ${(error as Error).message}\n${stderr}`);
  }
  return { url, stop };
}

/** Polls `check` until it is true; `abort` may throw to stop early. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  abort: () => void = () => {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    abort();
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
