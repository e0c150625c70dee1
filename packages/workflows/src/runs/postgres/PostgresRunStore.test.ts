import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { type PostgresServer, startPostgres } from '@tta-dev/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../testing/collect.js';
import { describeRunStore } from '../../testing/describeRunStore.js';
import type { RunEvent, RunEventInput } from '../RunEvent.js';
import { summarizeRun } from '../RunSummary.js';
import { migrate, SCHEMA_VERSION, tablesOf } from './_schema.js';
import { PostgresRunStore } from './PostgresRunStore.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

/** A fresh schema per store: as good as a new database, and cheaper. */
let schemas = 0;
const freshSchema = () => `t${++schemas}_${process.pid}`;

describeRunStore(
  'PostgresRunStore',
  (options) => new PostgresRunStore({ ...options, url: server.url, schema: freshSchema() }),
  (store) => (store as PostgresRunStore).close(),
);

const started: RunEventInput = {
  type: 'run_started',
  workflow: 'package-release',
  inputs: {},
  personas: ['backend'],
};
const step = (i: number): RunEventInput => ({
  type: 'step_started',
  stage: 'build',
  step: `step-${i}`,
  kind: 'run',
  attempt: 1,
});

/** Rows of `sql`, asked on a connection of its own. */
async function query<R>(sql: string): Promise<R[]> {
  const db = new pg.Client({ connectionString: server.url });
  await db.connect();
  try {
    return (await db.query(sql)).rows as R[];
  } finally {
    await db.end();
  }
}

