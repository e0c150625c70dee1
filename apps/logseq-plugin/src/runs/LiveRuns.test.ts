import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunsState } from '../panel/RunsState.js';
import { freePort } from './freePort.testkit.js';
import { type Connection, LiveRuns } from './LiveRuns.js';
import { RunServerClient } from './RunServerClient.js';
import { type ServedRun, startServedRun, stopServedRun } from './realRun.testkit.js';

let dir: string;
let served: ServedRun;
let live: LiveRuns | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-plugin-live-'));
  served = await startServedRun(dir);
});
afterEach(() => live?.stop());
afterAll(async () => {
  await stopServedRun(served);
  await rm(dir, { recursive: true, force: true });
});

describe('LiveRuns', () => {
  it('loads the runs when the stream opens, then follows their events and new runs live', async () => {
    const client = new RunServerClient({ baseUrl: served.server.url, token: served.token });
    const state = new RunsState();
    const connections: Connection['state'][] = [];
    const changed: string[] = [];
    live = new LiveRuns({
      client,
      state,
      onConnection: (c) => connections.push(c.state),
      onRunChanged: (runId) => changed.push(runId),
    });
    live.start();
    const runId = served.started.runId;
    await expect.poll(() => state.view(runId)?.detailed, { timeout: 120_000 }).toBe(true);
    expect(state.events(runId)).toEqual(served.started.events);
    expect(connections).toEqual(['connecting', 'live']);

    await client.addNote(runId, { kind: 'decision', text: 'Release on Monday', by: 'logseq' });
    await expect
      .poll(() => state.events(runId)?.at(-1)?.type, { timeout: 120_000 })
      .toBe('decision');
    expect(changed).toContain(runId);

    // A run started after the panel connected comes whole, from its first event.
    const second = await served.engine.start(served.workflow, { bump: 'patch' });
    await expect
      .poll(() => state.view(second.runId)?.status, { timeout: 120_000 })
      .toBe('suspended');
    expect(state.events(second.runId)).toEqual(second.events);
    expect(state.views().map((v) => v.runId)).toEqual([second.runId, runId]);
  });

  it('catches up with what happened while the stream was down, once it reconnects', async () => {
    const streams: AbortController[] = [];
    const client = new RunServerClient({
      baseUrl: served.server.url,
      token: served.token,
      // Lets the test cut the event stream, as a network or a restarted server would.
      fetch: (input, init) => {
        if (!String(input).endsWith('/api/events')) return fetch(input, init);
        const cut = new AbortController();
        init?.signal?.addEventListener('abort', () => cut.abort());
        streams.push(cut);
        return fetch(input, { ...init, signal: cut.signal });
      },
    });
    const state = new RunsState();
    const connections: Connection['state'][] = [];
    const changed: string[] = [];
    live = new LiveRuns({
      client,
      state,
      onConnection: (c) => connections.push(c.state),
      onRunChanged: (runId) => changed.push(runId),
      retryDelayMs: () => 500,
    });
    live.start();
    const runId = served.started.runId;
    await expect.poll(() => state.view(runId)?.detailed).toBe(true);
    const known = state.events(runId)!.length;

    streams[0]!.abort();
    await expect.poll(() => connections.at(-1)).toBe('offline');
    await client.addNote(runId, {
      kind: 'learning',
      text: 'Said while nobody listened',
      by: 'logseq',
    });

    await expect.poll(() => state.events(runId)?.length).toBe(known + 1);
    expect(state.events(runId)?.at(-1)).toMatchObject({ text: 'Said while nobody listened' });
    expect(connections.slice(-3)).toEqual(['offline', 'connecting', 'live']);
    expect(changed).toContain(runId);
  });

  it('says when the server cannot be reached, and when it will try again', async () => {
    const client = new RunServerClient({
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      token: 'x',
    });
    const connections: Connection[] = [];
    live = new LiveRuns({
      client,
      state: new RunsState(),
      onConnection: (c) => connections.push(c),
      retryDelayMs: (attempt) => 60_000 + attempt,
    });
    live.start();
    await expect.poll(() => connections.length, { timeout: 120_000 }).toBe(2);
    expect(connections[0]).toEqual({ state: 'connecting' });
    expect(connections[1]).toMatchObject({ state: 'offline', retryInMs: 60_000 });
    expect((connections[1] as { error: string }).error).toMatch(/^cannot reach the run server/);
  });
});
