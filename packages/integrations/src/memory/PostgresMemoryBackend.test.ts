import { Memory } from '@tta-dev/core';
import { describeMemoryBackend } from '@tta-dev/core/testing';
import { freePort, type PostgresServer, startPostgres } from '@tta-dev/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInvalidMemoryConfigError } from './InvalidMemoryConfigError.js';
import { isMemoryBackendError } from './MemoryBackendError.js';
import { MEMORY_SCHEMA_VERSION, PostgresMemoryBackend } from './PostgresMemoryBackend.js';

let server: PostgresServer;
let databases = 0;
/** A new database per test: each sees an empty memory on the one server. */
const freshDatabase = () => server.createDatabase(`memory_${++databases}`);

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

describeMemoryBackend(
  'PostgresMemoryBackend',
  async () => PostgresMemoryBackend.open({ url: await freshDatabase() }),
  (backend) => (backend as PostgresMemoryBackend).close(),
);

/** The rows of the last of `statements`, run in order on one connection. */
async function query<R extends pg.QueryResultRow>(
  url: string,
  ...statements: string[]
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let rows: R[] = [];
    for (const text of statements) rows = (await client.query<R>(text)).rows;
    return rows;
  } finally {
    await client.end();
  }
}

describe('PostgresMemoryBackend on a real server', () => {
  it("two backends (two machines) see each other's writes, deletes and searches", async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([
      PostgresMemoryBackend.open({ url }),
      PostgresMemoryBackend.open({ url }),
    ]);
    try {
      const onA = new Memory({ backend: a }).namespace('run:1');
      const onB = new Memory({ backend: b }).namespace('run:1');
      await onA.add('plan', { steps: ['build', 'ship'] }, { tags: ['planning'] });
      await onB.add('decision', 'ship on Friday', { tags: ['release'] });
      await onB.add('nothing', null);
      await onB.add('undefined', undefined);
      expect(await onB.get('plan')).toEqual({ steps: ['build', 'ship'] });
      expect(await onA.get('nothing')).toBeNull();
      expect(await onA.has('undefined')).toBe(true);
      expect(await onA.get('undefined')).toBeUndefined();
      expect((await onA.search('friday')).map((h) => h.key)).toEqual(['decision']);
      expect(await onB.delete('plan')).toBe(true);
      expect(await onA.get('plan')).toBeUndefined();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('creates its tables once when many processes start at once, versioned', async () => {
    const url = await freshDatabase();
    // Started together: the advisory lock makes the others wait, then find nothing to do.
    const backends = await Promise.all(
      Array.from({ length: 6 }, () => PostgresMemoryBackend.open({ url })),
    );
    await Promise.all(backends.map((b) => b.close()));
    expect(await query(url, 'SELECT id, version FROM tta_memory_schema')).toEqual([
      { id: 1, version: MEMORY_SCHEMA_VERSION },
    ]);
    const again = await PostgresMemoryBackend.open({ url });
    await again.close();
    // A newer schema than this code knows is refused, not changed.
    await query(url, 'UPDATE tta_memory_schema SET version = 99');
    await expect(PostgresMemoryBackend.open({ url })).rejects.toThrow(/schema version 99/);
  });

  it("expires an entry by the database's clock, though the writer's clock stands still", async () => {
    const url = await freshDatabase();
    const backend = await PostgresMemoryBackend.open({ url });
    try {
      const frozen = new Memory({ backend, now: () => 1_000 });
      await frozen.add('short', 'gone soon', { ttlMs: 50 });
      await frozen.add('long', 'stays');
      // Wait for the state (the database's clock passed expires_at), not for a span of time.
      const expired = "SELECT 1 FROM tta_memory WHERE key = 'short' AND expires_at <= now()";
      while ((await query(url, expired)).length === 0) await new Promise((r) => setImmediate(r));
      expect(await frozen.get('short')).toBeUndefined();
      expect(await frozen.keys()).toEqual(['long']);
      // Never returned, and removed lazily: the row is there until a sweep deletes it.
      expect(await query(url, "SELECT key FROM tta_memory WHERE key = 'short'")).toHaveLength(1);
      expect(await backend.deleteExpired()).toBe(1);
      expect(await query(url, 'SELECT key FROM tta_memory')).toEqual([{ key: 'long' }]);
      expect(await backend.delete('short')).toBe(false);
    } finally {
      await backend.close();
    }
  });

  it('lists by prefix literally (LIKE wildcards in keys), on the key index', async () => {
    const url = await freshDatabase();
    const backend = await PostgresMemoryBackend.open({ url });
    try {
      for (const key of ['a%b:1', 'a%b:2', 'axb:1', 'a_b:1', 'a\\b:1', 'é:1'])
        await backend.set({ key, value: key, tags: [], createdAt: 1, seq: 1 });
      const keysOf = async (prefix: string) =>
        (await backend.list(prefix)).map((e) => e.key).sort();
      expect(await keysOf('a%b:')).toEqual(['a%b:1', 'a%b:2']);
      expect(await keysOf('a_b')).toEqual(['a_b:1']);
      expect(await keysOf('a\\')).toEqual(['a\\b:1']);
      expect(await keysOf('é')).toEqual(['é:1']);
      expect(await keysOf('')).toHaveLength(6);
      // The planner can answer a prefix from the index (seq scans off: the table is tiny).
      const plan = await query<{ 'QUERY PLAN': string }>(
        url,
        'SET enable_seqscan = off',
        "EXPLAIN SELECT key FROM tta_memory WHERE key LIKE 'run:1:%'",
      );
      expect(JSON.stringify(plan)).toMatch(/Index.*tta_memory_key_prefix/);
    } finally {
      await backend.close();
    }
  });

  it('never shows the password of the URL in an error message', async () => {
    // A database that does not exist: the server answers with an error.
    const url = server.urlOf('no_such_db').replace('tta@', 'tta:s3cret-pa55@');
    const error = await PostgresMemoryBackend.open({ url }).catch((e: unknown) => e);
    expect(isMemoryBackendError(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(/database "no_such_db" does not exist/);
    expect(message).toContain(`postgres://tta:***@127.0.0.1:${server.port}/no_such_db`);
    expect(message).not.toContain('s3cret');
    // And where no server answers.
    const nobody = `postgres://tta:s3cret-pa55@127.0.0.1:${await freePort()}/x`;
    const refused = (await PostgresMemoryBackend.open({ url: nobody }).catch((e) => e)) as Error;
    expect(refused.message).toMatch(/ECONNREFUSED/);
    expect(refused.message).not.toContain('s3cret');
  });

  it("keeps its tables in the URL's ?schema= (as the run store does): one memory per schema", async () => {
    const url = await freshDatabase();
    const [a, a2, b, plain] = await Promise.all([
      PostgresMemoryBackend.open({ url: `${url}?schema=team_a` }),
      PostgresMemoryBackend.open({ url: `${url}?schema=team_a` }),
      PostgresMemoryBackend.open({ url: `${url}?schema=team_b` }),
      PostgresMemoryBackend.open({ url }),
    ]);
    try {
      await new Memory({ backend: a }).add('plan', 'of team a');
      expect(await new Memory({ backend: a2 }).get('plan')).toBe('of team a');
      expect(await new Memory({ backend: b }).has('plan')).toBe(false);
      expect(await new Memory({ backend: plain }).has('plan')).toBe(false);
      // The option wins over the URL's parameter.
      const chosen = await PostgresMemoryBackend.open({
        url: `${url}?schema=team_b`,
        schema: 'team_a',
      });
      expect(await new Memory({ backend: chosen }).get('plan')).toBe('of team a');
      await chosen.close();
    } finally {
      await Promise.all([a, a2, b, plain].map((m) => m.close()));
    }
    const tables = await query<{ table_schema: string }>(
      url,
      "SELECT table_schema FROM information_schema.tables WHERE table_name = 'tta_memory' ORDER BY 1",
    );
    expect(tables.map((t) => t.table_schema)).toEqual(['public', 'team_a', 'team_b']);
    expect(await query(url, 'SELECT key FROM team_a.tta_memory')).toHaveLength(1);
  });

  it('refuses a schema that is no plain SQL name, naming where the URL came from', async () => {
    const url = server.urlOf('x').replace('tta@', 'tta:s3cret-pa55@');
    const error = await PostgresMemoryBackend.open({
      url: `${url}?schema=x"y`,
      source: 'TTA_MEMORY',
    }).catch((e: unknown) => e);
    expect(isInvalidMemoryConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^TTA_MEMORY: schema "x\\"y" is not a plain SQL name/);
    expect((error as Error).message).not.toContain('s3cret');
  });
});
