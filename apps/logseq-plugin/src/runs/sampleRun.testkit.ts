import type { RunEvent, RunEventInput } from '@tta-dev/workflows';

export const SAMPLE_RUN_ID = 'package-release-20261125-0900-a1b2';

/**
 * A package release as the engine records it, up to its `release-notes` agent step waiting for a
 * person: two stages under two personas, a command step, gates, a decision.
 */
export function sampleRunInputs(): RunEventInput[] {
  return [
    {
      type: 'run_started',
      workflow: 'package-release',
      inputs: { bump: 'minor' },
      personas: ['tta-backend-engineer', 'tta-testing-specialist'],
    },
    { type: 'stage_started', stage: 'prepare', persona: 'tta-backend-engineer' },
    { type: 'step_started', stage: 'prepare', step: 'bump-version', kind: 'run', attempt: 1 },
    {
      type: 'step_succeeded',
      stage: 'prepare',
      step: 'bump-version',
      output: { exitCode: 0, stdout: 'v1.3.0' },
      durationMs: 812,
      automated: true,
    },
    {
      type: 'gate_passed',
      stage: 'prepare',
      gate: 'version-bumped',
      reason: 'package.json says 1.3.0',
      metrics: {},
    },
    {
      type: 'decision',
      stage: 'prepare',
      text: 'Minor bump: the release adds a public API',
      by: 'claude-code',
    },
    { type: 'stage_completed', stage: 'prepare', durationMs: 1200 },
    { type: 'stage_started', stage: 'verify', persona: 'tta-testing-specialist' },
    { type: 'step_started', stage: 'verify', step: 'test', kind: 'run', attempt: 1 },
    {
      type: 'step_succeeded',
      stage: 'verify',
      step: 'test',
      output: { exitCode: 0 },
      durationMs: 4300,
      automated: true,
    },
    {
      type: 'gate_passed',
      stage: 'verify',
      gate: 'coverage',
      reason: 'coverage 87% ≥ 80%',
      metrics: { coverage: 87 },
    },
    { type: 'step_started', stage: 'verify', step: 'release-notes', kind: 'agent', attempt: 1 },
    {
      type: 'step_suspended',
      stage: 'verify',
      step: 'release-notes',
      instructions:
        'Write the release notes for 1.3.0.\n\n- one line per change\n- link the issues',
      expected: 'markdown',
    },
  ];
}

/** What a person's completion of the waiting step adds, and the end of the run. */
export function sampleRunCompletion(): RunEventInput[] {
  return [
    {
      type: 'step_completed',
      stage: 'verify',
      step: 'release-notes',
      output: '## 1.3.0\n\n- adds `retry()`',
      by: 'logseq',
    },
    { type: 'stage_completed', stage: 'verify', durationMs: 9000 },
    { type: 'run_completed', durationMs: 12_000, metrics: { automation: 0.667 } },
  ];
}

/** Events as a store would return them: numbered from `firstSeq`, a second apart. */
export function withEnvelopes(
  runId: string,
  inputs: readonly RunEventInput[],
  firstSeq = 1,
  start = Date.parse('2026-11-25T09:00:00Z'),
): RunEvent[] {
  return inputs.map(
    (input, i) =>
      ({
        seq: firstSeq + i,
        time: new Date(start + (firstSeq - 1 + i) * 1000).toISOString(),
        runId,
        ...input,
      }) as RunEvent,
  );
}
