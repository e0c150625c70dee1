import { mkdtemp, rm } from 'node:fs/promises';
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
    // The README's examples need integrations' code runner: tested there.
    project: { ...detectProject(project), readme: '' },
  });
  return { project, workflow, engine };
}

// The whole release (git tag, GitHub release) runs with integrations' step runners in
// @tta-dev/integrations (src/steps/builtinTemplates.test.ts); the gates before it need none.
describe('package-release on a real sample package', () => {
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
