import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createContext, retry, step, timeout } from '@tta-dev/core';
import { PersonaRegistry, PersonaStore } from '@tta-dev/personas';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installTelemetry } from '../../../core/src/tracing.testkit.js';
import { parseWorkflow } from '../definition/parseWorkflow.js';
import { InMemoryRunStore } from '../runs/InMemoryRunStore.js';
import type { RunEventInput } from '../runs/RunEvent.js';
import { RunTelemetry } from './RunTelemetry.js';
import { WorkflowEngine } from './WorkflowEngine.js';

const telemetry = installTelemetry();
afterAll(() => telemetry.shutdown());
beforeEach(() => telemetry.reset());

/** A run's events through a real store, observed as the engine observes them. */
function recorder(runId: string) {
  const store = new InMemoryRunStore();
  const runTelemetry = new RunTelemetry();
  const append = async (event: RunEventInput) => {
    const stored = await store.append(runId, event);
    runTelemetry.observe(stored);
    return stored;
  };
  return { store, runTelemetry, append };
}

const named = (name: string) => telemetry.spans().filter((s) => s.name === name);
const byAttribute = (key: string, value: string) => {
  const span = telemetry.spans().find((s) => s.attributes[key] === value);
  if (span === undefined) throw new Error(`no span with ${key}=${value}`);
  return span;
};
const parentId = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const id = (span: ReadableSpan) => span.spanContext().spanId;

