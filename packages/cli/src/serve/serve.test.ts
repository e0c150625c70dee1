import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createSampleProject,
  FileRunStore,
  type RunEvent,
  SAMPLE_GIT_ENV,
} from '@tta-dev/workflows';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely, runTta } from '../main.js';
import { runWorkflowCommand } from '../workflow/workflowCommand.js';

// The built bin, run as a user runs it (build the package first).
const bin = fileURLToPath(new URL('../../dist/bin/tta.js', import.meta.url));

let root: string;
let project: string;
let env: Record<string, string>;
let children: ChildProcess[];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-serve-'));
  project = join(root, 'project');
  env = {
    ...(process.env as Record<string, string>),
    ...SAMPLE_GIT_ENV,
    TTA_HOME: join(root, 'home'),
    npm_config_cache: join(root, 'npm-cache'),
    NO_COLOR: '1',
  };
  delete env.TTA_SERVE_TOKEN;
  children = [];
});
afterEach(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

interface Started {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  /** The first line on stdout (--json), or the stderr that announced the URL. */
  readonly info: { url: string; token?: string; tokenSource?: string; tokenFile?: string };
}

/** Spawns `tta serve` and waits until it says where it listens. */
function serve(args: string[], extraEnv: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], {
    cwd: project,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const check = () => {
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined)
        resolve({ child, stderr: () => err, info: JSON.parse(line) });
      const url = err.match(/on (http:\/\/\S+)\n/)?.[1];
      if (url !== undefined && err.includes('token: '))
        resolve({ child, stderr: () => err, info: { url } });
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      check();
    });
    child.stderr!.on('data', check);
    child.once('exit', (code) =>
      reject(new Error(`tta serve exited (${code}) before listening:\n${err}`)),
    );
  });
}

async function stop(started: Started, signal: NodeJS.Signals): Promise<number | string> {
  started.child.kill(signal);
  const [code, killedBy] = (await once(started.child, 'exit')) as [number | null, string | null];
  return code ?? `${killedBy}: ${started.stderr()}`;
}

async function inProcess(args: string[]) {
  const io = captureIo({ env, cwd: project });
  const code = await runSafely(io, () => runTta(args, io, '9.9.9'));
  return { code, out: io.out(), err: io.err() };
}

describe('tta serve', () => {
  it('serves the project runs with a token it makes and keeps, and stops on SIGINT', async () => {
    const store = new FileRunStore({ cwd: project });
    await store.append('run-1', {
      type: 'run_started',
      workflow: 'package-release',
      inputs: {},
      personas: ['backend'],
    });
    const first = await serve(['--json']);
    const { url, token, tokenSource, tokenFile } = first.info;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(tokenSource).toBe('generated');
    expect(tokenFile).toBe(join(root, 'home', 'serve-token'));
    expect((await readFile(tokenFile!, 'utf8')).trim()).toBe(token);
    expect((await stat(tokenFile!)).mode & 0o777).toBe(0o600);

    const runs = await fetch(`${url}/api/runs`, { headers: { authorization: `Bearer ${token}` } });
    expect(runs.status).toBe(200);
    expect(await runs.json()).toEqual({ runs: await store.list() });
    expect((await fetch(`${url}/api/runs`)).status).toBe(401);
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ ok: true });

    expect(await stop(first, 'SIGINT')).toBe(0);
    const logged = first
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { path?: string; status?: number });
    expect(logged).toContainEqual(expect.objectContaining({ path: '/api/runs', status: 200 }));
    expect(logged).toContainEqual(expect.objectContaining({ path: '/api/runs', status: 401 }));
    expect(first.stderr()).not.toContain(token);

    // The next start uses the saved token, and does not print it.
    const second = await serve([]);
    expect(second.stderr()).toContain(`token: in ${tokenFile}`);
    const again = await fetch(`${second.info.url}/api/runs`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(again.status).toBe(200);
    expect(await stop(second, 'SIGTERM')).toBe(0);
    expect(second.stderr()).toMatch(/GET \/api\/runs 200 \d+ms/);
    expect(second.stderr()).not.toContain(token);
  });

  it('completes an agent step of a suspended run, then drives the run to its end', async () => {
    await createSampleProject(project);
    const io = captureIo({ env, cwd: project });
    const code = await runSafely(io, () =>
      runWorkflowCommand(['run', 'package-release', '--run-id', 'r1'], io),
    );
    expect(code).toBe(0);
    expect(io.err()).toContain('tta workflow complete r1 release-notes');

    const token = 'a-token-from-the-environment';
    const server = await serve(['--json'], { TTA_SERVE_TOKEN: token });
    expect(server.info).toMatchObject({ token, tokenSource: 'env' });
    const headers = { authorization: `Bearer ${token}` };
    const before = (await (await fetch(`${server.info.url}/api/runs/r1`, { headers })).json()) as {
      summary: { status: string; events: number };
    };
    expect(before.summary.status).toBe('suspended');

    const completed = await fetch(`${server.info.url}/api/runs/r1/steps/release-notes/complete`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ output: '## v0.2.0\n\n- things', by: 'ana' }),
    });
    expect(completed.status).toBe(200);
    expect(await completed.json()).toMatchObject({
      resuming: true,
      event: { type: 'step_completed', step: 'release-notes', by: 'ana' },
    });

    // Follow the run's events until the run ends.
    const stream = await fetch(
      `${server.info.url}/api/runs/r1/events?after=${before.summary.events}`,
      { headers },
    );
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!/"type":"run_(completed|failed)"/.test(text)) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the stream ended:\n${text}`);
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    const events = text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as RunEvent);
    expect(events.at(-1)?.type).toBe('run_completed');
    expect(events[0]).toMatchObject({ type: 'step_completed', seq: before.summary.events + 1 });
    expect(await stop(server, 'SIGINT')).toBe(0);
    const runs = await new FileRunStore({ cwd: project }).list();
    expect(runs[0]).toMatchObject({ runId: 'r1', status: 'completed' });
  });

  it('explains its options, and refuses bad ones with exit 2', async () => {
    const help = await inProcess(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: tta serve [--port N] [--host H] [--token T] [--json]');
    expect((await inProcess(['--help'])).out).toContain('serve ');
    const port = await inProcess(['serve', '--port', 'soon']);
    expect(port).toMatchObject({ code: 2 });
    expect(port.err).toContain('--port must be a whole number from 0 to 65535, got "soon"');
    const token = await inProcess(['serve', '--token', 'short']);
    expect(token.code).toBe(2);
    expect(token.err).toContain('the token of --token: a token is at least 16 characters long');
    expect((await inProcess(['serve', 'extra'])).code).toBe(2);
  });

  it('fails with exit 1 when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const result = await inProcess(['serve', '--port', String(port), '--token', 'x'.repeat(20)]);
      expect(result.code).toBe(1);
      expect(result.err).toContain(`port ${port} on 127.0.0.1 is in use`);
    } finally {
      taken.close();
    }
  });
});
