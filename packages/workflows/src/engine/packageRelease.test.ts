import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry, PersonaStore } from '@tta-dev/personas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadWorkflowFile } from '../definition/loadWorkflowFile.js';
import { InMemoryRunStore } from '../runs/InMemoryRunStore.js';
import { detectProject } from './detectProject.js';
import { createSampleProject, SAMPLE_GIT_ENV } from './sampleProject.js';
import { WorkflowEngine } from './WorkflowEngine.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-release-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function setUp(coverage?: number) {
  const project = join(dir, 'project');
  await createSampleProject(project, coverage === undefined ? {} : { coverage });
  const registry = await PersonaRegistry.load({ home: join(dir, 'home'), cwd: project });
  const workflow = await loadWorkflowFile(
    new URL('../../templates/package-release.workflow.yaml', import.meta.url).pathname,
    { registry },
  );
  const engine = new WorkflowEngine({
    store: new InMemoryRunStore(),
    registry,
    personaStore: new PersonaStore({ home: join(dir, 'home') }),
    cwd: project,
    env: { ...process.env, ...SAMPLE_GIT_ENV, npm_config_cache: join(dir, 'npm-cache') },
    project: detectProject(project),
  });
  return { project, workflow, engine };
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe('package-release on a real sample package', () => {
  it('versions, commits, tests, gates coverage, builds, tags, dry-run publishes, then waits for notes', async () => {
    const { project, workflow, engine } = await setUp();
    const first = await engine.start(workflow, { bump: 'minor' }, 'release-1');
    const failure = first.events.find((e) => e.type === 'run_failed');
    expect(failure, JSON.stringify(failure)).toBeUndefined();
    expect(first.status).toBe('suspended');
    expect(JSON.parse(await readFile(join(project, 'package.json'), 'utf8')).version).toBe('1.1.0');
    expect(git(project, 'log', '-1', '--format=%s')).toBe('chore(release): v1.1.0');
    expect(git(project, 'tag', '--list')).toBe('v1.1.0');
    expect(
      first.events
        .filter((e) => e.type === 'gate_passed')
        .map((e) => e.type === 'gate_passed' && e.gate),
    ).toEqual(['version-changed', 'tests-pass', 'coverage-threshold']);
    const publish = first.events.find((e) => e.type === 'step_succeeded' && e.step === 'publish');
    expect(JSON.stringify(publish)).toContain('tta-sample-widgets@1.1.0');

    await engine.complete('release-1', 'release-notes', '## v1.1.0\n- widgets', { by: 'test' });
    const done = await engine.resume('release-1', workflow);
    expect(done.status).toBe('completed');
    expect(done.events.find((e) => e.type === 'gate_passed' && e.gate === 'tagged')).toBeDefined();
  });

  it('stops at the coverage gate when coverage is under the threshold', async () => {
    const { workflow, engine } = await setUp(61);
    const result = await engine.start(workflow, {}, 'release-2');
    expect(result.status).toBe('gate_failed');
    expect(result.events.find((e) => e.type === 'gate_failed')).toMatchObject({
      gate: 'coverage-threshold',
      reason: '61 is not ≥ 80',
    });
  });
});
