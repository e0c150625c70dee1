import { describe, expect, it } from 'vitest';
import type { RunEvent, RunEventInput } from './RunEvent.js';
import { type RunStatus, runStatus } from './runStatus.js';

const run = (...inputs: RunEventInput[]): RunEvent[] =>
  inputs.map(
    (input, i) =>
      ({ seq: i + 1, time: '2025-03-01T09:00:00.000Z', runId: 'r', ...input }) as RunEvent,
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

describe('runStatus', () => {
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
    [
      'a completion of another stage’s step',
      'suspended',
      run(started, suspended('a'), { ...completed('a'), stage: 'other' } as RunEventInput),
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
