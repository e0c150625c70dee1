import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PersonaScopes } from '@tta-dev/personas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The built bins, run as a user runs them: a run switches its own persona scope and gives it
// back however it stops, and the user's persona is never switched by a run.
const bin = (name: string) => fileURLToPath(new URL(`../../dist/bin/${name}.js`, import.meta.url));

let root: string;
let project: string;
let home: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-run-scope-'));
  project = join(root, 'project');
  home = join(root, 'home');
  await mkdir(project);
  await writeFile(join(project, 'two.workflow.yaml'), twoStages);
  await writeFile(join(project, 'quick.workflow.yaml'), quick);
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** Waits for `go-1` in stage one (backend), then for `never` in stage two (devops). */
const twoStages = `name: two-stages
description: Waits for the test, then for ever.
stages:
  - id: build
    title: Build
    persona: backend
    steps:
      - id: wait
        run: "while [ ! -e go-1 ]; do sleep 0.02; done"
  - id: ship
    title: Ship
    persona: devops
    steps:
      - id: hang
        run: "while [ ! -e go-2 ]; do sleep 0.02; done"
`;

const quick = `name: quick
description: One quick stage.
stages:
  - id: check
    title: Check
    persona: testing
    steps:
      - id: hi
        run: echo hi
`;

function start(name: 'tta' | 'tta-persona', args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [bin(name), ...args], {
    cwd: project,
    env: { ...process.env, TTA_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function finished(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

const scopes = () => new PersonaScopes({ home, project });
const runScope = (runId: string) => scopes().runScope(runId).active();

/** Waits until the run's scope holds `persona` (a state, not a time). */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(20);
}
const holds = (runId: string, persona: string) =>
  until(async () => (await runScope(runId))?.name === persona);

async function eventTypes(runId: string): Promise<string[]> {
  return (await readFile(join(project, '.tta', 'runs', runId, 'events.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { type: string }).type);
}

/** The user's persona, as `tta-persona current` shows it outside the project. */
async function userPersona(): Promise<unknown> {
  return JSON.parse(await readFile(join(home, 'config.json'), 'utf8')).activePersona?.name;
}

describe('a run gives its persona scope back on every way out', () => {
  beforeEach(async () => {
    expect((await finished(start('tta-persona', ['frontend']))).code).toBe(0);
  });

  it('when its reader leaves early (| head -1, EPIPE)', async () => {
    const child = start('tta', [
      'workflow',
      'run',
      './two.workflow.yaml',
      '--run-id',
      'r1',
      '--json',
    ]);
    const ran = finished(child);
    await once(child.stdout!, 'data'); // the first line, as `head -1` reads it
    child.stdout!.destroy();
    await holds('r1', 'tta-backend-engineer');
    // The project follows the run; the user's persona stays.
    expect(scopes().effectiveNow()).toMatchObject({
      scope: 'project',
      persona: { name: 'tta-backend-engineer', run: { id: 'r1', stage: 'build' } },
    });
    expect(await userPersona()).toBe('tta-frontend-engineer');
    await writeFile(join(project, 'go-1'), ''); // what it prints next meets the closed pipe
    const { stderr } = await ran;
    expect(stderr).not.toMatch(/internal error|\n\s+at /);
    expect(await runScope('r1')).toBeUndefined();
    const types = await eventTypes('r1');
    expect(types).toContainEqual(expect.stringMatching(/^run_(failed|cancelled)$/));
    expect(types.at(-1)).toBe('persona_switched'); // the give-back, recorded
    expect(existsSync(join(project, '.tta', 'runs', 'r1', 'lease.json'))).toBe(false);
    expect(await userPersona()).toBe('tta-frontend-engineer');
    const current = await finished(start('tta-persona', ['current']));
    expect(current.stdout).toBe('🎨 Frontend Engineer (tta-frontend-engineer) · user scope\n');
  });

  it('when it is stopped by SIGTERM', async () => {
    const child = start('tta', ['workflow', 'run', './two.workflow.yaml', '--run-id', 'r2']);
    const ran = finished(child);
    await holds('r2', 'tta-backend-engineer');
    child.kill('SIGTERM');
    const { stderr } = await ran;
    expect(stderr).not.toMatch(/internal error|\n\s+at /);
    expect(await runScope('r2')).toBeUndefined();
    expect(scopes().effectiveNow()).toMatchObject({
      scope: 'user',
      persona: { name: 'tta-frontend-engineer' },
    });
  });

  it('a second run in the same project is told who holds the project, and runs under its own scope', async () => {
    const first = start('tta', ['workflow', 'run', './two.workflow.yaml', '--run-id', 'r3']);
    const firstRan = finished(first);
    await holds('r3', 'tta-backend-engineer');
    const second = await finished(
      start('tta', ['workflow', 'run', './quick.workflow.yaml', '--run-id', 'r4']),
    );
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(
      "run r3 holds the project's persona (stage build, persona tta-backend-engineer): this run keeps its own persona scope",
    );
    // The second run switched and gave back its own scope only.
    expect(await runScope('r4')).toBeUndefined();
    expect((await runScope('r3'))?.name).toBe('tta-backend-engineer');
    await writeFile(join(project, 'go-1'), '');
    await holds('r3', 'tta-devops-engineer');
    await writeFile(join(project, 'go-2'), '');
    expect((await firstRan).code).toBe(0);
    expect(await runScope('r3')).toBeUndefined();
  });
});
