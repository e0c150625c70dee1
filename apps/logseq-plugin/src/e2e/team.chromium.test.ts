import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PostgresServer, startPostgres } from '@tta-dev/testkit';
import { foldRun, type OpenedRunStore, openRunStore, type RunEvent } from '@tta-dev/workflows';
import { runJournal } from '@tta-dev/workflows/journal';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_TOKEN } from '../runs/realRun.testkit.js';
import { startTta, type TtaProcess } from '../runs/ttaProcess.testkit.js';
import {
  expectJournalWritten,
  openPanel,
  type PluginHosts,
  pageIn,
  startPluginHosts,
  statusKey,
  VERSIONS,
} from './pluginHosts.testkit.js';

/**
 * Issue 16's "done when", in the plugin: a team's run store on a real PostgreSQL, served by a
 * real `tta serve` process, the run queued with `tta workflow run --queue` and driven by two
 * `tta worker` processes (the "other machines"), one SIGKILLed in the middle of a step. The
 * built plugin, in Logseq 0.10.15 and 2.0.1 (see pluginHosts.testkit.ts), follows it live
 * through the server and writes its pages; the run finishes on the other worker by itself.
 */
const RUN = 'team-1';

// `package` says when it began (so the test kills its worker mid-step, never after a sleep) and
// goes on only once the test lets it (the file `go`); each step records the worker that ran it.
const WORKFLOW = `name: team-release
description: A release two workers share.
stages:
  - id: build
    title: Build
    persona: backend
    steps:
      - id: compile
        run: echo "compile $WORKER" >> steps.log
      - id: package
        run: echo "package $WORKER" >> started.log && while [ ! -f go ]; do sleep 0.05; done && echo "package $WORKER" >> steps.log
    gates:
      - id: packaged
        expression: "\${{ steps.package.output.exitCode == 0 }}"
  - id: ship
    title: Ship
    persona: devops
    steps:
      - id: publish
        run: echo "publish $WORKER" >> steps.log
`;

let root: string;
let project: string;
let pg: PostgresServer;
let storeUrl: string;
let store: OpenedRunStore;
let server: TtaProcess;
let hosts: PluginHosts;
const workers: TtaProcess[] = [];

const env = (worker: string): NodeJS.ProcessEnv => ({
  ...process.env,
  TTA_RUN_STORE: storeUrl,
  TTA_HOME: join(root, 'home'),
  NO_COLOR: '1',
  WORKER: worker,
});

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-plugin-team-'));
  project = join(root, 'project');
  await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
  await writeFile(join(project, '.tta', 'workflows', 'team-release.workflow.yaml'), WORKFLOW);
  pg = await startPostgres();
  storeUrl = await pg.createDatabase('runs');
  store = openRunStore({ cwd: project, env: { TTA_RUN_STORE: storeUrl } });
  server = startTta(['serve', '--port', '0', '--json', '--token', TEST_TOKEN], {
    cwd: project,
    env: env('server'),
  });
  const listening = JSON.parse(await server.line((l) => l.startsWith('{'))) as {
    url: string;
    runs: string;
  };
  // The server names its store without the URL's secrets.
  expect(listening.runs).toContain('postgres');
  hosts = await startPluginHosts({ dir: root, serverUrl: listening.url, token: TEST_TOKEN });
});

