// Test-only: the events of a run with a clock the test sets, through a real run store.
import { InMemoryRunStore, type RunEvent, type RunEventInput } from '@tta-dev/workflows';

/** A run built event by event at chosen instants (ms after 2026-01-01T00:00:00Z). */
export function scriptedRun(runId: string) {
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  const store = new InMemoryRunStore({ now: () => clock });
  return {
    at: async (ms: number, event: RunEventInput) => {
      clock = Date.parse('2026-01-01T00:00:00.000Z') + ms;
      await store.append(runId, event);
    },
    events: (): Promise<RunEvent[]> => store.read(runId),
  };
}

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const HOUR = 3_600_000;

/**
 * A release: `build` (a retried step, a skipped one, a passed gate) under backend, then `ship`
 * under devops, which waits an hour for its notes and then fails its gate.
 */
export async function releaseEvents(runId = 'rel-1'): Promise<RunEvent[]> {
  const run = scriptedRun(runId);
  const stage = (s: string) => ({ stage: s });
  await run.at(0, {
    type: 'run_started',
    workflow: 'release',
    inputs: {},
    personas: ['tta-backend-engineer', 'tta-devops-engineer'],
    trace: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' },
  });
  await run.at(5, { type: 'persona_switched', from: null, to: 'tta-backend-engineer' });
  await run.at(10, {
    type: 'stage_started',
    stage: 'build',
    persona: 'tta-backend-engineer',
    tokens: 40,
  });
  await run.at(20, {
    type: 'step_started',
    ...stage('build'),
    step: 'compile',
    kind: 'run',
    attempt: 1,
  });
  await run.at(400, {
    type: 'step_failed',
    ...stage('build'),
    step: 'compile',
    error: { name: 'Error', message: 'flaky' },
    attempt: 1,
  });
  await run.at(410, {
    type: 'step_started',
    ...stage('build'),
    step: 'compile',
    kind: 'run',
    attempt: 2,
  });
  await run.at(1_010, {
    type: 'step_succeeded',
    ...stage('build'),
    step: 'compile',
    output: 'ok',
    durationMs: 990,
    automated: true,
    tokens: 12,
  });
  await run.at(1_011, { type: 'step_skipped', ...stage('build'), step: 'lint', when: 'false' });
  await run.at(1_200, {
    type: 'gate_passed',
    ...stage('build'),
    gate: 'coverage',
    reason: '91 is ≥ 80',
    metrics: { value: 91 },
  });
  await run.at(1_210, { type: 'stage_completed', ...stage('build'), durationMs: 1_200 });
  await run.at(1_220, {
    type: 'persona_switched',
    from: 'tta-backend-engineer',
    to: 'tta-devops-engineer',
  });
  await run.at(1_230, { type: 'stage_started', ...stage('ship'), persona: 'tta-devops-engineer' });
  await run.at(1_300, {
    type: 'step_suspended',
    ...stage('ship'),
    step: 'notes',
    instructions: 'Write the notes',
    expected: null,
    tokens: 8,
  });
  await run.at(1_310, { type: 'persona_switched', from: 'tta-devops-engineer', to: null });
  await run.at(HOUR + 1_300, {
    type: 'step_completed',
    ...stage('ship'),
    step: 'notes',
    output: 'Notes',
    by: 'ada',
    tokens: 300,
  });
  await run.at(HOUR + 2_000, { type: 'persona_switched', from: null, to: 'tta-devops-engineer' });
  await run.at(HOUR + 2_010, {
    type: 'stage_started',
    ...stage('ship'),
    persona: 'tta-devops-engineer',
  });
  await run.at(HOUR + 2_020, {
    type: 'step_started',
    ...stage('ship'),
    step: 'publish',
    kind: 'run',
    attempt: 1,
  });
  await run.at(HOUR + 2_520, {
    type: 'step_succeeded',
    ...stage('ship'),
    step: 'publish',
    output: null,
    durationMs: 500,
    automated: true,
  });
  await run.at(HOUR + 2_600, {
    type: 'gate_failed',
    ...stage('ship'),
    gate: 'published',
    reason: 'npm view exited 1',
    metrics: {},
  });
  return run.events();
}
