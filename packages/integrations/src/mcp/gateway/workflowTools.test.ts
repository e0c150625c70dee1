import { FileRunStore, parseWorkflow, WorkflowEngine } from '@tta-dev/workflows';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, resultText, startHarness } from './gateway.testkit.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const call = async (name: string, args: Record<string, unknown>) => {
  const result = await harness!.client.callTool({ name, arguments: args });
  return { text: resultText(result), isError: result.isError === true };
};

const YAML = `name: review
description: d
stages:
  - id: design
    title: Design
    persona: builder
    steps:
      - id: contract
        agent: Write the API contract.
        expected: JSON with endpoints
        saveAs: contract
      - id: use
        run: echo \${{ memory.contract.endpoints }}
`;

describe('workflow tools of the gateway', () => {
  it('shows waiting steps, completes one, records a decision; the run then resumes to the end', async () => {
    harness = await startHarness({}, { active: 'builder' });
    const store = new FileRunStore({ cwd: harness.project });
    const workflow = parseWorkflow('r.workflow.yaml', YAML, { registry: harness.registry });
    const engine = new WorkflowEngine({
      store,
      registry: harness.registry,
      cwd: harness.project,
      env: process.env,
    });
    expect((await engine.start(workflow, {}, 'run-1')).status).toBe('suspended');

    const runs = await call('workflow_runs', {});
    expect(JSON.parse(runs.text)).toEqual([
      {
        run: 'run-1',
        workflow: 'review',
        status: 'suspended',
        stage: 'design',
        waiting: [
          {
            step: 'contract',
            instructions: 'Write the API contract.',
            expected: 'JSON with endpoints',
          },
        ],
      },
    ]);

    const recorded = await call('journal_record', {
      run: 'run-1',
      kind: 'decision',
      text: 'REST over GraphQL',
    });
    expect(recorded.isError).toBe(false);
    const done = await call('workflow_complete_step', {
      run: 'run-1',
      step: 'contract',
      output: { endpoints: 'GET/users' },
      note: 'from the spec',
    });
    expect(JSON.parse(done.text)).toMatchObject({ completed: 'contract', run: 'run-1' });
    const again = await call('workflow_complete_step', {
      run: 'run-1',
      step: 'contract',
      output: 1,
    });
    expect(again).toMatchObject({ isError: true, text: expect.stringContaining('is not waiting') });

    const events = await store.read('run-1');
    expect(events.find((e) => e.type === 'decision')).toMatchObject({
      stage: 'design',
      text: 'REST over GraphQL',
      by: 'builder',
    });
    expect(events.find((e) => e.type === 'step_completed')).toMatchObject({
      by: 'builder',
      note: 'from the spec',
      tokens: expect.any(Number),
    });
    const resumed = await engine.resume('run-1', workflow);
    expect(resumed.status).toBe('completed');
    const use = resumed.events.find((e) => e.type === 'step_succeeded' && e.step === 'use');
    expect(use?.type === 'step_succeeded' && (use.output as { stdout: string }).stdout).toBe(
      'GET/users',
    );
  });

  it('refuses unknown runs and missing arguments clearly', async () => {
    harness = await startHarness({}, { active: 'builder' });
    expect(await call('workflow_runs', { run: 'nope' })).toMatchObject({
      isError: true,
      text: expect.stringContaining('no run "nope"'),
    });
    expect(await call('journal_record', { run: 'nope', kind: 'idea', text: 'x' })).toMatchObject({
      isError: true,
      text: expect.stringContaining('decision or learning'),
    });
  });
});
