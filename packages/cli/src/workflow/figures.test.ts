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
  root = await mkdtemp(join(tmpdir(), 'tta-figures-'));
  project = join(root, 'project');
  await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
  await writeFile(
    join(project, '.tta', 'workflows', 'mixed.workflow.yaml'),
    `name: mixed
description: A run with a skipped step, a person's step and two personas.
stages:
  - id: build
    title: Build
    persona: backend
    steps:
      - { id: compile, run: echo built }
      - { id: docs, run: echo docs, when: "\${{ false }}" }
    gates:
      - { id: built, expression: "\${{ steps.compile.output.exitCode == 0 }}" }
  - id: review
    title: Review
    persona: testing
    steps:
      - { id: approve, agent: Approve the build. }
      - { id: tag, run: echo tagged }
`,
  );
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

describe('the figures of a run', () => {
  it('are the same in run_completed, the report, status and the journal', async () => {
    expect((await tta(['run', 'mixed', '--run-id', 'm1'])).code).toBe(0);
    expect((await tta(['complete', 'm1', 'approve', '--output', '"yes"'])).code).toBe(0);
    const resumed = await tta(['resume', 'm1', '--journal=graph']);
    expect(resumed.code, resumed.err).toBe(0);
    // Skipped is shown as skipped, not as a step done in 0 ms.
    expect(resumed.err).not.toMatch(/✓ docs/);

    const events = await new FileRunStore({ cwd: project }).read('m1');
    const completed = events.at(-1)!;
    expect(completed.type).toBe('run_completed');
    const recorded = completed.type === 'run_completed' ? completed.metrics : {};
    const folded = runMetrics(foldRun(events)!);
    expect(recorded).toMatchObject({
      steps: 3,
      automatedSteps: 2,
      automation: 0.667,
      skippedSteps: 1,
      gatesPassed: 1,
      personaSwitches: folded.personaSwitches,
    });
    // The wait for the person is apart from the work.
    expect(completed.type === 'run_completed' && completed.durationMs).toBe(recorded.workMs);
    expect(folded.waitMs).toBeGreaterThan(0);

    const report = JSON.parse((await tta(['report', 'm1', '--json'])).out);
    expect(report).toMatchObject({
      steps: recorded.steps,
      automatedSteps: recorded.automatedSteps,
      automation: recorded.automation,
      skippedSteps: recorded.skippedSteps,
      gatesPassed: recorded.gatesPassed,
      personaSwitches: recorded.personaSwitches,
      workMs: recorded.workMs,
    });
    const doneInStages = report.stages
      .flatMap((s: { steps: { outcome: string }[] }) => s.steps)
      .filter((s: { outcome: string }) => s.outcome === 'succeeded' || s.outcome === 'completed');
    expect(doneInStages).toHaveLength(recorded.steps as number);

    const status = JSON.parse((await tta(['status', 'm1', '--json'])).out);
    expect(status.state.steps.docs.outcome).toBe('skipped');

    const date = dayOf(events[0]!.time);
    const page = await readFile(
      join(project, '.tta', 'logseq', 'pages', `TTA___Runs___mixed___${date} m1.md`),
      'utf8',
    );
    expect(page).toContain('automation:: 67%');
    expect(page).toContain('gates:: 1 passed, 0 failed');
  }, 300_000);
});
