import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas/registry';
import { discoverWorkflows, loadWorkflowFile } from '@tta-dev/workflows';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { stepKindsOf } from './_workflows.js';
import { runWorkflowCommand } from './workflowCommand.js';

let home: string;
let project: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'tta-home-'));
  project = await mkdtemp(join(tmpdir(), 'tta-project-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(project, { recursive: true, force: true });
});

async function run(args: string[]) {
  const io = captureIo({ env: { TTA_HOME: home }, cwd: project });
  const code = await runSafely(io, () => runWorkflowCommand(args, io));
  return { code, out: io.out(), err: io.err() };
}

const badWorkflow = `name: broken
description: Broken on purpose.
stages:
  - id: one
    title: One
    persona: bakend
    steps:
      - id: s
        run: echo \${{ inputs. }}
`;

describe('tta workflow', () => {
  it('lists the built-in package-release with its stages and personas', async () => {
    const { code, out } = await run(['list']);
    expect(code).toBe(0);
    expect(out).toMatch(
      /package-release\s+prepare \(backend\) → verify \(testing\) → ship \(devops\)\s+built-in/,
    );
  });

  it('lists the built-ins from the summaries the build validated, as validating them gives', async () => {
    const io = captureIo({ env: { TTA_HOME: home }, cwd: project });
    const registry = await PersonaRegistry.load({ cwd: project, home });
    const validated = await Promise.all(
      (await discoverWorkflows(project)).map(async (ref) => {
        const wf = await loadWorkflowFile(ref.file, { registry, kinds: stepKindsOf(io) });
        const stages = wf.stages.map((s) => ({ id: s.id, persona: s.persona }));
        return { ...ref, valid: true, description: wf.description, stages };
      }),
    );
    const listed = await run(['list', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toEqual(validated);
  });

  it('validates a built-in again when a persona file takes away the alias it names', async () => {
    // The user's own backend engineer, without the "backend" alias package-release names.
    await mkdir(join(home, 'personas'), { recursive: true });
    await writeFile(
      join(home, 'personas', 'backend.yaml'),
      'name: tta-backend-engineer\ndisplayName: Mine\ndescription: d\ntokenBudget: 1000\n',
    );
    const listed = await run(['list']);
    expect(listed.code).toBe(2);
    expect(listed.out).toMatch(/package-release\s+invalid: 1 problem\(s\)/);
    expect((await run(['show', 'package-release'])).err).toContain(
      'stages.0.persona: unknown persona "backend"',
    );
  });

  it('shows the plan, and a Mermaid diagram', async () => {
    const plan = await run(['show', 'package-release']);
    expect(plan.code).toBe(0);
    expect(plan.out).toContain('1. Version and changelog [prepare] — ⚙️ Backend Engineer');
    expect(plan.out).toContain('◆ gate: Coverage meets the threshold');
    expect(plan.out).toMatch(/bump \(string, default "patch"\)/);
    expect((await run(['show', 'package-release', '--mermaid'])).out).toMatch(/^flowchart TD/);
    expect(JSON.parse((await run(['show', 'package-release', '--json'])).out).stages).toHaveLength(
      3,
    );
  });

  it('reads a workflow named by a path relative to the project, not to the process', async () => {
    await mkdir(join(project, 'flows'), { recursive: true });
    await writeFile(
      join(project, 'flows', 'mine.workflow.yaml'),
      'name: mine\ndescription: Mine.\nstages:\n  - id: s\n    title: S\n    persona: backend\n    steps:\n      - { id: hi, run: echo hi }\n',
    );
    const { code, out } = await run(['show', 'flows/mine.workflow.yaml']);
    expect(code).toBe(0);
    expect(out).toContain('mine');
  });

  it('validates, exiting 2 with file, line and field for each problem', async () => {
    expect((await run(['validate'])).code).toBe(0);
    await writeFile(join(project, 'broken.workflow.yaml'), badWorkflow);
    const { code, err } = await run(['validate', 'broken.workflow.yaml']);
    expect(code).toBe(2);
    expect(err).toMatch(
      /broken\.workflow\.yaml:6:\d+ stages\.0\.persona: unknown persona "bakend"; did you mean "backend"/,
    );
    expect(err).toMatch(
      /broken\.workflow\.yaml:9:\d+ stages\.0\.steps\.0\.run: expected a name after "\."/,
    );
  });

  it('finds project workflows, and fails on an unknown name with the known ones', async () => {
    await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
    await writeFile(join(project, '.tta', 'workflows', 'broken.workflow.yaml'), badWorkflow);
    const listed = await run(['list']);
    expect(listed.code).toBe(2);
    expect(listed.out).toMatch(/broken\s+invalid: 2 problem\(s\)/);
    const unknown = await run(['show', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(
      'unknown workflow "nope"; known: broken, feature-development, incident-response, package-release',
    );
  });
});
