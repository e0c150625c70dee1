import type { RunEventInput } from '@tta-dev/workflows';
import { describe, expect, it } from 'vitest';
import {
  SAMPLE_RUN_ID,
  sampleRunCompletion,
  sampleRunInputs,
  withEnvelopes,
} from '../runs/sampleRun.testkit.js';
import { runView } from './runView.js';

describe('runView', () => {
  it('shows a waiting run: stages with personas, steps, gates, the agent step’s instructions', () => {
    const view = runView(withEnvelopes(SAMPLE_RUN_ID, sampleRunInputs()));
    expect(view).toMatchObject({
      runId: SAMPLE_RUN_ID,
      workflow: 'package-release',
      status: 'suspended',
      stage: 'verify',
      personas: ['tta-backend-engineer', 'tta-testing-specialist'],
      notes: 1,
      detailed: true,
    });
    expect(view.stages).toEqual([
      {
        id: 'prepare',
        persona: 'tta-backend-engineer',
        state: 'completed',
        steps: [{ id: 'bump-version', kind: 'run', state: 'succeeded' }],
        gates: [{ id: 'version-bumped', passed: true, reason: 'package.json says 1.3.0' }],
      },
      {
        id: 'verify',
        persona: 'tta-testing-specialist',
        state: 'suspended',
        steps: [
          { id: 'test', kind: 'run', state: 'succeeded' },
          {
            id: 'release-notes',
            kind: 'agent',
            state: 'waiting',
            instructions:
              'Write the release notes for 1.3.0.\n\n- one line per change\n- link the issues',
            expected: 'markdown',
          },
        ],
        gates: [{ id: 'coverage', passed: true, reason: 'coverage 87% ≥ 80%' }],
      },
    ]);
  });

  it('follows the run to its end: the step completed by whom, the stage and run completed', () => {
    const view = runView(
      withEnvelopes(SAMPLE_RUN_ID, [...sampleRunInputs(), ...sampleRunCompletion()]),
    );
    expect(view.status).toBe('completed');
    expect(view.stages[1]!.state).toBe('completed');
    expect(view.stages[1]!.steps[1]).toMatchObject({
      id: 'release-notes',
      state: 'completed',
      by: 'logseq',
    });
    expect(view.stages[1]!.steps[1]).not.toHaveProperty('instructions');
  });

  it('shows a gate that stopped the run, and a failed step with its error', () => {
    const stopped: RunEventInput[] = [
      ...sampleRunInputs().slice(0, 10),
      { type: 'gate_failed', stage: 'verify', gate: 'coverage', reason: '61% < 80%', metrics: {} },
      {
        type: 'run_failed',
        stage: 'verify',
        error: { name: 'GateFailedError', message: 'gate coverage failed' },
      },
    ];
    const gated = runView(withEnvelopes(SAMPLE_RUN_ID, stopped));
    expect(gated.status).toBe('gate_failed');
    expect(gated.stages[1]!.state).toBe('gate_failed');
    expect(gated.stages[1]!.gates).toEqual([
      { id: 'coverage', passed: false, reason: '61% < 80%' },
    ]);

    const failing: RunEventInput[] = [
      ...sampleRunInputs().slice(0, 9),
      {
        type: 'step_failed',
        stage: 'verify',
        step: 'test',
        error: { name: 'CommandError', message: 'exit code 1' },
        attempt: 1,
      },
    ];
    expect(runView(withEnvelopes(SAMPLE_RUN_ID, failing)).stages[1]!.steps[0]).toMatchObject({
      state: 'failed',
      error: 'exit code 1',
    });
  });

  it('refuses events that do not start with run_started', () => {
    expect(() => runView(withEnvelopes(SAMPLE_RUN_ID, sampleRunInputs().slice(1)))).toThrow(
      /does not start with run_started/,
    );
  });
});