/** Stores on one schema, each with its own pool: as many machines would have. */
async function machines<T>(count: number, work: (stores: PostgresRunStore[]) => Promise<T>) {
  const schema = freshSchema();
  const stores = Array.from(
    { length: count },
    () => new PostgresRunStore({ url: server.url, schema }),
  );
  try {
    return await work(stores);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

describe('PostgresRunStore on a real server', () => {
  it('never duplicates or skips a seq when machines append to one run at once', async () => {
    await machines(3, async ([a, b, c]) => {
      await a!.append('run-1', started);
      const appended = await Promise.all(
        [a!, b!, c!].flatMap((store, m) =>
          Array.from({ length: 15 }, (_, i) => store.append('run-1', step(m * 100 + i))),
        ),
      );
      const seqs = appended.map((e) => e.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 45 }, (_, i) => i + 2));
      const read = await b!.read('run-1');
      expect(read.map((e) => e.seq)).toEqual(Array.from({ length: 46 }, (_, i) => i + 1));
      // Every machine's summary is the fold of the whole log, whoever appended last.
      expect(await c!.summary('run-1')).toEqual({
        ...summarizeRun(read),
        status: 'interrupted',
      });
    });
  });

  it('starts a run once when machines start it at once', async () => {
    await machines(4, async (stores) => {
      const results = await Promise.allSettled(stores.map((s) => s.append('run-1', started)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results)
        if (r.status === 'rejected') expect(String(r.reason)).toMatch(/already started/);
      expect(await stores[0]!.read('run-1')).toHaveLength(1);
    });
  });

  it('gives one lease to exactly one of the machines asking at once', async () => {
    await machines(5, async (stores) => {
      const leases = await Promise.all(stores.map((s, i) => s.lease('run-1', `engine-${i}`)));
      expect(leases.filter((l) => l !== undefined)).toHaveLength(1);
    });
  });

  it('lets another machine take a lapsed lease over, by the database clock', async () => {
    await machines(2, async ([a, b]) => {
      const lease = await a!.lease('run-1', 'engine-a', { ttlMs: 1 });
      expect(lease).toBeDefined();
      // Expired by the database's clock once a millisecond has passed there: wait for that state.
      const db = new pg.Client({ connectionString: server.url });
      await db.connect();
      try {
        await db.query('SELECT pg_sleep(0.01)'); // the database's time moves on, not ours
      } finally {
        await db.end();
      }
      const taken = await b!.lease('run-1', 'engine-b', { ttlMs: 60_000 });
      expect(taken?.owner).toBe('engine-b');
      await expect(lease!.renew()).rejects.toThrow(/was lost/);
      expect(lease!.remainingMs?.()).toBe(0);
      expect(taken!.remainingMs!()).toBeGreaterThan(0);
      expect(taken!.remainingMs!()).toBeLessThanOrEqual(60_000);
      expect(await a!.lease('run-1', 'engine-a')).toBeUndefined();
    });
  });

  it('kills the commands a lapsed holder on this host left running when it takes its lease over', async () => {
    await machines(2, async ([a, b]) => {
      // A step's command, in its own process group, as runCommand starts it.
      const command = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
      const ended = once(command, 'exit');
      try {
        const lease = await a!.lease('run-1', 'engine-a', { ttlMs: 1 });
        await lease!.track!([command.pid!]);
        const db = new pg.Client({ connectionString: server.url });
        await db.connect();
        try {
          await db.query('SELECT pg_sleep(0.01)'); // lapsed by the database's clock
        } finally {
          await db.end();
        }
        expect((await b!.lease('run-1', 'engine-b', { ttlMs: 60_000 }))?.owner).toBe('engine-b');
        expect(await ended).toEqual([null, 'SIGKILL']);
      } finally {
        command.kill('SIGKILL');
      }
    });
  });

  it('migrates once when many processes start at once, and again is a no-op', async () => {
    const schema = freshSchema();
    const stores = Array.from(
      { length: 6 },
      () => new PostgresRunStore({ url: server.url, schema }),
    );
    try {
      await Promise.all(stores.map((s) => s.list()));
      const again = new PostgresRunStore({ url: server.url, schema });
      await again.append('run-1', started);
      await again.close();
      const db = new pg.Client({ connectionString: server.url });
      await db.connect();
      try {
        const { rows } = await db.query(`SELECT version FROM "${schema}".tta_schema`);
        expect(rows).toEqual([{ version: SCHEMA_VERSION }]);
      } finally {
        await db.end();
      }
      expect(await stores[0]!.read('run-1')).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("writes no run row at a step's progress, and lists what folding the events gives", async () => {
    await machines(2, async ([writer, reader]) => {
      const schema = writer!.schema;
      await writer!.append('run-1', started);
      await writer!.append('run-1', { type: 'stage_started', stage: 'build', persona: 'backend' });
      const version = () =>
        query<{ xmin: string }>(`SELECT xmin FROM "${schema}".tta_runs WHERE run_id = 'run-1'`);
      const before = await version();
      for (let i = 1; i <= 5; i++) await writer!.append('run-1', step(i));
      expect(await version()).toEqual(before);
      const events = await reader!.read('run-1');
      expect(events).toHaveLength(7);
      // Nobody holds its lease: the run is listed as interrupted, the rest as its fold says.
      const listed = (events: RunEvent[]) => ({ ...summarizeRun(events), status: 'interrupted' });
      expect(await reader!.summary('run-1')).toEqual(listed(events));
      expect(await reader!.list()).toEqual([listed(events)]);
      // Another machine's append is taken in by the next one here, at the next seq.
      await reader!.append('run-1', { type: 'decision', stage: 'build', text: 'ship', by: 'lead' });
      const appended = await writer!.append('run-1', {
        type: 'stage_completed',
        stage: 'build',
        durationMs: 5,
      });
      expect(appended.seq).toBe(9);
      const all = await writer!.read('run-1');
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(await reader!.list()).toEqual([listed(all)]);
    });
  });

  it('upgrades a schema of version 1, keeping its runs', async () => {
    const schema = freshSchema();
    const tables = tablesOf(schema);
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      await migrate(db as unknown as pg.PoolClient, tables, 1);
      const event = { seq: 1, time: '2026-12-01T10:00:00.000Z', runId: 'run-1', ...started };
      const summary = summarizeRun([event as RunEvent])!;
      await db.query(
        `INSERT INTO ${tables.events} (run_id, seq, time, type, event) VALUES ('run-1', 1, $1, 'run_started', $2)`,
        [event.time, event],
      );
      await db.query(
        `INSERT INTO ${tables.runs} (run_id, workflow, status, started, updated, events, summary)
         VALUES ('run-1', 'package-release', 'running', $1, $1, 1, $2)`,
        [event.time, summary],
      );
      const store = new PostgresRunStore({ url: server.url, schema });
      try {
        expect(await store.list()).toEqual([{ ...summary, status: 'interrupted' }]);
        await store.append('run-1', step(1));
        const [first, second] = await store.read('run-1');
        expect(first).toEqual(event);
        expect(second?.seq).toBe(2);
      } finally {
        await store.close();
      }
      const { rows } = await db.query(`SELECT version FROM ${tables.version}`);
      expect(rows).toEqual([{ version: SCHEMA_VERSION }]);
    } finally {
      await db.end();
    }
  });

  it('tells a follower on another machine of each append, and its change readers', async () => {
    await machines(2, async ([writer, reader]) => {
      await writer!.append('run-1', started);
      const controller = new AbortController();
      const seen = collect(reader!.follow('run-1', { signal: controller.signal }));
      await seen.until((events) => events.length >= 1);
      for (let i = 1; i <= 3; i++) await writer!.append('run-1', step(i));
      await seen.until((events) => events.length >= 4);
      expect(seen.items.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      controller.abort();
      await seen.ended();
    });
  });

  it('follows on after the listening connection is cut, missing nothing', async () => {
    await machines(2, async ([writer, reader]) => {
      await writer!.append('run-1', started);
      const controller = new AbortController();
      const seen = collect(reader!.follow('run-1', { signal: controller.signal }));
      await seen.until((events) => events.length >= 1);
      // Cut every LISTENing connection, then append while it is down.
      const db = new pg.Client({ connectionString: server.url });
      await db.connect();
      try {
        await db.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
        );
      } finally {
        await db.end();
      }
      await writer!.append('run-1', step(1));
      await writer!.append('run-1', step(2));
      await seen.until((events) => events.length >= 3);
      expect(seen.items.map((e) => e.seq)).toEqual([1, 2, 3]);
      controller.abort();
      await seen.ended();
    });
  });

  it('never shows the password of its URL in an error', async () => {
    const password = 's3cr3t-Pa55word';
    const url = new URL(server.urlOf('no_such_database'));
    url.username = 'tta';
    url.password = password;
    const store = new PostgresRunStore({ url: url.toString() });
    try {
      expect(store.url).not.toContain(password);
      expect(store.url).toContain('***');
      const error = (await store.list().catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/no_such_database/);
      expect(`${error.message} ${error.stack}`).not.toContain(password);
    } finally {
      await store.close();
    }
    expect(
      () => new PostgresRunStore({ url: `postgres://u:${password}@h:1/db?schema=bad-name` }),
    ).toThrow(/schema/);
    let thrown: unknown;
    try {
      new PostgresRunStore({ url: `postgres://u:${password}@h:1/db?schema=bad-name` });
    } catch (error) {
      thrown = error;
    }
    expect(String(thrown)).not.toContain(password);
  });

  it('lets a process exit: close() ends the pool and the listener, and ends followers', async () => {
    const store = new PostgresRunStore({ url: server.url, schema: freshSchema() });
    await store.append('run-1', started);
    const following = collect(store.follow('run-1'));
    const changes = collect(store.changes());
    await following.until((events) => events.length >= 1);
    await store.close();
    await following.ended();
    expect(following.items.map((e) => e.seq)).toEqual([1]);
    await changes.ended();
    await expect(store.read('run-1')).rejects.toThrow(/closed/);
  });
});
