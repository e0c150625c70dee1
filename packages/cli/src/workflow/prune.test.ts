import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PostgresServer, startPostgres } from '@tta-dev/testkit';
import {
  FileRunStore,
  PostgresRunStore,
  type RunEventInput,
  type RunStore,
} from '@tta-dev/workflows';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { runWorkflowCommand } from './workflowCommand.js';

const DAY = 86_400_000;
const PASSWORD = 'prune-Pa55-word';
const started: RunEventInput = {
  type: 'run_started',
  workflow: 'package-release',
  inputs: {},
  personas: ['backend'],
};
const completed: RunEventInput = { type: 'run_completed', durationMs: 1, metrics: {} };

let pg: PostgresServer;
let databases = 0;
let project: string;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});
beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'tta-prune-'));
});
afterEach(async () => {
  await rm(project, { recursive: true, force: true });
});

interface Target {
  env: Record<string, string>;
  /** A store on the same runs, its clock `daysAgo` days back. */
  store(daysAgo: number): RunStore & { close(): Promise<void> };
}

const targets: [string, () => Promise<Target>][] = [
  [
    'the file store',
    async () => ({
      env: {},
      store: (daysAgo) => new FileRunStore({ cwd: project, now: () => Date.now() - daysAgo * DAY }),
    }),
  ],
  [
    'a PostgreSQL store',
    async () => {
      const url = new URL(await pg.createDatabase(`prune_${++databases}`));
      url.password = PASSWORD; // the server trusts loopback: the password is only there to hide
      return {
        env: { TTA_RUN_STORE: url.toString() },
        store: (daysAgo) =>
          new PostgresRunStore({ url: url.toString(), now: () => Date.now() - daysAgo * DAY }),
      };
    },
  ],
];

describe.each(targets)('tta workflow prune on %s', (_name, makeTarget) => {
  async function run(target: Target, args: string[]) {
    const io = captureIo({
      env: { TTA_HOME: join(project, 'home'), NO_COLOR: '1', ...target.env },
      cwd: project,
    });
    const code = await runSafely(io, () => runWorkflowCommand(args, io));
    return { code, out: io.out(), err: io.err() };
  }

  async function seed(target: Target, runId: string, daysAgo: number, events: RunEventInput[]) {
    const store = target.store(daysAgo);
    try {
      for (const event of events) await store.append(runId, event);
    } finally {
      await store.close();
    }
  }

  it('lists with --dry-run, then removes the runs that ended before the age, and no other', async () => {
    const target = await makeTarget();
    await seed(target, 'old-done', 100, [started, completed]);
    await seed(target, 'old-failed', 100, [
      started,
      { type: 'run_failed', error: { name: 'Error', message: 'x' } },
    ]);
    await seed(target, 'new-done', 2, [started, completed]);
    const dry = await run(target, ['prune', '--older-than', '30d', '--dry-run']);
    expect(dry).toMatchObject({ code: 0, err: '' });
    expect(dry.out).toMatch(/old-done\s+package-release\s+completed/);
    expect(dry.out).toContain('Would remove 1 run (completed or cancelled');
    expect(dry.out).not.toContain(PASSWORD);
    const json = await run(target, ['prune', '--older-than', '30d', '--json']);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.out);
    expect(result).toMatchObject({ dryRun: false, busy: [], statuses: ['completed', 'cancelled'] });
    expect(result.removed.map((r: { runId: string }) => r.runId)).toEqual(['old-done']);
    expect(json.out).not.toContain(PASSWORD);
    const status = await run(target, ['status', '--json']);
    expect(
      JSON.parse(status.out)
        .runs.map((r: { runId: string }) => r.runId)
        .sort(),
    ).toEqual(['new-done', 'old-failed']);
    const failed = await run(target, ['prune', '--older-than', '30d', '--status', 'failed']);
    expect(failed.out).toContain('✓ removed 1 run (failed');
  });

  it('refuses bad arguments with exit 2, naming the option', async () => {
    const target = await makeTarget();
    const cases: [string[], RegExp][] = [
      [['prune'], /--older-than is required/],
      [['prune', '--older-than', '90'], /--older-than must be .* got "90"/],
      [['prune', '--older-than', '0d'], /--older-than must be/],
      [['prune', '--older-than', '9d', '--status', 'running'], /--status takes .*got "running"/],
      [['prune', 'run-1', '--older-than', '9d'], /takes no run ids/],
    ];
    for (const [args, message] of cases) {
      const result = await run(target, args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toMatch(message);
    }
  });
});
