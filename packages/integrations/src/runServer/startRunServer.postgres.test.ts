import { type PostgresServer, startPostgres } from '@tta-dev/testkit';
import { PostgresRunStore, type RunEvent, type RunEventInput } from '@tta-dev/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse } from './sse.testkit.js';
import { startRunServer } from './startRunServer.js';

const TOKEN = 'test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
const started: RunEventInput = {
  type: 'run_started',
  workflow: 'package-release',
  inputs: {},
  personas: ['backend'],
};
const learning = (text: string): RunEventInput => ({ type: 'learning', text, by: 'bob' });
const parsed = (frame: { data: string }) => JSON.parse(frame.data) as RunEvent;

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

describe('the run server on a PostgreSQL run store', () => {
  it("streams every runner's events live: other machines' appends, new runs too", async () => {
    const url = await pg.createDatabase('feed');
    const served = new PostgresRunStore({ url });
    const runner = new PostgresRunStore({ url }); // another machine
    await runner.append('run-1', started);
    const server = await startRunServer({ store: served, version: 't', token: TOKEN });
    const all = await openSse(`${server.url}/api/events`, { headers: auth });
    try {
      await all.message('ready');
      const after = await runner.append('run-1', learning('after ready'));
      expect(parsed(await all.message())).toEqual(after);
      await runner.append('run-2', started);
      expect(parsed(await all.message())).toMatchObject({ runId: 'run-2', seq: 1 });
      const one = await openSse(`${server.url}/api/runs/run-2/events`, { headers: auth });
      try {
        expect(parsed(await one.message())).toMatchObject({ runId: 'run-2', seq: 1 });
        await runner.append('run-2', learning('on run 2'));
        expect(parsed(await one.message())).toMatchObject({ seq: 2, text: 'on run 2' });
        expect(parsed(await all.message())).toMatchObject({ runId: 'run-2', seq: 2 });
      } finally {
        await one.close();
      }
      const listed = (await (await fetch(`${server.url}/api/runs`, { headers: auth })).json()) as {
        runs: { runId: string }[];
      };
      expect(listed.runs.map((r) => r.runId)).toEqual(['run-2', 'run-1']);
    } finally {
      await all.close();
      await server.close();
      await Promise.all([served.close(), runner.close()]);
    }
  });
});
