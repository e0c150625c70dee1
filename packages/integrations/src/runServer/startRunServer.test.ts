import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PersonaRegistry } from '@tta-dev/personas';
import {
  FileRunStore,
  parseWorkflow,
  type RunEvent,
  type RunEventInput,
  runStatus,
  WorkflowEngine,
} from '@tta-dev/workflows';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSse, type SseReader } from './sse.testkit.js';
import {
  type RequestLogEntry,
  type RunServer,
  type RunServerOptions,
  startRunServer,
} from './startRunServer.js';

const TOKEN = 'test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
const started: RunEventInput = {
  type: 'run_started',
  workflow: 'package-release',
  inputs: {},
  personas: ['backend'],
};
const learning = (text: string): RunEventInput => ({ type: 'learning', text, by: 'test' });

let cwd: string;
let store: FileRunStore;
let server: RunServer | undefined;
let streams: SseReader[];
let requests: RequestLogEntry[];
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'tta-run-server-'));
  store = new FileRunStore({ cwd });
  streams = [];
  requests = [];
});
afterEach(async () => {
  await Promise.all(streams.map((s) => s.close()));
  await server?.close();
  server = undefined;
  await rm(cwd, { recursive: true, force: true });
});

async function serve(options: Partial<RunServerOptions> = {}): Promise<RunServer> {
  server = await startRunServer({
    store,
    version: '1.2.3',
    token: TOKEN,
    onRequest: (entry) => requests.push(entry),
    ...options,
  });
  return server;
}
const get = (path: string, headers: Record<string, string> = auth) =>
  fetch(`${server!.url}${path}`, { headers });
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
async function stream(path: string, headers: Record<string, string> = auth): Promise<SseReader> {
  const reader = await openSse(`${server!.url}${path}`, { headers });
  streams.push(reader);
  return reader;
}
const parsed = (frame: { data: string }) => JSON.parse(frame.data) as RunEvent;

