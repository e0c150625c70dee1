import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileRunStore, foldRun, runMetrics } from '@tta-dev/workflows';
import { dayOf } from '@tta-dev/workflows/journal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { runWorkflowCommand } from './workflowCommand.js';

let root: string;
let project: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-from-'));
  project = join(root, 'project');
  await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
  await writeFile(
    join(project, '.tta', 'workflows', 'measured.workflow.yaml'),
    `name: measured
description: A gate on a figure a step reads from a file the user can fix.
personas: [tta-testing-specialist, tta-devops-engineer]
stages:
  - id: check
    title: Check
    persona: testing
    steps:
      - { id: prepare, run: echo ready }
      - id: measure
        run: node -p "require('fs').readFileSync('figure.txt', 'utf8').trim()"
    gates:
      - { id: enough, value: "\${{ steps.measure.output.stdout }}", min: 80 }
  - id: ship
    title: Ship
    persona: devops
    steps:
      - { id: shipped, run: echo shipped }
`,
  );
  await writeFile(join(project, 'figure.txt'), '61\n');
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function tta(args: string[]) {
  const io = captureIo({
    env: { PATH: process.env.PATH ?? '', TTA_HOME: join(root, 'home'), NO_COLOR: '1' },
    cwd: project,
  });
  const code = await runSafely(io, () => runWorkflowCommand(args, io));
  return { code, out: io.out(), err: io.err() };
}

describe('tta workflow resume --from', () => {
  it('retries a failed gate after the fix, with the steps it reads, in the same run', async () => {
    expect((await tta(['run', 'measured', '--run-id', 'm1'])).code).toBe(1);
    await writeFile(join(project, 'figure.txt'), '92\n');
    // A plain resume judges the gate on the old figure again.
    const plain = await tta(['resume', 'm1']);
    expect(plain.code).toBe(1);
    expect(plain.err).toContain('61 is not ≥ 80');

    const bad = await tta(['resume', 'm1', '--from', 'nowhere']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(
      'measured has no stage, step or gate "nowhere"; its stages: check, ship',
    );

    const resumed = await tta(['resume', 'm1', '--from', 'enough', '--journal=graph']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.err).toContain('↺ from enough: measure, shipped run again');

    const events = await new FileRunStore({ cwd: project }).read('m1');
    expect(events.filter((e) => e.type === 'step_succeeded' && e.step === 'prepare')).toHaveLength(
      1,
    );
    expect(events.filter((e) => e.type === 'step_succeeded' && e.step === 'measure')).toHaveLength(
      2,
    );
    const state = foldRun(events)!;
    expect(state.status).toBe('completed');
    expect(state.outputs.measure).toMatchObject({ stdout: '92' });
    const figures = runMetrics(state);
    expect(figures).toMatchObject({ steps: 3, gatesPassed: 1, gatesFailed: 0, stagesCompleted: 2 });

    const status = JSON.parse((await tta(['status', 'm1', '--json'])).out);
    expect(status.state.status).toBe('completed');
    const report = JSON.parse((await tta(['report', 'm1', '--json'])).out);
    expect(report).toMatchObject({
      status: 'completed',
      steps: figures.steps,
      gatesPassed: 1,
      gatesFailed: 0,
    });
    const page = await readFile(
      join(
        project,
        '.tta',
        'logseq',
        'pages',
        `TTA___Runs___measured___${dayOf(events[0]!.time)} m1.md`,
      ),
      'utf8',
    );
    expect(page).toContain('gates:: 1 passed, 0 failed');
  }, 300_000);

  it('refuses to rewind a run already completed', async () => {
    await writeFile(join(project, 'figure.txt'), '92\n');
    expect((await tta(['run', 'measured', '--run-id', 'm2'])).code).toBe(0);
    const again = await tta(['resume', 'm2', '--from', 'check']);
    expect(again.code).toBe(2);
    expect(again.err).toContain('run "m2" is already completed');
  });
});
