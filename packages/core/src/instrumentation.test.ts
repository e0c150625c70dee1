import { readFileSync } from 'node:fs';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fallback } from './fallback.js';
import { gate } from './gate.js';
import { parallel } from './parallel.js';
import { retry } from './retry.js';
import { saga } from './saga.js';
import { sequence } from './sequence.js';
import { step } from './step.js';
import { timeout } from './timeout.js';
import { installTelemetry } from './tracing.testkit.js';
import { createContext } from './WorkflowContext.js';

const telemetry = installTelemetry();
afterAll(() => telemetry.shutdown());
beforeEach(() => telemetry.reset());

const spanByName = (name: string) => {
  const span = telemetry.spans().find((s) => s.name === name);
  if (span === undefined)
    throw new Error(`no span ${name} in ${telemetry.spans().map((s) => s.name)}`);
  return span;
};
const parentOf = (name: string) => spanByName(name).parentSpanContext?.spanId;
const idOf = (name: string) => spanByName(name).spanContext().spanId;

describe('instrumentation with an SDK registered', () => {
  it('records one span per primitive, nested as the primitives are, with the run attributes', async () => {
    const ctx = createContext({ workflowId: 'wf', runId: 'run-1', persona: 'backend' });
    const pipeline = sequence(
      step((x: number) => x + 1, { name: 'inc' }),
      timeout(
        step(async (x: number) => x * 2, { name: 'double' }),
        1_000,
      ),
    );
    expect(await pipeline.run(1, ctx)).toBe(4);

    expect(
      telemetry
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['tta.sequence', 'tta.step', 'tta.step', 'tta.timeout']);
    const seq = spanByName('tta.sequence');
    expect(seq.attributes).toMatchObject({
      'tta.primitive.kind': 'sequence',
      'tta.primitive.name': 'inc → timeout(double)',
      'tta.workflow.id': 'wf',
      'tta.run.id': 'run-1',
      'tta.correlation.id': 'run-1',
      'tta.persona': 'backend',
    });
    expect(parentOf('tta.timeout')).toBe(seq.spanContext().spanId);
    const double = telemetry.spans().find((s) => s.attributes['tta.primitive.name'] === 'double');
    expect(double?.parentSpanContext?.spanId).toBe(idOf('tta.timeout'));
    expect(
      telemetry.spans().every((s) => s.spanContext().traceId === seq.spanContext().traceId),
    ).toBe(true);
  });

  it('marks failed spans with ERROR status and the exception', async () => {
    const failing = step(
      () => {
        throw new Error('kaput');
      },
      { name: 'failing' },
    );
    await expect(failing.run(undefined, createContext())).rejects.toThrow('kaput');
    const span = spanByName('tta.step');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'kaput' });
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('records a span per retry attempt, parallel branch, fallback alternative and compensation', async () => {
    let calls = 0;
    const flaky = step(() => {
      if (++calls < 2) throw new Error('once');
      return 'ok';
    });
    await retry(flaky, { initialDelayMs: 0 }).run(undefined, createContext());
    const attempts = telemetry.spans().filter((s) => s.name === 'tta.retry.attempt');
    expect(attempts.map((s) => s.attributes['tta.retry.attempt'])).toEqual([1, 2]);
    expect(attempts.every((s) => s.parentSpanContext?.spanId === idOf('tta.retry'))).toBe(true);

    telemetry.reset();
    await parallel(
      step(() => 1, { name: 'a' }),
      step(() => 2, { name: 'b' }),
    ).run(undefined, createContext());
    const branches = telemetry.spans().filter((s) => s.name === 'tta.parallel.branch');
    expect(
      branches.map((s) => [s.attributes['tta.branch.index'], s.attributes['tta.branch.name']]),
    ).toEqual([
      [0, 'a'],
      [1, 'b'],
    ]);

    telemetry.reset();
    const broken = step(
      () => {
        throw new Error('primary down');
      },
      { name: 'primary' },
    );
    await fallback(broken, [step(() => 'spare', { name: 'spare' })]).run(
      undefined,
      createContext(),
    );
    expect(
      telemetry
        .spans()
        .filter((s) => s.name === 'tta.fallback.attempt')
        .map((s) => [s.attributes['tta.fallback.alternative'], s.status.code]),
    ).toEqual([
      ['primary', SpanStatusCode.ERROR],
      ['spare', SpanStatusCode.UNSET],
    ]);

    telemetry.reset();
    const undone: string[] = [];
    await saga([
      { name: 'reserve', run: () => 1, compensate: () => void undone.push('reserve') },
      {
        name: 'charge',
        run: () => {
          throw new Error('card declined');
        },
      },
    ])
      .run(undefined, createContext())
      .catch(() => undefined);
    expect(undone).toEqual(['reserve']);
    expect(spanByName('tta.saga.compensation').attributes['tta.saga.step']).toBe('reserve');
  });

  it('records the gate verdict and metrics on the gate span', async () => {
    const coverage = gate('coverage', (value: number) => ({
      passed: value >= 80,
      reason: `coverage ${value}%`,
      metrics: { coverage: value },
    }));
    await coverage.run(91, createContext());
    expect(spanByName('tta.gate').attributes).toMatchObject({
      'tta.gate.passed': true,
      'tta.gate.reason': 'coverage 91%',
      'tta.gate.metric.coverage': 91,
    });
  });

  it('counts executions and durations by kind and outcome', async () => {
    const ok = step(() => 1);
    await ok.run(undefined, createContext());
    await ok.run(undefined, createContext());
    const points = await telemetry.metricPoints();
    const executions = points.get('tta.primitive.executions') ?? [];
    expect(executions).toContainEqual({
      attributes: { 'tta.primitive.kind': 'step', 'tta.outcome': 'success' },
      value: expect.any(Number),
    });
    const steps = executions.find(
      (p) =>
        p.attributes['tta.primitive.kind'] === 'step' && p.attributes['tta.outcome'] === 'success',
    );
    expect(steps?.value).toBeGreaterThanOrEqual(2);
    expect(points.get('tta.primitive.duration')?.length).toBeGreaterThan(0);
  });

  it('records only span and metric names that docs/observability.md lists', async () => {
    const doc = readFileSync(new URL('../../../docs/observability.md', import.meta.url), 'utf8');
    const documented = new Set([...doc.matchAll(/`(tta\.[a-z_.]+)(?:<name>)?`/g)].map((m) => m[1]));
    // Exercise every primitive so that every name is emitted at least once.
    const { exerciseEverything } = await import('./exercise.testkit.js');
    await exerciseEverything();
    const spanNames = new Set(telemetry.spans().map((s) => s.name));
    const metricNames = new Set((await telemetry.metricPoints()).keys());
    const attributeNames = new Set(
      telemetry
        .spans()
        .flatMap((s) =>
          Object.keys(s.attributes).map((a) =>
            a.replace(/^tta\.gate\.metric\..*/, 'tta.gate.metric.'),
          ),
        ),
    );
    const undocumented = [...spanNames, ...metricNames, ...attributeNames].filter(
      (name) => name.startsWith('tta.') && !documented.has(name),
    );
    expect(undocumented).toEqual([]);
    expect(spanNames.size).toBeGreaterThanOrEqual(16);
    expect(metricNames.size).toBe(8);
  });
});
