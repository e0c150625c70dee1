import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSampleProject, SAMPLE_GIT_ENV } from '@tta-dev/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// A test-only helper of the integrations package (a real Prometheus on loopback).
import {
  type LocalPrometheus,
  startPrometheus,
  waitFor,
} from '../../../integrations/src/prometheus/prometheus.testkit.js';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { runWorkflowCommand } from '../workflow/workflowCommand.js';

// The built bin, run as a user runs it (build the package first).
const bin = fileURLToPath(new URL('../../dist/bin/tta.js', import.meta.url));
const token = 'a-token-prometheus-scrapes-with';
const headers = { authorization: `Bearer ${token}` };

let root: string | undefined;
let server: ChildProcess | undefined;
let serverErr = '';
let url: string;
let prometheus: LocalPrometheus | undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-serve-prometheus-'));
  const project = join(root, 'project');
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...SAMPLE_GIT_ENV,
    TTA_HOME: join(root, 'home'),
    npm_config_cache: join(root, 'npm-cache'),
    NO_COLOR: '1',
    TTA_SERVE_TOKEN: token,
  };
  // Nothing but /metrics may export: no OTLP collector, no SDK server of its own.
  for (const name of Object.keys(env)) if (name.startsWith('OTEL_')) delete env[name];
  await createSampleProject(project);
  const io = captureIo({ env, cwd: project });
  expect(
    await runSafely(io, () => runWorkflowCommand(['run', 'package-release', '--run-id', 'r1'], io)),
  ).toBe(0);
  expect(io.err()).toContain('tta workflow complete r1 release-notes');

  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--json'], {
    cwd: project,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  child.stderr!.on('data', (chunk: Buffer) => {
    serverErr += chunk.toString();
  });
  const info = await new Promise<{ url: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
    });
    child.once('exit', (code) =>
      reject(new Error(`tta serve exited (${code}) before listening:\n${serverErr}`)),
    );
  });
  url = info.url;
}, 300_000);

afterAll(async () => {
  // Each stop runs whatever failed before it.
  await prometheus?.stop().catch(() => undefined);
  if (server !== undefined && server.exitCode === null && server.signalCode === null) {
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    const timer = setTimeout(() => server?.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (root !== undefined) await rm(root, { recursive: true, force: true });
}, 300_000);

/** The instant vector of a PromQL query, as Prometheus's HTTP API answers it. */
async function query(promql: string): Promise<{ metric: Record<string, string>; value: string }[]> {
  const response = await fetch(
    `${prometheus!.url}/api/v1/query?query=${encodeURIComponent(promql)}`,
  );
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
  return body.data!.result.map(({ metric, value }) => ({ metric, value: value[1] }));
}

describe('tta serve /metrics', () => {
  it('is scraped by a real Prometheus, with the token, metrics of the runs the server drove included', async () => {
    // /metrics wants the token like every route but /health.
    expect((await fetch(`${url}/metrics`)).status).toBe(401);

    // Completing the agent step makes the server resume the run in its own process, which
    // records the drive's metrics in the server's SDK.
    const completed = await fetch(`${url}/api/runs/r1/steps/release-notes/complete`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ output: '## v0.2.0\n\n- things', by: 'ana' }),
    });
    expect(completed.status).toBe(200);
    expect(await completed.json()).toMatchObject({ resuming: true });
    await waitFor(async () => {
      const run = (await (await fetch(`${url}/api/runs/r1`, { headers })).json()) as {
        summary: { status: string };
      };
      return run.summary.status === 'completed';
    }, 300_000);

    const target = new URL(url).host;
    prometheus = await startPrometheus(target, { bearerToken: token });
    const up = `up{job="app",instance="${target}"}`;
    const runs = `tta_workflow_runs_total{job="app",tta_workflow_name="package-release",tta_run_status="completed"}`;
    const scraped = async () =>
      (await query(up))[0]?.value === '1' && (await query(runs)).length > 0;
    await waitFor(scraped, 30_000, () => {
      if (server!.exitCode !== null) throw new Error(`tta serve exited:\n${serverErr}`);
    }).catch(async (error: Error) => {
      const scrapes = await query(up).catch((e: Error) => e.message);
      throw new Error(`${error.message}: ${JSON.stringify(scrapes)}\n${serverErr}`);
    });

    expect(await query(up)).toEqual([
      { metric: expect.objectContaining({ job: 'app', instance: target }), value: '1' },
    ]);
    // One drive of the run, the resume, ended completed; the first drive was in another process.
    expect(await query(runs)).toEqual([
      {
        metric: expect.objectContaining({
          __name__: 'tta_workflow_runs_total',
          instance: target,
          otel_scope_name: '@tta-dev/workflows',
        }),
        value: '1',
      },
    ]);
    // The scrapes went through the server's authenticated route, and were logged as such.
    const scrapes = serverErr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { path?: string; status?: number })
      .filter((entry) => entry.path === '/metrics');
    expect(scrapes).toContainEqual(expect.objectContaining({ status: 200 }));
  }, 300_000);
});
