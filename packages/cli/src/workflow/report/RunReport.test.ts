import { describe, expect, it } from 'vitest';
import { runReport } from './RunReport.js';
import { releaseEvents, T0 } from './report.testkit.js';

const HOUR = 3_600_000;

describe('runReport', () => {
  it('measures the run and each stage from its events', async () => {
    const report = runReport(await releaseEvents(), { 'tta-backend-engineer': 2000 })!;
    expect(report).toMatchObject({
      runId: 'rel-1',
      workflow: 'release',
      status: 'gate_failed',
      start: T0,
      elapsedMs: HOUR + 2_600,
      personas: ['tta-backend-engineer', 'tta-devops-engineer'],
      personaSwitches: 4,
      steps: 3,
      automatedSteps: 2,
      automation: 0.667,
      gatesPassed: 1,
      gatesFailed: 1,
      tokens: 360,
      traceId: '0af7651916cd43dd8448eb211c80319c',
    });
    const [build, ship] = report.stages;
    expect(build).toMatchObject({
      id: 'build',
      persona: 'tta-backend-engineer',
      status: 'completed',
      segments: [{ start: T0 + 10, end: T0 + 1_210 }],
      durationMs: 1_200,
      automation: 1,
      tokens: 52,
      tokenBudget: 2000,
      gates: [{ id: 'coverage', passed: true, reason: '91 is ≥ 80', time: T0 + 1_200 }],
    });
    expect(build?.steps).toEqual([
      {
        id: 'compile',
        kind: 'run',
        start: T0 + 20,
        end: T0 + 1_010,
        outcome: 'succeeded',
        attempts: 2,
        automated: true,
        tokens: 12,
      },
      {
        id: 'lint',
        start: T0 + 1_011,
        end: T0 + 1_011,
        outcome: 'skipped',
        attempts: 0,
        automated: true,
      },
    ]);
    // The hour the notes waited for a person is not time the stage was at work.
    expect(ship).toMatchObject({
      status: 'gate_failed',
      segments: [
        { start: T0 + 1_230, end: T0 + 1_300 },
        { start: T0 + HOUR + 2_010, end: T0 + HOUR + 2_600 },
      ],
      durationMs: 70 + 590,
      automation: 0.5,
      tokens: 308,
    });
    expect(ship).not.toHaveProperty('tokenBudget');
    expect(ship?.steps.map((s) => [s.id, s.outcome, s.automated, s.end - s.start])).toEqual([
      ['notes', 'completed', false, HOUR],
      ['publish', 'succeeded', true, 500],
    ]);
    expect(report.workMs).toBe(1_200 + 660);
  });

  it('has nothing to report for a run without events', () => {
    expect(runReport([])).toBeUndefined();
  });
});