describe('the run server: reading runs', () => {
  it('answers /health without a token, with the version', async () => {
    await serve();
    const response = await fetch(`${server!.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, version: '1.2.3' });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('lists runs newest first, as RunSummary objects', async () => {
    const at = (iso: string) => new FileRunStore({ cwd, now: () => Date.parse(iso) });
    await at('2026-01-01T10:00:00Z').append('run-old', started);
    await at('2026-01-02T10:00:00Z').append('run-new', started);
    await at('2026-01-02T10:00:01Z').append('run-new', learning('kept'));
    await serve();
    const response = await get('/api/runs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const { runs } = (await response.json()) as { runs: { runId: string }[] };
    expect(runs.map((r) => r.runId)).toEqual(['run-new', 'run-old']);
    expect(runs).toEqual(await store.list());
    // Nobody drives it (no lease): a crash, as far as anyone can tell.
    expect(runs[0]).toMatchObject({
      workflow: 'package-release',
      status: 'interrupted',
      events: 2,
    });
  });

  it('keeps serving the other runs when one log is corrupt, and names the damage (no stack)', async () => {
    await store.append('good', started);
    await store.append('broken', started);
    await appendFile(join(cwd, '.tta', 'runs', 'broken', 'events.jsonl'), 'not json\n{"seq":9}\n');
    await serve();
    const list = await get('/api/runs');
    expect(list.status).toBe(200);
    const { runs } = (await list.json()) as { runs: { runId: string; status: string }[] };
    expect(runs.map((r) => [r.runId, r.status])).toEqual([
      ['good', 'interrupted'],
      ['broken', 'unreadable'],
    ]);
    const one = await get('/api/runs/broken');
    expect(one.status).toBe(500);
    const body = (await one.json()) as { error: string; code: string };
    expect(body.code).toBe('TTA_RUN_LOG_CORRUPT');
    expect(body.error).toMatch(/events\.jsonl:\d+: /);
    expect(body.error).not.toMatch(/\n\s+at /);
  });

  it('shows one run with its events; 404 for an unknown run, 400 for a bad id', async () => {
    await store.append('run-1', started);
    await store.append('run-1', learning('one'));
    await serve();
    const body = (await (await get('/api/runs/run-1')).json()) as {
      summary: unknown;
      events: RunEvent[];
    };
    expect(body.events).toEqual(await store.read('run-1'));
    expect(body.summary).toEqual((await store.list())[0]);
    const unknown = await get('/api/runs/nope');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no run "nope"' });
    const bad = await get('/api/runs/bad%20id');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'runId' });
  });

  it('answers 404 for an unknown path and 405 (with Allow) for a wrong method', async () => {
    await store.append('run-1', started);
    await serve();
    const missing = await get('/api/nothing');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no such endpoint: /api/nothing' });
    const wrong = await fetch(`${server!.url}/api/runs`, { method: 'DELETE', headers: auth });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    const notes = await get('/api/runs/run-1/notes');
    expect(notes.status).toBe(405);
    expect(notes.headers.get('allow')).toBe('POST');
  });

  it('delegates /metrics to the handler it was given, and has none otherwise', async () => {
    await serve();
    expect((await get('/metrics')).status).toBe(404);
    await server!.close();
    await serve({
      metrics: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end('tta_runs_total 3\n');
      },
    });
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toBe('tta_runs_total 3\n');
    expect((await get('/metrics', {})).status).toBe(401);
  });
});

describe('the run server: access', () => {
  it('refuses requests without the token or with a wrong one, and takes it as ?token=', async () => {
    await store.append('run-1', started);
    await serve();
    const none = await get('/api/runs', {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="tta"');
    expect(((await none.json()) as { error: string }).error).toContain('a token is required');
    const wrong = await get('/api/runs', { authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'the token is wrong' });
    expect(
      (
        await post(
          '/api/runs/run-1/notes',
          { kind: 'decision', text: 'x' },
          { authorization: 'Bearer nope' },
        )
      ).status,
    ).toBe(401);
    expect((await get(`/api/runs?token=${TOKEN}`, {})).status).toBe(200);
    expect((await get('/api/runs')).status).toBe(200);
    expect(await store.read('run-1')).toHaveLength(1);
    // The request log never carries the query, where a token may be.
    expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toContain('GET /api/runs 200');
    expect(JSON.stringify(requests)).not.toContain(TOKEN);
  });

  it('answers CORS preflights from any origin without a token', async () => {
    await serve();
    const response = await fetch(`${server!.url}/api/runs/run-1/notes`, {
      method: 'OPTIONS',
      headers: {
        origin: 'lsp://logseq.io',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
        'access-control-request-private-network': 'true',
      },
    });
    expect(response.status).toBe(204);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type, last-event-id',
      'access-control-allow-private-network': 'true',
    });
  });

  it('without a token serves loopback only: no CORS, and only a Host that names this machine', async () => {
    await serve({ token: undefined });
    await store.append('run-1', started);
    const response = await get('/api/runs', {});
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const rebound = await rawGet(server!.port, '/api/runs', 'evil.example:4319');
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toEqual({
      error: 'Host "evil.example:4319" is not this machine: use 127.0.0.1 or localhost',
    });
    expect((await rawGet(server!.port, '/api/runs', `localhost:${server!.port}`)).status).toBe(200);
  });

  it('refuses to listen beyond loopback without a token, and refuses a weak token', async () => {
    await expect(startRunServer({ store, version: '0', host: '0.0.0.0' })).rejects.toThrow(
      'refusing to serve runs on 0.0.0.0 without a token',
    );
    await expect(startRunServer({ store, version: '0', token: 'short' })).rejects.toThrow(
      'run server token: a token is at least 16 characters long',
    );
  });
});

describe('the run server: event streams', () => {
  it('replays a run after ?after=, then streams each event as it is appended', async () => {
    await store.append('run-1', started);
    await store.append('run-1', learning('one'));
    await store.append('run-1', learning('two'));
    await serve();
    const events = await stream('/api/runs/run-1/events?after=1');
    expect(events.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const first = await events.message();
    expect(first).toMatchObject({ id: '2', event: 'run-event' });
    expect(parsed(first)).toEqual((await store.read('run-1'))[1]);
    expect(parsed(await events.message())).toMatchObject({ seq: 3, text: 'two' });
    const appended = await store.append('run-1', learning('three'));
    const live = await events.message();
    expect(live.id).toBe('4');
    expect(parsed(live)).toEqual(appended);
    expect(requests).toContainEqual(
      expect.objectContaining({ path: '/api/runs/run-1/events', status: 200, stream: true }),
    );
  });

  it('resumes after Last-Event-ID, which wins over ?after=', async () => {
    await store.append('run-1', started);
    for (const text of ['a', 'b', 'c']) await store.append('run-1', learning(text));
    await serve();
    const events = await stream('/api/runs/run-1/events?after=0', {
      ...auth,
      'last-event-id': '3',
    });
    expect(parsed(await events.message())).toMatchObject({ seq: 4, text: 'c' });
    const bad = await get('/api/runs/run-1/events?after=soon');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'after' });
    expect((await get('/api/runs/nope/events')).status).toBe(404);
    expect((await get('/api/runs/run-1/events', {})).status).toBe(401);
  });

  it('streams events appended by another process', async () => {
    await store.append('run-1', started);
    await serve();
    const events = await stream(`/api/runs/run-1/events?after=1&token=${TOKEN}`, {});
    const workflows = pathToFileURL(createRequire(import.meta.url).resolve('@tta-dev/workflows'));
    const script = join(cwd, 'appender.mjs');
    await writeFile(
      script,
      `import { FileRunStore } from ${JSON.stringify(workflows.href)};
const store = new FileRunStore({ cwd: process.argv[2] });
for (let i = 1; i <= 12; i++) await store.append('run-1', { type: 'decision', text: 'child ' + i, by: 'child' });
`,
    );
    const child = spawn(process.execPath, [script, cwd], { stdio: 'inherit' });
    const received: RunEvent[] = [];
    for (let i = 0; i < 12; i++) received.push(parsed(await events.message()));
    expect(await once(child, 'exit')).toEqual([0, null]);
    expect(received.map((e) => [e.seq, e.type, 'text' in e ? e.text : ''])).toEqual(
      Array.from({ length: 12 }, (_, i) => [i + 2, 'decision', `child ${i + 1}`]),
    );
  });

  it('sends heartbeats as comments', async () => {
    await store.append('run-1', started);
    await serve({ heartbeatMs: 10 });
    const events = await stream('/api/runs/run-1/events?after=1');
    let frame = await events.frame();
    while (frame !== undefined && frame.comment !== 'heartbeat') frame = await events.frame();
    expect(frame).toEqual({ comment: 'heartbeat' });
  });

  it('streams the new events of every run, new runs included, on /api/events', async () => {
    await store.append('run-1', started);
    await store.append('run-1', learning('before'));
    await serve();
    const events = await stream('/api/events');
    await events.message('ready');
    const existing = await store.append('run-1', learning('after'));
    const first = await events.message();
    expect(first.id).toBeUndefined();
    expect(parsed(first)).toEqual(existing);
    const other = new FileRunStore({ cwd });
    await other.append('run-2', started);
    await other.append('run-2', learning('new run'));
    expect(parsed(await events.message())).toMatchObject({
      runId: 'run-2',
      seq: 1,
      type: 'run_started',
    });
    expect(parsed(await events.message())).toMatchObject({
      runId: 'run-2',
      seq: 2,
      text: 'new run',
    });
    // A second listener shares the feed and sees only what comes after it joined.
    const second = await stream('/api/events');
    await second.message('ready');
    await store.append('run-1', learning('for both'));
    expect(parsed(await second.message())).toMatchObject({ runId: 'run-1', text: 'for both' });
    expect(parsed(await events.message())).toMatchObject({ runId: 'run-1', text: 'for both' });
  });

  it('ends open streams when the server closes', async () => {
    await store.append('run-1', started);
    await serve();
    const one = await stream('/api/runs/run-1/events');
    const all = await stream('/api/events');
    await one.message();
    await all.message('ready');
    await server!.close();
    server = undefined;
    let frame = await one.frame();
    while (frame !== undefined) frame = await one.frame();
    let other = await all.frame();
    while (other !== undefined) other = await all.frame();
    expect([frame, other]).toEqual([undefined, undefined]);
  });
});

describe('the run server: notes', () => {
  it('records a decision and a learning as run events (201), in a stage the run has begun', async () => {
    await store.append('run-1', started);
    await serve();
    const early = await post('/api/runs/run-1/notes', {
      kind: 'decision',
      text: 'x',
      stage: 'release',
    });
    expect(early.status).toBe(400);
    expect(await early.json()).toMatchObject({ code: 'TTA_UNKNOWN_STAGE' });
    await store.append('run-1', { type: 'stage_started', stage: 'release', persona: 'backend' });
    const decided = await post('/api/runs/run-1/notes', {
      kind: 'decision',
      text: '  Ship on Friday  ',
      stage: 'release',
      by: 'ana',
    });
    expect(decided.status).toBe(201);
    const { event } = (await decided.json()) as { event: RunEvent };
    expect(event).toMatchObject({
      seq: 3,
      runId: 'run-1',
      type: 'decision',
      text: 'Ship on Friday',
      stage: 'release',
      by: 'ana',
    });
    const learned = await post('/api/runs/run-1/notes', { kind: 'learning', text: 'Tests first' });
    expect(((await learned.json()) as { event: RunEvent }).event).toMatchObject({
      seq: 4,
      type: 'learning',
      by: 'person',
    });
    const events = await store.read('run-1');
    expect(events[2]).toEqual(event);
    expect(events.map((e) => e.type)).toEqual([
      'run_started',
      'stage_started',
      'decision',
      'learning',
    ]);
  });

  it('refuses bad bodies with 400 naming the field, 415, 413, and 404 for an unknown run', async () => {
    await store.append('run-1', started);
    await serve({ maxBodyBytes: 1024 });
    const expectError = async (response: Response, status: number, body: object) => {
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject(body);
    };
    await expectError(await post('/api/runs/run-1/notes', { text: 'x' }), 400, {
      field: 'kind',
      error: 'kind: must be "decision" or "learning"',
    });
    await expectError(await post('/api/runs/run-1/notes', { kind: 'decision', text: ' ' }), 400, {
      field: 'text',
      error: 'text: must not be empty',
    });
    await expectError(
      await post('/api/runs/run-1/notes', { kind: 'learning', text: 'x', by: 7 }),
      400,
      { field: 'by' },
    );
    await expectError(await post('/api/runs/run-1/notes', '{"kind":'), 400, {
      error: expect.stringContaining('the body is not JSON'),
    });
    await expectError(
      await post('/api/runs/run-1/notes', 'kind=decision', { 'content-type': 'text/plain' }),
      415,
      { error: expect.stringContaining('Content-Type: application/json') },
    );
    await expectError(
      await post('/api/runs/run-1/notes', { kind: 'decision', text: 'x'.repeat(2000) }),
      413,
      { error: 'the body is larger than 1024 bytes' },
    );
    await expectError(await post('/api/runs/nope/notes', { kind: 'decision', text: 'x' }), 404, {
      error: 'no run "nope"',
    });
    expect(await store.read('run-1')).toHaveLength(1);
  });

  it('records a note beside a run driven by another process, in the order of the log', async () => {
    await store.append('run-1', started);
    await serve({ leaseWaitMs: 200 });
    const elsewhere = new FileRunStore({ cwd });
    const engine = await elsewhere.lease('run-1', 'engine-elsewhere');
    expect(engine).toBeDefined();
    expect((await post('/api/runs/run-1/notes', { kind: 'decision', text: 'x' })).status).toBe(201);
    await elsewhere.append('run-1', { type: 'stage_started', stage: 's', persona: 'backend' });
    expect((await post('/api/runs/run-1/notes', { kind: 'decision', text: 'y' })).status).toBe(201);
    await engine!.release();
    expect((await store.read('run-1')).map((e) => [e.seq, e.type])).toEqual([
      [1, 'run_started'],
      [2, 'decision'],
      [3, 'stage_started'],
      [4, 'decision'],
    ]);
  });

  it('keeps the log whole when many notes come at once', async () => {
    await store.append('run-1', started);
    await serve();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post('/api/runs/run-1/notes', { kind: 'learning', text: `note ${i}` }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    const events = await new FileRunStore({ cwd }).read('run-1');
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
  });
});

describe('the run server: completing agent steps', () => {
  const text = `name: review
description: A person reviews, then the run ships.
stages:
  - id: check
    title: Check
    persona: backend
    steps:
      - id: review
        agent: Review the change.
        expected: approved or not
      - id: ship
        run: echo shipped
`;

  async function suspendedRun() {
    const registry = await PersonaRegistry.load({ home: join(cwd, 'home'), cwd });
    const workflow = parseWorkflow('review.workflow.yaml', text, { registry });
    const engine = new WorkflowEngine({ store, registry, cwd, env: process.env });
    const result = await engine.start(workflow, {}, 'run-1');
    expect(result.status).toBe('suspended');
    return { engine, workflow };
  }

  it('completes a waiting step (200), then has the run resumed in the server process', async () => {
    const { engine, workflow } = await suspendedRun();
    const resumed: string[] = [];
    await serve({
      complete: (runId, stepId, output, options) => engine.complete(runId, stepId, output, options),
      resume: async (runId) => {
        resumed.push(runId);
        return engine.resume(runId, workflow);
      },
    });
    const response = await post('/api/runs/run-1/steps/review/complete', {
      output: { approved: true },
      note: 'looks good',
      by: 'ana',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { event: RunEvent; resuming: boolean };
    expect(body.resuming).toBe(true);
    expect(body.event).toMatchObject({
      type: 'step_completed',
      stage: 'check',
      step: 'review',
      output: { approved: true },
      note: 'looks good',
      by: 'ana',
    });
    await server!.idle();
    expect(resumed).toEqual(['run-1']);
    const events = await store.read('run-1');
    expect(runStatus(events)).toBe('completed');
    expect(events.find((e) => e.type === 'step_succeeded' && e.step === 'ship')).toBeDefined();

    const again = await post('/api/runs/run-1/steps/review/complete', {});
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({
      error: 'run "run-1" is already completed; start a new run instead',
      code: 'TTA_RUN_FINISHED',
    });
  });

  it('answers 409 when the step was completed by someone else between its look and the engine', async () => {
    const { engine } = await suspendedRun();
    await serve({
      complete: async (runId, stepId, output, options) => {
        await engine.complete(runId, stepId, 'first', { by: 'someone else' });
        return engine.complete(runId, stepId, output, options);
      },
    });
    const late = await post('/api/runs/run-1/steps/review/complete', { output: 'second' });
    expect(late.status).toBe(409);
    expect(await late.json()).toEqual({
      error:
        'step "review" of run "run-1" is not waiting to be completed: the run waits for no step',
      code: 'TTA_STEP_NOT_WAITING',
      waiting: [],
    });
  });

  it('answers 409 naming the step the run waits for, 400 for a bad output, 409 while another process holds the run', async () => {
    await suspendedRun();
    await serve({ leaseWaitMs: 200 });
    const wrong = await post('/api/runs/run-1/steps/ship/complete', { output: 1 });
    expect(wrong.status).toBe(409);
    expect(await wrong.json()).toEqual({
      error:
        'step "ship" of run "run-1" is not waiting to be completed: the run waits for "review"',
      code: 'TTA_STEP_NOT_WAITING',
      waiting: ['review'],
    });
    const bad = await post('/api/runs/run-1/steps/review/complete', { by: '' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'by' });
    expect((await post('/api/runs/nope/steps/review/complete', {})).status).toBe(404);

    const elsewhere = await new FileRunStore({ cwd }).lease('run-1', 'a-command-elsewhere');
    const busy = await post('/api/runs/run-1/steps/review/complete', {});
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({ code: 'TTA_RUN_BUSY' });
    await elsewhere!.release();

    // Without `resume` the step is completed and the run left for "tta workflow resume".
    const done = await post('/api/runs/run-1/steps/review/complete', {});
    expect(await done.json()).toMatchObject({
      resuming: false,
      event: { output: null, by: 'person' },
    });
  });
});

/** A GET with a Host header of our choosing (fetch will not send one). */
function rawGet(
  port: number,
  path: string,
  host: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