afterAll(async () => {
  await hosts?.close();
  for (const p of [...workers, server]) p?.child.kill('SIGKILL');
  await Promise.all([...workers, server].map((p) => p?.exited));
  await store?.close();
  await pg?.stop();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

const events = (): Promise<RunEvent[]> => store.read(RUN);
const lines = async (file: string) =>
  (await readFile(join(project, file), 'utf8').catch(() => '')).split('\n').filter(Boolean);
const runItem = (version: (typeof VERSIONS)[number]) =>
  hosts.panelOf(version).locator(`.run[data-run-id="${RUN}"]`);
/** Resolves once `check` holds, looking again each time the project's files may have changed. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('the plugin on a team’s PostgreSQL: tta serve, two tta workers, one killed', () => {
  it('shows the run queued, running on one worker, then completed by the other, and writes its pages', async () => {
    for (const version of VERSIONS) await openPanel(hosts, version);

    const queued = startTta(['workflow', 'run', 'team-release', '--queue', '--run-id', RUN], {
      cwd: project,
      env: env('cli'),
    });
    expect(await queued.exited).toBe(0);
    // The panel learns of the new run live, from the server's all-runs stream.
    for (const version of VERSIONS)
      await runItem(version).locator('.status', { hasText: 'queued for a worker' }).waitFor();

    const a = startTta(['worker', '--json', '--lease-ms', '2000'], { cwd: project, env: env('a') });
    const b = startTta(['worker', '--json', '--lease-ms', '2000'], { cwd: project, env: env('b') });
    workers.push(a, b);
    const byName = new Map([
      ['a', a],
      ['b', b],
    ]);
    // Whichever claims the run starts `package`: it is killed in the middle of it.
    await until(async () => (await lines('started.log')).length > 0);
    const first = (await lines('started.log'))[0]!.split(' ')[1]!;
    const holder = byName.get(first)!;
    const other = first === 'a' ? b : a;
    for (const version of VERSIONS) {
      await runItem(version).locator('.status', { hasText: 'running' }).waitFor();
      expect(
        await runItem(version).locator('.stage[data-stage="build"] .stage-state').textContent(),
      ).toBe('running');
    }
    holder.child.kill('SIGKILL');
    expect(await holder.exited).toBeNull();

    // The other worker claims the run once the dead one's lease lapses, and starts `package`
    // again; only then is the step let go (the dead worker's command was killed by then).
    const otherName = first === 'a' ? 'b' : 'a';
    await until(async () => (await lines('started.log')).includes(`package ${otherName}`));
    await writeFile(join(project, 'go'), '');
    for (const version of VERSIONS)
      await runItem(version).locator('.status', { hasText: 'completed' }).waitFor({
        timeout: 120_000,
      });

    const all = await events();
    expect(foldRun(all)?.status).toBe('completed');
    // Two drives: the killed worker's, then the other's, which found the run interrupted.
    const drives = all.flatMap((e) => (e.type === 'run_resumed' ? [e.by] : []));
    expect(drives.map((by) => Number(by.split(':')[1]))).toEqual([
      holder.child.pid,
      other.child.pid,
    ]);
    expect(drives.every((by) => by.endsWith(':worker'))).toBe(true);
    expect(await lines('steps.log')).toEqual([
      `compile ${first}`,
      `package ${otherName}`,
      `publish ${otherName}`,
    ]);
    expect(
      all
        .filter((e) => e.type === 'step_succeeded')
        .map((e) => e.type === 'step_succeeded' && e.step),
    ).toEqual(['compile', 'package', 'publish']);
    const finished = JSON.parse(await other.line((l) => l.includes('"type":"finished"'))) as {
      runId: string;
      status: string;
    };
    expect(finished).toMatchObject({ runId: RUN, status: 'completed' });
    const claims = other
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(claims).toContainEqual(
      expect.objectContaining({ type: 'claimed', runId: RUN, was: 'interrupted' }),
    );
    expect(claims.filter((c) => c.type === 'error')).toEqual([]);

    // The pages follow the run to its end, in both graphs.
    const journal = runJournal(all, { prefix: 'TTA' });
    for (const version of VERSIONS)
      await vi.waitFor(
        async () => {
          expect(
            (await pageIn(hosts, version, journal.pages[0]!))?.properties[statusKey(version)],
          ).toBe('completed');
          await expectJournalWritten(hosts, version, journal);
        },
        { timeout: 120_000, interval: 100 },
      );
    for (const version of VERSIONS)
      expect(await hosts.panelOf(version).locator('.connection').textContent()).toBe('live');
    expect(hosts.problems).toEqual([]);
  });
});
