import { describe, expect, it } from 'vitest';
import { applyEvent, foldRun, initialState, waitingNow } from './foldRun.js';
import type { RunEvent, RunEventInput } from './RunEvent.js';
import type { RunStatus } from './RunState.js';
import { runMetrics } from './runMetrics.js';
import { runStatus } from './runStatus.js';

const run = (...inputs: RunEventInput[]): RunEvent[] =>
  inputs.map(
    (input, i) =>
      ({ seq: i + 1, time: '2025-03-01T09:00:00.000Z', runId: 'r', ...input }) as RunEvent,
  );

/** Events one second apart, from 09:00:00. */
const timed = (...inputs: RunEventInput[]): RunEvent[] =>
  inputs.map(
    (input, i) =>
      ({
        seq: i + 1,
        time: new Date(Date.UTC(2025, 2, 1, 9, 0, i)).toISOString(),
        runId: 'r',
        ...input,
      }) as RunEvent,
  );

const started: RunEventInput = {
  type: 'run_started',
  workflow: 'w',
  inputs: {},
  personas: ['backend'],
};
const stage: RunEventInput = { type: 'stage_started', stage: 's', persona: 'backend' };
const stepStarted = (step: string): RunEventInput => ({
  type: 'step_started',
  stage: 's',
  step,
  kind: 'agent',
  attempt: 1,
});
const suspended = (step: string): RunEventInput => ({
  type: 'step_suspended',
  stage: 's',
  step,
  instructions: 'do it',
  expected: null,
});
const completed = (step: string): RunEventInput => ({
  type: 'step_completed',
  stage: 's',
  step,
  output: 1,
  by: 'me',
});
const gateFailed: RunEventInput = {
  type: 'gate_failed',
  stage: 's',
  gate: 'g',
  reason: 'r',
  metrics: {},
};
const gatePassed: RunEventInput = {
  type: 'gate_passed',
  stage: 's',
  gate: 'g',
  reason: 'r',
  metrics: {},
};
const runFailed: RunEventInput = { type: 'run_failed', error: { name: 'E', message: 'm' } };
const runCompleted: RunEventInput = { type: 'run_completed', durationMs: 1, metrics: {} };
const cancelled: RunEventInput = { type: 'run_cancelled', reason: 'no' };
const switched: RunEventInput = { type: 'persona_switched', from: 'backend', to: null };
const learning: RunEventInput = { type: 'learning', text: 't', by: 'me' };

describe('the status a fold gives', () => {
  it.each<[string, RunStatus, RunEvent[]]>([
    ['no events', 'running', []],
    ['just started', 'running', run(started, stage)],
    ['an agent step waiting', 'suspended', run(started, stage, stepStarted('a'), suspended('a'))],
    [
      'one of two waiting steps completed',
      'suspended',
      run(started, suspended('a'), suspended('b'), completed('a')),
    ],
    [
      'both completed',
      'running',
      run(started, suspended('a'), suspended('b'), completed('b'), completed('a')),
    ],
    [
      'a waiting step started again on resume',
      'running',
      run(started, suspended('a'), stepStarted('a')),
    ],
    ['a failed gate', 'gate_failed', run(started, stage, gateFailed)],
    [
      'a failed gate, then the run failed',
      'gate_failed',
      run(started, stage, gateFailed, runFailed, switched),
    ],
    [
      'a failed gate, resumed and passed',
      'running',
      run(started, gateFailed, runFailed, stage, gatePassed),
    ],
    ['a failed run', 'failed', run(started, stage, runFailed)],
    ['a failed run, resumed', 'running', run(started, runFailed, stepStarted('x'))],
    ['a failed run while suspended', 'failed', run(started, suspended('a'), runFailed)],
    [
      'a failed run, resumed into a suspension',
      'suspended',
      run(started, suspended('a'), runFailed, stage),
    ],
    [
      'a completed run, with a later learning',
      'completed',
      run(started, stage, runCompleted, learning),
    ],
    [
      'a completed run, even with a later event of progress',
      'completed',
      run(started, runCompleted, stage),
    ],
    ['a cancelled run', 'cancelled', run(started, suspended('a'), cancelled, completed('a'))],
    ['a persona switch after a failure', 'failed', run(started, runFailed, switched, learning)],
  ])('%s → %s', (_what, status, events) => {
    expect(runStatus(events)).toBe(status);
  });
});

const succeeded = (step: string, extra: Partial<RunEventInput> = {}): RunEventInput =>
  ({
    type: 'step_succeeded',
    stage: 's',
    step,
    output: step,
    durationMs: 1000,
    automated: true,
    ...extra,
  }) as RunEventInput;

