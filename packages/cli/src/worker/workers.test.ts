import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PersonaRegistry } from '@tta-dev/personas';
import { startPostgres } from '@tta-dev/testkit';
import {
  foldRun,
  loadWorkflowFile,
  openRunStore,
  type RunStore,
  WorkflowEngine,
} from '@tta-dev/workflows';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const tta = fileURLToPath(new URL('../../dist/bin/tta.js', import.meta.url));

/**
 * The stores the workers are tested on: each starts what it needs (once per file) and gives the
 * environment that selects it, for the workers and for the test's own reads (`openRunStore`):
 * the project's files, and a real PostgreSQL (a new server, `TTA_RUN_STORE`), the team's case.
 */
interface StoreUnderTest {
  readonly name: string;
  start(): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
}
const STORES: StoreUnderTest[] = [
  { name: 'file store', start: async () => ({ env: {}, stop: async () => undefined }) },
  {
    name: 'Postgres store',
    start: async () => {
      const pg = await startPostgres();
      return { env: { TTA_RUN_STORE: await pg.createDatabase('runs') }, stop: () => pg.stop() };
    },
  },
];

const RUNS = 30;

// Each step records the run, the step and the worker that ran it when its work is done; the slow
// step also says when it began (so the test kills a worker mid-step, not after a sleep).
const WORKFLOW = `name: multi
description: Three stages; the last runs on deploy workers only.
inputs:
  n: { type: string, required: true }
stages:
  - id: build
    title: Build
    persona: backend
    steps:
      - id: s1
        run: echo "\${{ inputs.n }} s1 $WORKER" >> steps.log
      - id: s2
        idempotent: true
        run: echo "\${{ inputs.n }} s2 $WORKER" >> started.log && sleep 0.3 && echo "\${{ inputs.n }} s2 $WORKER" >> steps.log
  - id: test
    title: Test
    persona: qa
    steps:
      - id: t1
        run: echo "\${{ inputs.n }} t1 $WORKER" >> steps.log
  - id: deploy
    title: Deploy
    persona: devops
    runsOn: [deploy]
    steps:
      - id: d1
        run: echo "\${{ inputs.n }} d1 $WORKER" >> steps.log
`;

const ASK = `name: ask
description: An answer, then a step.
stages:
  - id: q
    title: Q
    persona: backend
    steps:
      - { id: answer, agent: Say yes }
      - { id: after, run: echo "after $WORKER" >> after.log }
`;

const HOLD = `name: hold
description: A step that waits to be let go, then another.
stages:
  - id: h
    title: H
    persona: backend
    steps:
      - id: wait
        run: echo started >> hold.log && while [ ! -f go ]; do sleep 0.05; done && echo done >> hold.log
      - { id: next, run: echo next >> hold.log }
`;

const QUICK = `name: quick
description: One step.
stages:
  - { id: q, title: Q, persona: qa, steps: [{ id: s, run: echo quick }] }
`;

let root: string;
let project: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-workers-'));
  project = join(root, 'project');
  await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
  await writeFile(join(project, '.tta', 'workflows', 'multi.workflow.yaml'), WORKFLOW);
  await writeFile(join(project, '.tta', 'workflows', 'ask.workflow.yaml'), ASK);
  await writeFile(join(project, '.tta', 'workflows', 'hold.workflow.yaml'), HOLD);
  await writeFile(join(project, '.tta', 'workflows', 'quick.workflow.yaml'), QUICK);
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

const lines = async (file: string) =>
  (await readFile(join(project, file), 'utf8').catch(() => '')).split('\n').filter(Boolean);

