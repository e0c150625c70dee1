import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PostgresServer, startPostgres } from '@tta-dev/testkit';
import { openRunStore } from '@tta-dev/workflows';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RawGateway } from './rawJsonRpc.testkit.js';

let server: PostgresServer;
let root: string;
let databases = 0;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-serve-runs-'));
  await mkdir(join(root, 'home'));
  await mkdir(join(root, 'project', '.tta'), { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('tta mcp serve on a PostgreSQL run store (real server)', () => {
  it("reads the team's runs, and exits once stdin closes: the store's connections are let go", async () => {
    const url = await server.createDatabase(`runs_${++databases}`);
    const project = join(root, 'project');
    const store = openRunStore({ cwd: project, env: { TTA_RUN_STORE: url } });
    await store.append('team-1', {
      type: 'run_started',
      workflow: 'ship',
      inputs: {},
      personas: ['tta-backend-engineer'],
    });
    await store.close();

    const gateway = new RawGateway(['--project', project], {
      PATH: process.env.PATH ?? '',
      TTA_HOME: join(root, 'home'),
      TTA_RUN_STORE: url,
      NO_COLOR: '1',
    });
    try {
      await gateway.initialize();
      const { result } = await gateway.request('tools/call', {
        name: 'workflow_runs',
        arguments: {},
      });
      expect(result?.isError).not.toBe(true);
      expect(JSON.stringify(result?.content)).toContain('team-1');
      // The client goes away: the gateway stops, closing the pool it opened for the tools.
      gateway.closeStdin();
      expect(await gateway.exited).toBe(0);
      expect(gateway.stderr).not.toMatch(/error/i);
    } finally {
      await gateway.close();
    }
  });
});
