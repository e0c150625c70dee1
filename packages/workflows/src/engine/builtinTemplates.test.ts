import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry, PersonaStore } from '@tta-dev/personas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadWorkflowFile } from '../definition/loadWorkflowFile.js';
import { FileRunStore } from '../runs/FileRunStore.js';
import { detectProject } from './detectProject.js';
import { createSampleProject, SAMPLE_GIT_ENV } from './sampleProject.js';
import { WorkflowEngine } from './WorkflowEngine.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-templates-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/**
 * Runs a built-in template on the sample package, completing each agent step as a person would.
 * The engine has no step runners here: the templates that need integrations' (promql, logql,
 * git, github: incident-response and package-release) run end to end in @tta-dev/integrations
 * (src/steps/builtinTemplates.test.ts).
 */
async function runToEnd(name: string, inputs: Record<string, unknown>) {
  const project = join(dir, 'project');
  await createSampleProject(project);
  const registry = await PersonaRegistry.load({ home: join(dir, 'home'), cwd: project });
  const workflow = await loadWorkflowFile(
    new URL(`../../templates/${name}.workflow.yaml`, import.meta.url).pathname,
    { registry },
  );
  const engine = new WorkflowEngine({
    store: new FileRunStore({ cwd: project }),
    registry,
    personaStore: new PersonaStore({ home: join(dir, 'home') }),
    cwd: project,
    // Without PROMETHEUS_URL and LOKI_URL the metrics and logs steps are skipped.
    env: {
      ...process.env,
      PROMETHEUS_URL: undefined,
      LOKI_URL: undefined,
      ...SAMPLE_GIT_ENV,
      npm_config_cache: join(dir, 'npm-cache'),
    },
    // The README's examples need integrations' code runner: tested there.
    project: { ...detectProject(project), readme: '' },
  });
  const completed: string[] = [];
  let result = await engine.start(workflow, inputs, name);
  while (result.status === 'suspended') {
    const waiting = [...result.events].reverse().find((e) => e.type === 'step_suspended');
    if (waiting?.type !== 'step_suspended') throw new Error('suspended without a waiting step');
    completed.push(waiting.step);
    await engine.complete(name, waiting.step, `done: ${waiting.step}`, { by: 'test' });
    result = await engine.resume(name, workflow);
  }
  return { result, completed, project };
}

describe('the built-in templates, end to end on a sample package', () => {
  it('feature-development: branch, contract into memory, tests, build, skipped e2e/a11y, PR', async () => {
    const { result, completed, project } = await runToEnd('feature-development', {
      feature: 'user-profile',
    });
    expect(result.status).toBe('completed');
    expect(completed).toEqual(['contract', 'endpoints', 'types', 'components', 'pull-request']);
    expect(
      execFileSync('git', ['branch', '--show-current'], { cwd: project, encoding: 'utf8' }).trim(),
    ).toBe('feature/user-profile');
    const types = result.events.find((e) => e.type === 'step_suspended' && e.step === 'types');
    expect(types?.type === 'step_suspended' && types.instructions).toContain('done: contract');
    expect(result.events.find((e) => e.type === 'learning')).toMatchObject({
      text: 'Feature user-profile built contract-first; pull request done: pull-request',
    });
    expect(result.events.filter((e) => e.type === 'gate_passed')).toHaveLength(6);
  });

  it('package-release: stops clearly at its first git step, whose runner is not given', async () => {
    const { result } = await runToEnd('package-release', { bump: 'patch' });
    expect(result.status).toBe('failed');
    expect(result.events.find((e) => e.type === 'run_failed')).toMatchObject({
      step: 'changes-before',
      error: {
        name: 'NotAvailableError',
        message: expect.stringContaining('git steps (step "changes-before")'),
      },
    });
  });
});
