import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileRunStore, foldRun } from '@tta-dev/workflows';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const tta = fileURLToPath(new URL('../../dist/bin/tta.js', import.meta.url));
const STEPS = ['s1', 's2', 's3', 's4', 's5', 's6'];
let root: string;
let project: string;
let child: ChildProcess | undefined;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-kill-'));
  project = join(root, 'project');
  await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
  // Each step records its shell's pid, works two seconds, and says it is done.
  const steps = STEPS.map(
    (id) => `      - id: ${id}\n        run: echo $$ >> pids && sleep 2 && echo ${id} >> done.log`,
  ).join('\n');
  await writeFile(
    join(project, '.tta', 'workflows', 'long.workflow.yaml'),
    `name: long\ndescription: Six slow steps.\nstages:\n  - id: work\n    title: Work\n    persona: backend\n    steps:\n${steps}\n`,
  );
});
afterEach(async () => {
  child?.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

const env = () => ({ ...process.env, TTA_HOME: join(root, 'home'), NO_COLOR: '1' });
const events = () => new FileRunStore({ cwd: project }).read('k1').catch(() => []);

const pidsOf = async () =>
  (await readFile(join(project, 'pids'), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map(Number);

/** Whether a process runs (a zombie has exited: it only waits to be reaped). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('runs SIGKILLed at random points', () => {
  it('resume to the end: no succeeded step runs again, none is lost, no orphan survives', async () => {
    let args = ['workflow', 'run', 'long', '--run-id', 'k1'];
    for (let kill = 0; kill < 4; kill++) {
      const before = (await events()).length;
      // Somewhere in the next few events: between steps, or in the middle of one.
      const target = before + 1 + Math.floor(Math.random() * 5);
      const orphans = await pidsOf();
      child = spawn(process.execPath, [tta, ...args], {
        cwd: project,
        env: env(),
        stdio: 'ignore',
      });
      const exited = once(child, 'exit');
      let done = false;
      void exited.then(() => {
        done = true;
      });
      if (kill > 0) {
        // Once the resume has taken the run over, nothing the killed process ran lives on.
        const resumes = () =>
          events().then((l) => l.filter((e) => e.type === 'run_resumed').length);
        while (!done && (await resumes()) < kill) await new Promise((r) => setTimeout(r, 20));
        // The take-over's SIGKILL lands as soon as the kernel schedules it.
        for (let i = 0; i < 250 && orphans.some(alive); i++)
          await new Promise((r) => setTimeout(r, 20));
        expect(orphans.filter(alive)).toEqual([]);
      }
      while (!done && (await events()).length < target) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGKILL');
      await exited;
      args = ['workflow', 'resume', 'k1'];
      if (foldRun(await events())?.status === 'completed') break;
    }
    child = spawn(process.execPath, [tta, 'workflow', 'resume', 'k1'], {
      cwd: project,
      env: env(),
      stdio: 'ignore',
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);

    const log = await events();
    const state = foldRun(log)!;
    expect(state.status).toBe('completed');
    for (const id of STEPS) {
      const at = (type: string) =>
        log.flatMap((e) => (e.type === type && 'step' in e && e.step === id ? [e.seq] : []));
      // Done once, and never started again after it succeeded.
      expect(at('step_succeeded'), id).toHaveLength(1);
      expect(
        at('step_started').filter((seq) => seq > at('step_succeeded')[0]!),
        id,
      ).toEqual([]);
    }
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    const pids = await pidsOf();
    for (let i = 0; i < 250 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 20));
    expect(pids.filter(alive)).toEqual([]);
    // Each step's work finished once per attempt that was not killed: at least once, in order.
    const finished = (await readFile(join(project, 'done.log'), 'utf8')).trim().split('\n');
    expect([...new Set(finished)]).toEqual(STEPS);
  }, 300_000);
});