describe('RunTelemetry', () => {
  it('records one trace per run: run → stage → step → the primitives the step runs on', async () => {
    const { runTelemetry, append, store } = recorder('r1');
    let calls = 0;
    const result = await runTelemetry.drive('r1', 'release', undefined, async () => {
      await append({
        type: 'run_started',
        workflow: 'release',
        inputs: {},
        personas: ['backend'],
        ...runTelemetry.traceField('r1'),
      });
      await append({ type: 'persona_switched', from: null, to: 'backend' });
      await append({ type: 'stage_started', stage: 'build', persona: 'backend', tokens: 40 });
      const work = retry(
        timeout(
          step(async () => {
            calls++;
            await append({
              type: 'step_started',
              stage: 'build',
              step: 'compile',
              kind: 'run',
              attempt: calls,
            });
            if (calls === 1) {
              await append({
                type: 'step_failed',
                stage: 'build',
                step: 'compile',
                error: { name: 'Error', message: 'flaky' },
                attempt: 1,
              });
              throw new Error('flaky');
            }
            return 'ok';
          }),
          1_000,
        ),
        { initialDelayMs: 0 },
      );
      await runTelemetry.inStep('r1', { id: 'compile', kind: 'run' }, () =>
        work.run(undefined, createContext({ runId: 'r1' })),
      );
      await append({
        type: 'step_succeeded',
        stage: 'build',
        step: 'compile',
        output: 'ok',
        durationMs: 3,
        automated: true,
        tokens: 12,
      });
      await append({ type: 'step_skipped', stage: 'build', step: 'lint', when: 'false' });
      await append({
        type: 'gate_passed',
        stage: 'build',
        gate: 'coverage',
        reason: '91 is ≥ 80',
        metrics: { value: 91, min: 80 },
      });
      await append({ type: 'stage_completed', stage: 'build', durationMs: 5 });
      return { status: 'completed' as const };
    });
    expect(result.status).toBe('completed');

    const [run] = named('tta.workflow.run');
    expect(run?.parentSpanContext).toBeUndefined();
    expect(run?.attributes).toMatchObject({
      'tta.workflow.name': 'release',
      'tta.run.id': 'r1',
      'tta.run.status': 'completed',
    });
    // The trace is recorded in run_started, so a resume and the journal can find it.
    const started = (await store.read('r1'))[0];
    expect(started?.type === 'run_started' && started.trace).toEqual({
      traceId: run?.spanContext().traceId,
      spanId: run?.spanContext().spanId,
    });
    expect(run?.events.map((e) => [e.name, e.attributes])).toEqual([
      ['tta.persona.switched', { 'tta.persona.from': 'none', 'tta.persona.to': 'backend' }],
    ]);

    const [stage] = named('tta.workflow.stage');
    expect(parentId(stage!)).toBe(id(run!));
    expect(stage?.attributes).toMatchObject({
      'tta.stage.id': 'build',
      'tta.persona': 'backend',
      'tta.stage.outcome': 'completed',
      'tta.tokens': 52,
    });
    expect(stage?.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'tta.gate.result',
        {
          'tta.gate.name': 'coverage',
          'tta.gate.passed': true,
          'tta.gate.reason': '91 is ≥ 80',
          'tta.gate.metric.value': 91,
          'tta.gate.metric.min': 80,
        },
      ],
    ]);

    const compile = byAttribute('tta.step.id', 'compile');
    expect(compile.name).toBe('tta.workflow.step');
    expect(parentId(compile)).toBe(id(stage!));
    expect(compile.attributes).toMatchObject({
      'tta.step.kind': 'run',
      'tta.step.attempts': 2,
      'tta.step.outcome': 'succeeded',
      'tta.tokens': 12,
      'tta.persona': 'backend',
    });
    expect(compile.events.map((e) => e.attributes?.['tta.step.attempt'])).toEqual([1]);
    // The core primitives ran inside the step span.
    const [retrySpan] = named('tta.retry');
    expect(parentId(retrySpan!)).toBe(id(compile));
    expect(named('tta.retry.attempt').every((s) => parentId(s) === id(retrySpan!))).toBe(true);
    expect(named('tta.step')).toHaveLength(2);

    expect(byAttribute('tta.step.id', 'lint').attributes['tta.step.outcome']).toBe('skipped');
    expect(new Set(telemetry.spans().map((s) => s.spanContext().traceId)).size).toBe(1);

    const points = await telemetry.metricPoints();
    expect(points.get('tta.workflow.runs')).toEqual([
      {
        attributes: { 'tta.workflow.name': 'release', 'tta.run.status': 'completed' },
        value: 1,
      },
    ]);
    expect(points.get('tta.workflow.step.retries')).toEqual([
      { attributes: { 'tta.workflow.name': 'release', 'tta.step.kind': 'run' }, value: 1 },
    ]);
    expect(points.get('tta.workflow.tokens')).toEqual([
      { attributes: { 'tta.workflow.name': 'release', 'tta.persona': 'backend' }, value: 52 },
    ]);
    expect(points.get('tta.workflow.gate.results')?.[0]?.attributes).toMatchObject({
      'tta.gate.name': 'coverage',
      'tta.gate.passed': true,
    });
    expect(points.get('tta.workflow.stage.duration')?.[0]?.attributes).toEqual({
      'tta.workflow.name': 'release',
      'tta.stage.id': 'build',
      'tta.persona': 'backend',
      'tta.stage.outcome': 'completed',
    });
  });

  it('continues the recorded trace when a run is resumed, under a resume span', async () => {
    const { runTelemetry, append, store } = recorder('r2');
    await runTelemetry.drive('r2', 'release', undefined, async () => {
      await append({
        type: 'run_started',
        workflow: 'release',
        inputs: {},
        personas: ['devops'],
        ...runTelemetry.traceField('r2'),
      });
      await append({ type: 'stage_started', stage: 'ship', persona: 'devops' });
      await append({
        type: 'step_suspended',
        stage: 'ship',
        step: 'notes',
        instructions: 'Write the notes',
        expected: null,
      });
      return { status: 'suspended' as const };
    });
    const started = (await store.read('r2'))[0];
    if (started?.type !== 'run_started') throw new Error('no run_started');

    // Another process: a new RunTelemetry that knows the run only by its events.
    const later = new RunTelemetry();
    await later.drive('r2', 'release', started, async () => {
      const stageStarted = await store.append('r2', {
        type: 'stage_started',
        stage: 'ship',
        persona: 'devops',
      });
      later.observe(stageStarted);
      await later.inStep('r2', { id: 'publish', kind: 'run' }, async () => 'done');
      later.observe(
        await store.append('r2', {
          type: 'step_succeeded',
          stage: 'ship',
          step: 'publish',
          output: null,
          durationMs: 1,
          automated: true,
        }),
      );
      later.observe(
        await store.append('r2', { type: 'stage_completed', stage: 'ship', durationMs: 2 }),
      );
      return { status: 'completed' as const };
    });

    const [run] = named('tta.workflow.run');
    const [resume] = named('tta.workflow.resume');
    expect(resume?.spanContext().traceId).toBe(run?.spanContext().traceId);
    expect(parentId(resume!)).toBe(id(run!));
    const stages = named('tta.workflow.stage');
    expect(stages.map((s) => [s.attributes['tta.stage.outcome'], parentId(s)])).toEqual([
      ['suspended', id(run!)],
      ['completed', id(resume!)],
    ]);
    expect(byAttribute('tta.step.id', 'notes').attributes).toMatchObject({
      'tta.step.kind': 'agent',
      'tta.step.outcome': 'waiting',
    });
    expect(parentId(byAttribute('tta.step.id', 'publish'))).toBe(id(stages[1]!));
  });

  it('marks a failed step, its stage and the run as errors, and a failed gate on the stage', async () => {
    const { runTelemetry, append } = recorder('r3');
    await runTelemetry.drive('r3', 'wf', undefined, async () => {
      await append({ type: 'run_started', workflow: 'wf', inputs: {}, personas: ['backend'] });
      await append({ type: 'stage_started', stage: 's', persona: 'backend' });
      await runTelemetry
        .inStep('r3', { id: 'boom', kind: 'run' }, async () => {
          throw new Error('exited 4');
        })
        .catch(() => undefined);
      await append({
        type: 'run_failed',
        stage: 's',
        step: 'boom',
        error: { name: 'CommandFailedError', message: 'exited 4' },
      });
      return { status: 'failed' as const };
    });
    const boom = byAttribute('tta.step.id', 'boom');
    expect(boom.status).toEqual({ code: SpanStatusCode.ERROR, message: 'exited 4' });
    expect(boom.attributes['tta.step.outcome']).toBe('failed');
    expect(boom.events.map((e) => e.name)).toEqual(['exception']);
    expect(named('tta.workflow.stage')[0]?.status.code).toBe(SpanStatusCode.ERROR);
    expect(named('tta.workflow.run')[0]?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'run failed',
    });

    telemetry.reset();
    const gated = recorder('r4');
    await gated.runTelemetry.drive('r4', 'wf', undefined, async () => {
      await gated.append({
        type: 'run_started',
        workflow: 'wf',
        inputs: {},
        personas: ['testing'],
      });
      await gated.append({ type: 'stage_started', stage: 'verify', persona: 'testing' });
      await gated.append({
        type: 'gate_failed',
        stage: 'verify',
        gate: 'coverage',
        reason: '61 is not ≥ 80',
        metrics: { value: 61 },
      });
      return { status: 'gate_failed' as const };
    });
    const [stage] = named('tta.workflow.stage');
    expect(stage?.attributes['tta.stage.outcome']).toBe('gate_failed');
    expect(stage?.status).toEqual({ code: SpanStatusCode.ERROR, message: '61 is not ≥ 80' });
    expect(stage?.events[0]?.attributes?.['tta.gate.passed']).toBe(false);
  });

  it('ends every open span and rethrows when a drive throws', async () => {
    const { runTelemetry, append } = recorder('r5');
    await expect(
      runTelemetry.drive('r5', 'wf', undefined, async () => {
        await append({ type: 'run_started', workflow: 'wf', inputs: {}, personas: ['backend'] });
        await append({ type: 'stage_started', stage: 's', persona: 'backend' });
        throw new Error('store unreachable');
      }),
    ).rejects.toThrow('store unreachable');
    expect(named('tta.workflow.stage')[0]?.attributes['tta.stage.outcome']).toBe('interrupted');
    const [run] = named('tta.workflow.run');
    expect(run?.attributes['tta.run.status']).toBe('error');
    expect(run?.status.message).toBe('store unreachable');
  });
});

