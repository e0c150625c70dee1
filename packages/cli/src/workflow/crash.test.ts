import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const tta = fileURLToPath(new URL('../../dist/bin/tta.js', import.meta.url));
let root: string;
let project: string;
let child: ChildProcess | undefined;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-crash-'));
  project = join(root, 'project');
  await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
  // Each step appends its name to steps.log, so a step that ran twice shows up twice.
  await writeFile(
    join(project, '.tta', 'workflows', 'slow.workflow.yaml'),
    `name: slow
description: A stage with a slow step in the middle.
stages:
  - id: work
    title: Work
    persona: backend
    steps:
      - id: first
        run: echo first >> steps.log
      - id: slow
        run: echo slow-start >> steps.log && while [ ! -f go ]; do sleep 0.05; done && echo slow-end >> steps.log
      - id: last
        run: echo last >> steps.log
`,
  );
});
afterEach(async () => {
  child?.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

const env = () => ({ ...process.env, TTA_HOME: join(root, 'home'), NO_COLOR: '1' });

describe('a run killed with SIGKILL in the middle of a stage', () => {
  it('resumes to the end without running a completed step twice', async () => {
    child = spawn(process.execPath, [tta, 'workflow', 'run', 'slow', '--run-id', 'crash-1'], {
      cwd: project,
      env: env(),
      stdio: 'ignore',
    });
    const log = () => readFile(join(project, 'steps.log'), 'utf8').catch(() => '');
    // The slow step's command has started, and its process group is recorded in the lease.
    const lease = () =>
      readFile(join(project, '.tta', 'runs', 'crash-1', 'lease.json'), 'utf8').catch(() => '');
    for (
      let i = 0;
      i < 400 && !((await log()).includes('slow-start') && /"work":\[\d+\]/.test(await lease()));
      i++
    )
      await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    expect(await log()).toBe('first\nslow-start\n');

    // The slow step ends only once told to (file `go`), after resume has started it again: by
    // then the command the killed run left behind must be gone, however long resume took.
    const resumed = promisify(execFile)(process.execPath, [tta, 'workflow', 'resume', 'crash-1'], {
      cwd: project,
      env: env(),
    });
    let settled = false;
    resumed
      .finally(() => {
        settled = true;
      })
      .catch(() => undefined);
    while (!settled && (await log()).split('slow-start').length - 1 < 2)
      await new Promise((r) => setTimeout(r, 25));
    await writeFile(join(project, 'go'), '');
    const { stdout } = await resumed;
    expect(stdout).toBe('');
    // first ran once; the interrupted slow step ran again, to the end; last ran once, after it.
    // The command the killed process left running was killed when resume took the run over:
    // its slow-end never lands beside the re-run's.
    const lines = (await log()).trim().split('\n');
    const count = (name: string) => lines.filter((l) => l === name).length;
    expect(count('first')).toBe(1);
    expect(count('slow-start')).toBe(2);
    expect(count('slow-end')).toBe(1);
    expect(count('last')).toBe(1);
    expect(lines.lastIndexOf('slow-end')).toBeLessThan(lines.indexOf('last'));
    const status = await promisify(execFile)(
      process.execPath,
      [tta, 'workflow', 'status', 'crash-1'],
      { cwd: project, env: env() },
    );
    expect(status.stdout).toContain('crash-1 slow: completed');
  });
});