describe('foldRun', () => {
  it('gives no state for no events, and refuses a log that does not begin with run_started', () => {
    expect(foldRun([])).toBeUndefined();
    expect(() => foldRun(run(stage))).toThrow(/does not begin with run_started/);
  });

  it('tells skipped steps apart: not done, not failed, no time', () => {
    const state = foldRun(
      timed(
        started,
        stage,
        { type: 'step_skipped', stage: 's', step: 'a', when: 'false' },
        stepStarted('b'),
        succeeded('b'),
      ),
    )!;
    expect(state.steps.a).toMatchObject({ outcome: 'skipped', durationMs: 0, attempts: 0 });
    expect(state.outputs.a).toEqual({ skipped: true });
    expect(runMetrics(state)).toMatchObject({ steps: 1, skippedSteps: 1, automation: 1 });
  });

  it('counts attempts and keeps the last error of a step that failed for good', () => {
    const failed = (attempt: number): RunEventInput => ({
      type: 'step_failed',
      stage: 's',
      step: 'a',
      error: { name: 'E', message: `no ${attempt}` },
      attempt,
    });
    const state = foldRun(
      run(
        started,
        stage,
        stepStarted('a'),
        failed(1),
        { ...stepStarted('a'), attempt: 2 } as RunEventInput,
        failed(2),
      ),
    )!;
    expect(state.steps.a).toMatchObject({
      outcome: 'failed',
      attempts: 2,
      error: { message: 'no 2' },
    });
    expect(runMetrics(state)).toMatchObject({ steps: 0, failedSteps: 1 });
  });

  it('keeps the wait for a person out of the work time, and shows it apart', () => {
    // 09:00:00 start, 01 stage, 02 suspended, then completed at 05, resumed at 06, done at 07.
    const state = foldRun(
      timed(
        started,
        stage,
        suspended('a'),
        { type: 'learning', text: 'meanwhile', by: 'me' },
        { type: 'decision', text: 'and this', by: 'me' },
        completed('a'),
        stage,
        { type: 'stage_completed', stage: 's', durationMs: 2000 },
      ),
    )!;
    expect(state.steps.a).toMatchObject({ outcome: 'completed', waitMs: 3000, automated: false });
    const metrics = runMetrics(state);
    expect(metrics).toMatchObject({
      workMs: 2000,
      waitMs: 3000,
      elapsedMs: 7000,
      steps: 1,
      automation: 0,
    });
    expect(state.stages[0]!.segments).toEqual([
      { start: Date.UTC(2025, 2, 1, 9, 0, 1), end: Date.UTC(2025, 2, 1, 9, 0, 2) },
      { start: Date.UTC(2025, 2, 1, 9, 0, 6), end: Date.UTC(2025, 2, 1, 9, 0, 7) },
    ]);
  });

  it('folds the run memory from the events: saveAs of steps and of agent answers', () => {
    const state = foldRun(
      run(
        started,
        stage,
        { ...stepStarted('m'), kind: 'memory' } as RunEventInput,
        { ...succeeded('m'), output: { version: '1.2.0' } } as RunEventInput,
        succeeded('a', { saveAs: 'built' }),
        { ...suspended('b'), saveAs: 'review' } as RunEventInput,
        completed('b'),
      ),
    )!;
    expect(state.memory).toEqual({ version: '1.2.0', built: 'a', review: 1 });
    expect(state.outputs).toEqual({ m: { version: '1.2.0' }, a: 'a', b: 1 });
  });

  it('marks what a dead drive left started as interrupted when the run is resumed', () => {
    const state = foldRun(
      run(started, stage, stepStarted('a'), { type: 'run_resumed', by: 'me' }),
    )!;
    expect(state.steps.a!.outcome).toBe('interrupted');
    expect(state.drives).toBe(2);
    expect(state.status).toBe('running');
  });

  it('queues a run for the workers with the labels it needs, until a drive takes it', () => {
    const failed: RunEventInput = { type: 'run_failed', error: { name: 'E', message: 'x' } };
    const queued: RunEventInput = { type: 'run_queued', needs: ['deploy'], by: 'w1' };
    const state = foldRun(run(started, stage, failed, queued))!;
    expect(state).toMatchObject({ status: 'queued', needs: ['deploy'] });
    expect(state.failure).toBeUndefined();
    const driven = foldRun(run(started, queued, { type: 'run_resumed', by: 'w2' }, stage))!;
    expect(driven.status).toBe('running');
    expect(driven.needs).toBeUndefined();
    // A run waiting for an answer, or finished, stays so.
    expect(foldRun(run(started, stage, suspended('a'), queued))!.status).toBe('suspended');
    const done: RunEventInput = { type: 'run_completed', durationMs: 1, metrics: {} };
    expect(foldRun(run(started, done, queued))!.status).toBe('completed');
  });

  it('keeps the latest result of each gate, and counts those', () => {
    const state = foldRun(run(started, stage, gateFailed, runFailed, stage, gatePassed))!;
    expect(state.stages[0]!.gates).toHaveLength(1);
    expect(runMetrics(state)).toMatchObject({ gatesPassed: 1, gatesFailed: 0 });
  });

  it('adds tokens to the stage they were spent in, from its first entry', () => {
    const state = foldRun(
      run(
        started,
        { ...stage, tokens: 100 } as RunEventInput,
        { ...suspended('a'), tokens: 20 } as RunEventInput,
        { ...completed('a'), tokens: 300 } as RunEventInput,
      ),
    )!;
    expect(state.stages[0]!.tokens).toBe(420);
    expect(state.steps.a!.tokens).toBe(320);
    expect(runMetrics(state).tokensByPersona).toEqual({ backend: 420 });
  });

  it('lists the waiting steps only while the run is suspended', () => {
    const waiting = foldRun(run(started, stage, suspended('a'), suspended('b'), completed('a')))!;
    expect(waitingNow(waiting).map((s) => s.id)).toEqual(['b']);
    const failed = foldRun(run(started, stage, suspended('a'), runFailed))!;
    expect(waitingNow(failed)).toEqual([]);
  });

  it('keeps the persona before the run, and counts every switch', () => {
    const state = foldRun(
      run(started, { type: 'persona_switched', from: 'frontend', to: 'backend' }, stage, {
        type: 'persona_switched',
        from: 'backend',
        to: 'frontend',
      }),
    )!;
    expect(state).toMatchObject({
      personaBefore: 'frontend',
      persona: 'frontend',
      personaSwitches: 2,
    });
  });

  it('gives the same state event by event as in one fold', () => {
    const events = timed(
      started,
      stage,
      stepStarted('a'),
      succeeded('a'),
      suspended('b'),
      runFailed,
      stage,
      completed('b'),
      learning,
    );
    const state = initialState(events[0]!);
    for (const event of events.slice(1)) applyEvent(state, event);
    expect(state).toEqual(foldRun(events));
  });
});
