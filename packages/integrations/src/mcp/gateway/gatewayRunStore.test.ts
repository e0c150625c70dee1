import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PostgresServer, startPostgres } from '@tta-dev/testkit';
import { openRunStore } from '@tta-dev/workflows';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultText, startHarness } from './gateway.testkit.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

/** The other sessions on database `name`, as the server lists them (this query's apart). */
async function sessionsOn(name: string): Promise<number> {
  const client = new pg.Client({ connectionString: server.urlOf('postgres') });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

describe('the run store the gateway opens for its workflow tools (real PostgreSQL)', () => {
  it('is the configured one, and closed with the gateway: no connection is left', async () => {
    const url = await server.createDatabase('gateway_runs');
    const project = await mkdtemp(join(tmpdir(), 'tta-gateway-project-'));
    const store = openRunStore({ cwd: project, env: { TTA_RUN_STORE: url } });
    await store.append('team-1', {
      type: 'run_started',
      workflow: 'ship',
      inputs: {},
      personas: ['builder'],
    });
    await store.close();

    const gateway = await startHarness(
      {},
      {
        active: 'builder',
        project,
        gateway: { env: { PATH: process.env.PATH, TTA_RUN_STORE: url } },
      },
    );
    const result = await gateway.client.callTool({ name: 'workflow_runs', arguments: {} });
    expect(result.isError).not.toBe(true);
    expect(resultText(result)).toContain('team-1');
    expect(await sessionsOn('gateway_runs')).toBeGreaterThan(0);
    // A session ends (pg_stat_activity drops it) before its socket closes, which pool.end() awaits.
    await gateway.close();
    expect(await sessionsOn('gateway_runs')).toBe(0);
  });
});
