import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { metrics, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely, runTta } from '../main.js';
import { createProject, orphans, outline, type Project, readSpans } from './project.testkit.js';
import { metricsHandler, withTelemetry } from './withTelemetry.js';

// @tta-dev/core binds its tracer when it is first imported; @opentelemetry/api ships an ESM and
// a CJS copy, and the SDK (CJS) registers with the latter. Imported before the SDK started, core
// would record no spans, so nothing here imports the workflow packages before \`runTta\` has
// started telemetry (as the tta bin does: commands are imported after the SDK starts).
let project: Project;
beforeEach(async () => {
  project = await createProject();
});
afterEach(() => project.close());

const io = () => captureIo({ env: project.env, cwd: project.dir });

describe('tta --trace-file', () => {
  it('writes one connected trace per run, shaped as the run, and unregisters the SDK after', async () => {
    const first = io();
    expect(
      await runTta(
        ['--trace-file', 'trace.jsonl', 'workflow', 'run', 'mini', '--run-id', 'r1'],
        first,
        '0.0.0',
      ),
    ).toBe(0);
    const spans = await readSpans(join(project.dir, 'trace.jsonl'));
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(orphans(spans)).toEqual([]);
    expect(outline(spans)).toEqual([
      'tta.workflow.run r1',
      '  tta.workflow.stage build',
      '    tta.workflow.step flaky',
      '      tta.retry retry(flaky)',
      '        tta.retry.attempt retry(flaky)',
      '          tta.step flaky',
      '        tta.retry.attempt retry(flaky)',
      '          tta.step flaky',
      '    tta.workflow.step optional',
      '  tta.workflow.stage verify',
      '    tta.workflow.step coverage',
      '      tta.step coverage',
    ]);
    const run = spans.find((s) => s.name === 'tta.workflow.run')!;
    expect(run).toMatchObject({
      parentSpanId: null,
      scope: '@tta-dev/workflows',
      status: { code: 'UNSET' },
      attributes: { 'tta.workflow.name': 'mini', 'tta.run.status': 'completed' },
    });
    expect(run.events.map((e) => e.name)).toEqual([
      'tta.persona.switched',
      'tta.persona.switched',
      'tta.persona.switched',
    ]);
    const verify = spans.find(
      (s) => s.name === 'tta.workflow.stage' && s.attributes['tta.stage.id'] === 'verify',
    )!;
    expect(verify.events).toEqual([
      {
        name: 'tta.gate.result',
        time: expect.any(String),
        attributes: {
          'tta.gate.name': 'coverage-ok',
          'tta.gate.passed': true,
          'tta.gate.reason': '91.5 is ≥ 80',
          'tta.gate.metric.value': 91.5,
          'tta.gate.metric.min': 80,
        },
      },
    ]);
    // The run's events say where its trace is.
    // Imported only now: see the note at the top of the file.
    const { FileRunStore } = await import('@tta-dev/workflows');
    const [started] = await new FileRunStore({ cwd: project.dir }).read('r1');
    expect(started?.type === 'run_started' && started.trace).toEqual({
      traceId: run.traceId,
      spanId: run.spanId,
    });
    // Unregistered: a second command starts its own SDK, and the file is appended to.
    expect(trace.getTracer('x').startSpan('probe').isRecording()).toBe(false);
    expect(
      await runTta(
        ['--trace-file=trace.jsonl', 'workflow', 'run', 'mini', '--run-id', 'r2'],
        io(),
        '0.0.0',
      ),
    ).toBe(0);
    const both = await readSpans(join(project.dir, 'trace.jsonl'));
    expect(
      both.filter((s) => s.name === 'tta.workflow.run').map((s) => s.attributes['tta.run.id']),
    ).toEqual(['r1', 'r2']);
    expect(new Set(both.map((s) => s.traceId)).size).toBe(2);
  });

  it('exports nothing and starts no SDK without the option', async () => {
    expect(await runTta(['workflow', 'run', 'mini'], io(), '0.0.0')).toBe(0);
    expect(metrics.getMeterProvider().getMeter('x').createCounter('c')).toBeDefined();
    expect(trace.getTracer('x').startSpan('probe').isRecording()).toBe(false);
  });

  it('is bad input (exit 2) when the trace file cannot be written', async () => {
    const bad = io();
    const code = await runSafely(bad, () =>
      runTta(
        ['--trace-file', join(project.dir, 'no', 'such', 'dir', 't.jsonl'), 'workflow', 'list'],
        bad,
        '0.0.0',
      ),
    );
    expect(code).toBe(2);
    expect(bad.err()).toContain('--trace-file: cannot write');
  });
});

describe('metrics for Prometheus', () => {
  it('serves the run metrics in the Prometheus text format from the handler tta serve mounts', async () => {
    const cmd = io();
    const text = await withTelemetry(cmd, { prometheus: true }, '0.0.0', async () => {
      const handler = metricsHandler();
      if (handler === undefined) throw new Error('no metrics handler');
      const server = createServer((req, res) => handler(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { run } = await import('../workflow/run.js');
        expect(await run(['mini'], cmd)).toBe(0);
        const { port } = server.address() as AddressInfo;
        const response = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(response.status).toBe(200);
        return response.text();
      } finally {
        server.close();
      }
    });
    expect(metricsHandler()).toBeUndefined();
    const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const sample = (name: string) => samples.filter((l) => l.startsWith(name));
    expect(sample('tta_workflow_runs')).toEqual([
      expect.stringMatching(
        /^tta_workflow_runs_total\{tta_workflow_name="mini",tta_run_status="completed",otel_scope_name="@tta-dev\/workflows"\} 1$/,
      ),
    ]);
    expect(sample('tta_workflow_stage_duration')).not.toEqual([]);
    expect(sample('tta_workflow_step_retries')).toEqual([
      expect.stringMatching(/tta_step_kind="run",.*\} 1$/),
    ]);
    expect(sample('tta_persona_switches')).not.toEqual([]);
    expect(sample('tta_primitive_executions')).not.toEqual([]);
  });
});