describe('RunTelemetry in the engine', () => {
  const home = mkdtempSync(join(tmpdir(), 'tta-run-telemetry-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  let registry: PersonaRegistry;
  beforeAll(async () => {
    registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
  });
  const engine = (store: InMemoryRunStore) =>
    new WorkflowEngine({
      store,
      registry,
      personaStore: new PersonaStore({ home }),
      cwd: home,
      env: process.env,
    });
  const release = (threshold: number) =>
    parseWorkflow(
      'traced.workflow.yaml',
      `name: traced
description: Every kind of span and event.
stages:
  - id: build
    title: Build
    persona: backend
    steps:
      - id: flaky
        run: test -f attempted || { touch attempted; exit 3; }
        retry: { maxRetries: 2, backoff: constant, initialDelayMs: 1 }
      - id: optional
        run: echo never
        when: \${{ false }}
      - id: coverage
        run: echo "Lines 86.4%"
    gates:
      - id: coverage-ok
        value: "\${{ steps.coverage.output.stdout }}"
        min: ${threshold}
  - id: ship
    title: Ship
    persona: devops
    steps:
      - id: notes
        agent: Write the release notes.
      - id: publish
        run: echo published
`,
      { registry },
    );

  it('records one connected trace across a start and a resume, matching the run', async () => {
    const store = new InMemoryRunStore();
    const first = await engine(store).start(release(80), {}, 'traced-1');
    expect(first.status).toBe('suspended');
    // Another engine (as another process would) completes the agent step and resumes the run.
    const later = engine(store);
    await later.complete('traced-1', 'notes', 'Notes.');
    expect((await later.resume('traced-1', release(80))).status).toBe('completed');

    const spans = telemetry.spans();
    const traceIds = new Set(spans.map((s) => s.spanContext().traceId));
    expect(traceIds.size).toBe(1);
    const started = (await store.read('traced-1'))[0];
    expect(started?.type === 'run_started' && started.trace?.traceId).toBe([...traceIds][0]);
    // No orphans: every parent is a recorded span of the trace.
    const ids = new Set(spans.map(id));
    expect(spans.filter((s) => parentId(s) !== undefined && !ids.has(parentId(s)!))).toEqual([]);

    const [run] = named('tta.workflow.run');
    const [resume] = named('tta.workflow.resume');
    expect(parentId(resume!)).toBe(id(run!));
    const tree = (parent: ReadableSpan, name: string) =>
      spans.filter((s) => parentId(s) === id(parent) && s.name === name);
    const stagesOf = (drive: ReadableSpan) =>
      tree(drive, 'tta.workflow.stage').map((stage) => [
        stage.attributes['tta.stage.id'],
        stage.attributes['tta.persona'],
        stage.attributes['tta.stage.outcome'],
        tree(stage, 'tta.workflow.step').map(
          (s) => `${s.attributes['tta.step.id']}:${s.attributes['tta.step.outcome']}`,
        ),
      ]);
    expect(stagesOf(run!)).toEqual([
      [
        'build',
        'tta-backend-engineer',
        'completed',
        ['flaky:succeeded', 'optional:skipped', 'coverage:succeeded'],
      ],
      ['ship', 'tta-devops-engineer', 'suspended', ['notes:waiting']],
    ]);
    expect(stagesOf(resume!)).toEqual([
      ['ship', 'tta-devops-engineer', 'completed', ['publish:succeeded']],
    ]);
    // The step's retry and command ran inside the step span.
    const flaky = byAttribute('tta.step.id', 'flaky');
    expect(flaky.attributes['tta.step.attempts']).toBe(2);
    expect(tree(flaky, 'tta.retry')).toHaveLength(1);
    expect(
      run?.events.filter((e) => e.name === 'tta.persona.switched').map((e) => e.attributes),
    ).toEqual([
      { 'tta.persona.from': 'none', 'tta.persona.to': 'tta-backend-engineer' },
      { 'tta.persona.from': 'tta-backend-engineer', 'tta.persona.to': 'tta-devops-engineer' },
      { 'tta.persona.from': 'tta-devops-engineer', 'tta.persona.to': 'none' },
    ]);
  });

  it('records only names that docs/observability.md lists', async () => {
    const doc = readFileSync(new URL('../../../../docs/observability.md', import.meta.url), 'utf8');
    const documented = new Set([...doc.matchAll(/`(tta\.[a-z_.]+)(?:<name>)?`/g)].map((m) => m[1]));
    const store = new InMemoryRunStore();
    await engine(store).start(release(80), {}, 'names-1');
    await engine(store).complete('names-1', 'notes', 'Notes.');
    await engine(store).resume('names-1', release(80));
    await engine(store).start(release(95), {}, 'names-2');
    const emitted = new Set<string>();
    const add = (name: string) => emitted.add(name.replace(/^(tta\.gate\.metric\.).*/, '$1'));
    for (const span of telemetry.spans()) {
      add(span.name);
      for (const key of Object.keys(span.attributes)) add(key);
      for (const event of span.events) {
        add(event.name);
        for (const key of Object.keys(event.attributes ?? {})) add(key);
      }
    }
    const points = await telemetry.metricPoints();
    for (const [name, series] of points) {
      add(name);
      for (const point of series) for (const key of Object.keys(point.attributes)) add(key);
    }
    const undocumented = [...emitted].filter((n) => n.startsWith('tta.') && !documented.has(n));
    expect(undocumented).toEqual([]);
    // Every metric of the engine was recorded at least once by these two runs.
    expect([...points.keys()].filter((n) => n.startsWith('tta.workflow.')).sort()).toEqual([
      'tta.workflow.gate.results',
      'tta.workflow.runs',
      'tta.workflow.stage.duration',
      'tta.workflow.step.retries',
      'tta.workflow.steps',
      'tta.workflow.tokens',
    ]);
    expect(telemetry.spans().some((s) => s.name === 'tta.workflow.resume')).toBe(true);
  });
});