/** Resolves once `check` holds, looking each time the project's files may have changed. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe.each(STORES)('tta worker processes on the $name', ({ start }) => {
  let storeEnv: Record<string, string> = {};
  let stopStore: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ env: storeEnv, stop: stopStore } = await start());
  });
  afterAll(() => stopStore?.());
  const open = (cwd: string): RunStore => openRunStore({ cwd, env: storeEnv });

  const env = (worker: string) => ({
    ...process.env,
    ...storeEnv,
    TTA_HOME: join(root, 'home'),
    NO_COLOR: '1',
    WORKER: worker,
  });

  function tta_(args: string[], worker = 'cli') {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [tta, ...args],
        { cwd: project, env: env(worker) },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
      );
    });
  }

  function worker(name: string, args: string[]) {
    const child = spawn(process.execPath, [tta, 'worker', '--json', ...args], {
      cwd: project,
      env: env(name),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = once(child, 'exit').then(([code]) => code as number | null);
    return { child, exited, output: () => ({ stdout, stderr }) };
  }

  it('three workers finish 30 runs, one SIGKILLed mid-step: none lost, no success twice, stages placed', async () => {
    const store = open(project);
    // One run queued by the command a person types, the others by the library, faster.
    const queued = await tta_([
      'workflow',
      'run',
      'multi',
      '--queue',
      '--input',
      'n=0',
      '--run-id',
      'r0',
      '--json',
    ]);
    expect(queued.code).toBe(0);
    expect(JSON.parse(queued.stdout)).toMatchObject({ runId: 'r0', status: 'queued' });
    const registry = await PersonaRegistry.load({ home: join(root, 'home'), cwd: project });
    const workflow = await loadWorkflowFile(
      join(project, '.tta', 'workflows', 'multi.workflow.yaml'),
      { registry },
    );
    const engine = new WorkflowEngine({ store, registry, cwd: project });
    for (let n = 1; n < RUNS; n++) await engine.queue(workflow, { n: String(n) }, `r${n}`);
    expect((await store.list()).every((r) => r.status === 'queued')).toBe(true);

    const common = ['--concurrency', '3', '--lease-ms', '2000'];
    const a = worker('a', common);
    const b = worker('b', common);
    const c = worker('c', [...common, '--labels', 'deploy']);
    // b is killed while one of its steps runs.
    await until(async () => (await lines('started.log')).some((l) => l.endsWith(' s2 b')));
    b.child.kill('SIGKILL');
    expect(await b.exited).toBeNull();

    await until(
      async () => (await store.list()).filter((r) => r.status === 'completed').length === RUNS,
    );
    a.child.kill('SIGTERM');
    c.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await c.exited).toBe(0);

    const done = await lines('steps.log');
    const names = new Map([a, b, c].map((w, i) => [w.child.pid, 'abc'[i]!]));
    /** Who recorded each run's s2 as done. */
    const s2By = new Map<string, string | undefined>();
    for (let n = 0; n < RUNS; n++) {
      const events = await store.read(`r${n}`);
      expect(foldRun(events)?.status).toBe('completed');
      for (const step of ['s1', 's2', 't1', 'd1']) {
        const label = `r${n} ${step}`;
        // Recorded a success once, and never started again after it.
        const succeeded = events.filter((e) => e.type === 'step_succeeded' && e.step === step);
        expect(succeeded, label).toHaveLength(1);
        const after = events.filter(
          (e) => e.type === 'step_started' && e.step === step && e.seq > succeeded[0]!.seq,
        );
        expect(after, label).toEqual([]);
        // The worker whose drive recorded it did it last; a step that ran twice was cut by the
        // kill before its success was recorded (at least once: its work may have happened).
        const drive = events
          .filter((e) => e.type === 'run_resumed' && e.seq < succeeded[0]!.seq)
          .at(-1);
        const by =
          drive?.type === 'run_resumed' ? names.get(Number(drive.by.split(':')[1])) : undefined;
        const ran = done.filter((l) => l.startsWith(`${n} ${step} `)).map((l) => l.split(' ')[2]);
        expect(ran.at(-1), label).toBe(by);
        if (step === 's2') s2By.set(String(n), by);
        expect(ran.length === 1 || (ran.length === 2 && ran[0] === 'b' && by !== 'b'), label).toBe(
          true,
        );
      }
    }
    // Deploy stages ran on the deploy worker only.
    expect(done.filter((l) => / d1 /.test(l)).every((l) => l.endsWith(' d1 c'))).toBe(true);
    // The runs b was in the middle of were finished by the others.
    const cut = (await lines('started.log'))
      .filter((l) => l.endsWith(' s2 b'))
      .map((l) => l.split(' ')[0]!)
      .filter((n) => s2By.get(n) !== 'b');
    expect(cut.length).toBeGreaterThan(0);
    for (const n of cut) expect(s2By.get(n)).toMatch(/^[ac]$/);
    // Every claim and finish was said, as JSON lines.
    const claims = [a, c].flatMap((w) =>
      w
        .output()
        .stdout.split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string }),
    );
    expect(claims.some((e) => e.type === 'claimed')).toBe(true);
    expect(claims.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('two processes complete one agent step at once: exactly one wins, and a worker goes on', async () => {
    const store = open(project);
    expect((await tta_(['workflow', 'run', 'ask', '--queue', '--run-id', 'q'])).code).toBe(0);
    const first = worker('a', ['--once']);
    expect(await first.exited).toBe(0);
    expect(foldRun(await store.read('q'))?.status).toBe('suspended');
    const both = await Promise.all([
      tta_(['workflow', 'complete', 'q', 'answer', '--output', '"yes"', '--by', 'one']),
      tta_(['workflow', 'complete', 'q', 'answer', '--output', '"yes"', '--by', 'two']),
    ]);
    expect(both.map((r) => r.code).sort()).toEqual([0, 2]);
    const state = foldRun(await store.read('q'))!;
    expect(state.status).toBe('queued');
    const second = worker('b', ['--once']);
    expect(await second.exited).toBe(0);
    expect(foldRun(await store.read('q'))?.status).toBe('completed');
    expect(await lines('after.log')).toEqual(['after b']);
  });

  it('SIGTERM: the step under way finishes, the run is handed back, exit 0', async () => {
    const store = open(project);
    expect((await tta_(['workflow', 'run', 'hold', '--queue', '--run-id', 'h1'])).code).toBe(0);
    const w = worker('a', []);
    await until(async () => (await lines('hold.log')).includes('started'));
    w.child.kill('SIGTERM');
    // It waits for the step: let it go only once the worker was told to stop.
    await until(async () => w.output().stderr.includes('stopping'));
    await writeFile(join(project, 'go'), '');
    expect(await w.exited).toBe(0);
    const state = foldRun(await store.read('h1'))!;
    expect(state.status).toBe('queued');
    expect(state.steps.wait?.outcome).toBe('succeeded');
    expect(state.steps.next).toBeUndefined();
    expect(await lines('hold.log')).toEqual(['started', 'done']);
    // Another worker takes it at once and finishes it.
    expect(await worker('b', ['--once']).exited).toBe(0);
    expect(foldRun(await store.read('h1'))?.status).toBe('completed');
  });

  it('SIGTERM past --grace-ms: the step is aborted, the run handed back, exit 0', async () => {
    const store = open(project);
    expect((await tta_(['workflow', 'run', 'hold', '--queue', '--run-id', 'h2'])).code).toBe(0);
    const w = worker('a', ['--grace-ms', '100']);
    await until(async () => (await lines('hold.log')).includes('started'));
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    const state = foldRun(await store.read('h2'))!;
    expect(state.status).toBe('queued');
    expect(state.steps.wait?.outcome).toBe('failed');
    expect(await lines('hold.log')).toEqual(['started']);
    await writeFile(join(project, 'go'), '');
    expect(await worker('b', ['--once']).exited).toBe(0);
    expect(foldRun(await store.read('h2'))?.status).toBe('completed');
  });

  it("says once, not at every drive, that another worker's run holds the project's persona", async () => {
    const store = open(project);
    expect((await tta_(['workflow', 'run', 'hold', '--queue', '--run-id', 'h3'])).code).toBe(0);
    const holder = worker('a', []);
    await until(async () => (await lines('hold.log')).includes('started'));
    const registry = await PersonaRegistry.load({ home: join(root, 'home'), cwd: project });
    const quick = await loadWorkflowFile(
      join(project, '.tta', 'workflows', 'quick.workflow.yaml'),
      { registry },
    );
    const engine = new WorkflowEngine({ store, registry, cwd: project });
    for (const id of ['q1', 'q2', 'q3']) await engine.queue(quick, {}, id);
    // b drives the three quick runs one after another while a's run h3 holds its persona.
    const b = worker('b', ['--once']);
    expect(await b.exited).toBe(0);
    for (const id of ['q1', 'q2', 'q3'])
      expect(foldRun(await store.read(id))?.status).toBe('completed');
    const { stdout, stderr } = b.output();
    expect(stderr.match(/run h3 holds the project's persona/g)).toHaveLength(1);
    // stdout stays JSON lines.
    for (const line of stdout.split('\n').filter(Boolean))
      expect(() => JSON.parse(line)).not.toThrow();
    await writeFile(join(project, 'go'), '');
    await until(async () => (await lines('hold.log')).includes('done'));
    holder.child.kill('SIGTERM');
    expect(await holder.exited).toBe(0);
  });
});
