import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '@tta-dev/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './freePort.testkit.js';
import { RunServerClient, RunServerError } from './RunServerClient.js';
import { type ServedRun, startServedRun, stopServedRun } from './realRun.testkit.js';

let dir: string;
let served: ServedRun;
let client: RunServerClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-plugin-client-'));
  served = await startServedRun(dir);
  client = new RunServerClient({ baseUrl: `${served.server.url}/`, token: served.token });
});
afterAll(async () => {
  await stopServedRun(served);
  await rm(dir, { recursive: true, force: true });
});

const runId = () => served.started.runId;

/** Reads a stream until `until` says stop (then aborts it). */
async function collect(
  start: (signal: AbortSignal, events: RunEvent[], ready: () => void) => Promise<void>,
  until: (events: RunEvent[]) => boolean,
): Promise<{ events: RunEvent[]; ready: boolean }> {
  const stop = new AbortController();
  const events: RunEvent[] = [];
  let ready = false;
  const reading = start(stop.signal, events, () => {
    ready = true;
  });
  await expect.poll(() => until(events), { timeout: 120_000 }).toBe(true);
  stop.abort();
  await reading;
  return { events, ready };
}

describe('RunServerClient against the run server', () => {
  it('lists the runs and reads one with its events', async () => {
    const runs = await client.listRuns();
    expect(runs).toEqual([
      expect.objectContaining({ runId: runId(), workflow: 'mini-release', status: 'suspended' }),
    ]);
    const { summary, events } = await client.getRun(runId());
    expect(summary.status).toBe('suspended');
    expect(events).toEqual(served.started.events);
  });

  it('streams a run’s events from a seq on', async () => {
    const { events } = await collect(
      (signal, out) =>
        client.stream({ onEvent: (e) => out.push(e) }, { runId: runId(), after: 3, signal }),
      (out) => out.length >= served.started.events.length - 3,
    );
    expect(events.map((e) => e.seq)).toEqual(served.started.events.slice(3).map((e) => e.seq));
  });

  it('streams every run’s new events once the server says it is ready: a note added comes', async () => {
    const { events, ready } = await collect(
      (signal, out, onReady) =>
        client.stream(
          {
            onReady: () => {
              onReady();
              void client.addNote(runId(), {
                kind: 'learning',
                text: 'Coverage went up with the new tests',
                stage: 'verify',
                by: 'logseq',
              });
            },
            onEvent: (e) => out.push(e),
          },
          { signal },
        ),
      (out) => out.some((e) => e.type === 'learning'),
    );
    expect(ready).toBe(true);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'learning',
        runId: runId(),
        stage: 'verify',
        text: 'Coverage went up with the new tests',
        by: 'logseq',
      }),
    ]);
  });

  it('completes the waiting agent step; the server drives the run to its end', async () => {
    await client.completeStep(runId(), 'release-notes', { output: '## 1.3.0', by: 'logseq' });
    await expect
      .poll(async () => (await client.getRun(runId())).summary.status, { timeout: 120_000 })
      .toBe('completed');
    const { events } = await client.getRun(runId());
    expect(events.find((e) => e.type === 'step_completed')).toMatchObject({
      step: 'release-notes',
      output: '## 1.3.0',
      by: 'logseq',
    });
    // Not waiting any more: the server's reason comes through.
    await expect(
      client.completeStep(runId(), 'release-notes', { output: 'again' }),
    ).rejects.toThrow(/409 run ".*" is already completed/);
  });

  it('says what is wrong: a bad token, a missing run, no server, a bad address', async () => {
    const wrong = new RunServerClient({
      baseUrl: served.server.url,
      token: 'not-the-token-at-all',
    });
    const refused = await wrong.listRuns().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RunServerError);
    expect((refused as RunServerError).status).toBe(401);
    expect((refused as Error).message).toBe(
      'GET /api/runs: 401 the token is wrong (check the token in the plugin settings)',
    );
    await expect(client.getRun('no-such-run')).rejects.toThrow('404 no run "no-such-run"');

    const nobody = new RunServerClient({ baseUrl: `http://127.0.0.1:${await freePort()}` });
    const unreachable = await nobody.listRuns().catch((e: unknown) => e);
    expect((unreachable as RunServerError).status).toBe(0);
    expect((unreachable as Error).message).toMatch(
      /^cannot reach the run server at http:\/\/127\.0\.0\.1:\d+ \(.*\): is `tta serve` running there/,
    );
    expect(() => new RunServerClient({ baseUrl: 'localhost:4319' })).toThrow(
      'the run server address "localhost:4319" is not an http(s) URL',
    );
  });
});
