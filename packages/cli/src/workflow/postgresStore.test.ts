import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PostgresServer, startPostgres } from '@tta-dev/testkit';
import { PostgresRunStore } from '@tta-dev/workflows';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { runWorkflowCommand } from './workflowCommand.js';

const PASSWORD = 'pg-Pa55-word-xyz';
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'bin', 'tta.js');

let pg: PostgresServer;
let url: string;
let databases = 0;
let home: string;
let project: string;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'tta-home-'));
  project = await mkdtemp(join(tmpdir(), 'tta-project-'));
  const plain = new URL(await pg.createDatabase(`cli_${++databases}`));
  plain.password = PASSWORD; // the server trusts loopback: the password is only there to hide
  url = plain.toString();
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(project, { recursive: true, force: true });
});

async function run(args: string[], env: Record<string, string> = { TTA_RUN_STORE: url }) {
  const io = captureIo({ env: { TTA_HOME: home, ...env }, cwd: project });
  const code = await runSafely(io, () => runWorkflowCommand(args, io));
  return { code, out: io.out(), err: io.err() };
}

describe('tta workflow on a PostgreSQL run store (TTA_RUN_STORE)', () => {
  it('status lists the runs there and says which store, the password as ***', async () => {
    const store = new PostgresRunStore({ url });
    await store.append('team-run', {
      type: 'run_started',
      workflow: 'package-release',
      inputs: {},
      personas: ['backend'],
    });
    await store.close();
    const text = await run(['status']);
    expect(text.code).toBe(0);
    expect(text.out).toContain('team-run');
    expect(text.out).toContain(`tta:***@127.0.0.1:${pg.port}/cli_`);
    const json = await run(['status', '--json']);
    const listed = JSON.parse(json.out) as { store: string; runs: { runId: string }[] };
    expect(listed.store).toContain(':***@');
    expect(listed.runs.map((r) => r.runId)).toEqual(['team-run']);
    const one = JSON.parse((await run(['status', 'team-run', '--json'])).out);
    expect(one).toMatchObject({ runId: 'team-run', store: listed.store });
    const noted = await run(['note', 'team-run', '--learning', 'Shared by the team']);
    expect(noted.code).toBe(0);
    const events = await new PostgresRunStore({ url }).read('team-run');
    expect(events.at(-1)).toMatchObject({ type: 'learning', text: 'Shared by the team' });
    for (const r of [text, json, noted]) expect(r.out + r.err).not.toContain(PASSWORD);
  });

  it('refuses a TTA_RUN_STORE it does not know with exit 2, naming it, hiding the password', async () => {
    const bad = await run(['status'], { TTA_RUN_STORE: `mysql://root:${PASSWORD}@db/runs` });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/TTA_RUN_STORE: .*not a run store/);
    expect(bad.err).not.toContain(PASSWORD);
  });

  it('exits when the command is done: the store lets go of its connections', async () => {
    const child = spawn(process.execPath, [BIN, 'workflow', 'status', '--json'], {
      cwd: project,
      env: { ...process.env, TTA_HOME: home, TTA_RUN_STORE: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ runs: [] });
  });
});
