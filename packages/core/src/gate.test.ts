import { describe, expect, it } from 'vitest';
import { GateFailedError, isGateFailedError } from './errors/GateFailedError.js';
import { type GateResult, gate } from './gate.js';
import { createContext, type WorkflowContext } from './WorkflowContext.js';
import type { WorkflowEvent } from './WorkflowEvent.js';

interface Report {
  coverage: number;
  files: string[];
}

const coverageGate = (threshold: number) =>
  gate<Report>('coverage', (report) => ({
    passed: report.coverage >= threshold,
    reason:
      report.coverage >= threshold
        ? `coverage ${report.coverage}% meets ${threshold}%`
        : `coverage ${report.coverage}% is below ${threshold}%`,
    metrics: { coverage: report.coverage, threshold },
  }));

const recording = (ctx: WorkflowContext) => {
  const seen: WorkflowEvent[] = [];
  ctx.on((e) => seen.push(e));
  return seen;
};

describe('gate', () => {
  it('is a gate primitive with the given name', () => {
    const g = coverageGate(80);
    expect(g.name).toBe('coverage');
    expect(g.kind).toBe('gate');
  });

  it('returns the very same input when the check passes', async () => {
    const report = { coverage: 91, files: ['a.ts'] };
    expect(await coverageGate(80).run(report, createContext())).toBe(report);
  });

  it.each([
    [79.9, false],
    [80, true],
    [80.1, true],
  ])('coverage %d against 80: passes = %s', async (coverage, passes) => {
    const run = coverageGate(80).run({ coverage, files: [] }, createContext());
    if (passes) await expect(run).resolves.toEqual({ coverage, files: [] });
    else await expect(run).rejects.toBeInstanceOf(GateFailedError);
  });

  it('raises GateFailedError carrying gate, reason and metrics', async () => {
    const error = await coverageGate(80)
      .run({ coverage: 72.5, files: [] }, createContext())
      .catch((e: unknown) => e);
    expect(isGateFailedError(error)).toBe(true);
    const failed = error as GateFailedError;
    expect(failed.gate).toBe('coverage');
    expect(failed.reason).toBe('coverage 72.5% is below 80%');
    expect(failed.metrics).toEqual({ coverage: 72.5, threshold: 80 });
    expect(failed.code).toBe('TTA_GATE_FAILED');
    expect(failed.message).toBe('quality gate "coverage" failed: coverage 72.5% is below 80%');
  });

  it('gives empty metrics when the check reports none', async () => {
    const error = await gate('lint', () => ({ passed: false, reason: '3 errors' }))
      .run(undefined, createContext())
      .catch((e: unknown) => e);
    expect(isGateFailedError(error)).toBe(true);
    expect((error as GateFailedError).metrics).toEqual({});
  });

  it.each([new Error('x'), { code: 'TTA_TIMEOUT' }, 'TTA_GATE_FAILED', null])(
    'isGateFailedError(%s) is false',
    (value) => {
      expect(isGateFailedError(value)).toBe(false);
    },
  );

  it('awaits async checks', async () => {
    let resolveCheck!: (r: GateResult) => void;
    const g = gate<string>(
      'approval',
      () =>
        new Promise<GateResult>((resolve) => {
          resolveCheck = resolve;
        }),
    );
    let settled = false;
    const run = g.run('release 1.2.0', createContext()).finally(() => {
      settled = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    resolveCheck({ passed: true, reason: 'approved by alice' });
    expect(await run).toBe('release 1.2.0');

    const rejecting = gate<string>('approval', async () => ({ passed: false, reason: 'denied' }));
    await expect(rejecting.run('release', createContext())).rejects.toMatchObject({
      reason: 'denied',
    });
  });

  it('passes the input and the context to the check', async () => {
    const ctx = createContext({ persona: 'release-manager' });
    const seen: [unknown, WorkflowContext][] = [];
    await gate<number>('g', (input, checkCtx) => {
      seen.push([input, checkCtx]);
      return { passed: true, reason: 'ok' };
    }).run(7, ctx);
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toBe(7);
    expect(seen[0]![1].persona).toBe('release-manager');
  });

  it('propagates an error thrown by the check, without a gate event', async () => {
    const ctx = createContext();
    const seen = recording(ctx);
    const boom = new Error('check crashed');
    const error = await gate('g', () => {
      throw boom;
    })
      .run(1, ctx)
      .catch((e: unknown) => e);
    expect(error).toBe(boom);
    expect(seen).toEqual([]);
  });

  it.each([
    [
      'a pass',
      { coverage: 90, files: [] },
      { passed: true, reason: 'coverage 90% meets 80%', metrics: { coverage: 90, threshold: 80 } },
    ],
    [
      'a failure',
      { coverage: 10, files: [] },
      {
        passed: false,
        reason: 'coverage 10% is below 80%',
        metrics: { coverage: 10, threshold: 80 },
      },
    ],
  ])('emits one gate event with the result on %s', async (_label, report, data) => {
    const ctx = createContext();
    const seen = recording(ctx);
    await coverageGate(80)
      .run(report, ctx)
      .catch(() => undefined);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      type: 'gate',
      primitive: 'coverage',
      runId: ctx.runId,
      workflowId: ctx.workflowId,
      data,
    });
  });

  it('emits empty metrics in the event when the check reports none', async () => {
    const ctx = createContext();
    const seen = recording(ctx);
    await gate('g', () => ({ passed: true, reason: 'fine' })).run(0, ctx);
    expect(seen[0]!.data).toEqual({ passed: true, reason: 'fine', metrics: {} });
  });
});
