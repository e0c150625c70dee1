import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileRunStore, type RunEvent } from '@tta-dev/workflows';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpanRecord } from '../telemetry/JsonLinesSpanExporter.js';
import { startCollector } from '../telemetry/otlpReceiver.testkit.js';
import { createProject, orphans, type Project, readSpans } from '../telemetry/project.testkit.js';

// The built bin, run as a user runs it (the package's test task builds first).
const tta = fileURLToPath(new URL('../../dist/bin/tta.js', import.meta.url));

function run(args: string[], options: { cwd: string; env: Record<string, string> }, bin = tta) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, ...args], options, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
    );
  });
}

let project: Project;
beforeEach(async () => {
  project = await createProject();
});
afterEach(() => project.close());

/** Stages in the order the run started them, each with the steps it ran, skipped or suspended. */
function stagesOfEvents(events: readonly RunEvent[]): [string, string[]][] {
  const stages: [string, string[]][] = [];
  for (const e of events) {
    if (e.type === 'stage_started') stages.push([e.stage, []]);
    const steps = stages.at(-1)?.[1];
    if (steps === undefined) continue;
    if (
      (e.type === 'step_started' ||
        e.type === 'step_succeeded' ||
        e.type === 'step_skipped' ||
        e.type === 'step_suspended') &&
      !steps.includes(e.step)
    )
      steps.push(e.step);
  }
  return stages;
}

/** The same, from the spans: stage spans by start, each with its step spans by start. */
function stagesOfSpans(spans: readonly SpanRecord[]): [string, string[]][] {
  const byStart = (a: SpanRecord, b: SpanRecord) =>
    BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1;
  return spans
    .filter((s) => s.name === 'tta.workflow.stage')
    .sort(byStart)
    .map((stage) => [
      String(stage.attributes['tta.stage.id']),
      spans
        .filter((s) => s.parentSpanId === stage.spanId && s.name === 'tta.workflow.step')
        .sort(byStart)
        .map((s) => String(s.attributes['tta.step.id'])),
    ]);
}

describe('tta --trace-file, built', () => {
  it('writes ONE connected trace of "workflow demo" whose span tree matches the run', async () => {
    const trace = join(project.root, 't.jsonl');
    const demo = await run(['--trace-file', trace, 'workflow', 'demo', '--keep'], {
      cwd: project.dir,
      env: { ...(process.env as Record<string, string>), NO_COLOR: '1' },
    });
    const kept = /kept: (.*)/.exec(demo.stderr)?.[1];
    try {
      expect(demo.code, demo.stderr).toBe(0);
      const spans = await readSpans(trace);
      const events = await new FileRunStore({
        cwd: join(kept!, 'tta-sample-widgets'),
      }).read('demo-release');
      const started = events[0];
      if (started?.type !== 'run_started' || started.trace === undefined)
        throw new Error('run_started records no trace');

      expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([started.trace.traceId]));
      expect(orphans(spans)).toEqual([]);
      const roots = spans.filter((s) => s.parentSpanId === null);
      expect(roots.map((s) => [s.name, s.spanId])).toEqual([
        ['tta.workflow.run', started.trace.spanId],
      ]);
      // The demo suspends at the release notes and resumes: the resume is a child of the run.
      const resumes = spans.filter((s) => s.name === 'tta.workflow.resume');
      expect(resumes.map((s) => s.parentSpanId)).toEqual([started.trace.spanId]);
      const drives = new Set([started.trace.spanId, ...resumes.map((s) => s.spanId)]);
      const stageSpans = spans.filter((s) => s.name === 'tta.workflow.stage');
      expect(stageSpans.every((s) => drives.has(s.parentSpanId!))).toBe(true);
      // run → stages → steps, exactly as the events tell.
      expect(stagesOfSpans(spans)).toEqual(stagesOfEvents(events));
      expect(stagesOfEvents(events).map(([stage]) => stage)).toEqual([
        'prepare',
        'verify',
        'ship',
        'ship',
      ]);
      // Every step span of a step that ran holds the spans of the primitives it ran on.
      const ran = spans.filter(
        (s) => s.name === 'tta.workflow.step' && s.attributes['tta.step.outcome'] === 'succeeded',
      );
      expect(ran.length).toBeGreaterThan(5);
      for (const step of ran)
        expect(
          spans.some((s) => s.parentSpanId === step.spanId && s.scope === '@tta-dev/core'),
        ).toBe(true);
      // Gate verdicts are events of their stage.
      const gates = stageSpans.flatMap((s) => s.events.filter((e) => e.name === 'tta.gate.result'));
      expect(gates.length).toBe(events.filter((e) => e.type === 'gate_passed').length);
    } finally {
      if (kept !== undefined) await rm(kept, { recursive: true, force: true });
    }
  });

  it('flushes the spans when the run is stopped with SIGINT', async () => {
    const trace = join(project.root, 't.jsonl');
    const child: ChildProcess = spawn(
      process.execPath,
      [tta, '--trace-file', trace, 'workflow', 'run', 'slow', '--run-id', 'slow-1'],
      { cwd: project.dir, env: project.env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Interrupt once the sleeping step has started (its event is in the run's log).
    const log = join(project.dir, '.tta', 'runs', 'slow-1', 'events.jsonl');
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const poll = setInterval(() => {
        let text = '';
        try {
          text = readFileSync(log, 'utf8');
        } catch {}
        if (text.includes('"step_started"')) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
      child.on('exit', () => {
        clearInterval(poll);
        reject(new Error(`exited before the step started: ${stderr}`));
      });
    });
    child.kill('SIGINT');
    expect(await exited).not.toBe(0);
    const spans = await readSpans(trace);
    expect(orphans(spans)).toEqual([]);
    const step = spans.find((s) => s.name === 'tta.workflow.step');
    expect(step?.attributes).toMatchObject({
      'tta.step.id': 'sleep',
      'tta.step.outcome': 'failed',
    });
    expect(step?.status.code).toBe('ERROR');
    const runSpan = spans.find((s) => s.name === 'tta.workflow.run');
    expect(runSpan?.status.code).toBe('ERROR');
  });
});

type OtlpAttributes = { key: string }[] | undefined;
const keys = (attributes: OtlpAttributes) => (attributes ?? []).map((a) => a.key);

describe('OTEL_EXPORTER_OTLP_* , built', () => {
  it('sends traces and metrics to the collector, with only names docs/observability.md lists', async () => {
    const collector = await startCollector();
    try {
      const done = await run(['workflow', 'run', 'mini'], {
        cwd: project.dir,
        env: {
          ...project.env,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        },
      });
      expect(done.code, done.stderr).toBe(0);
    } finally {
      collector.server.close();
    }
    const names = new Set<string>();
    const add = (name: string) => names.add(name.replace(/^(tta\.gate\.metric\.).*/, '$1'));
    const spanNames: string[] = [];
    const metricNames: string[] = [];
    for (const { path, body } of collector.received) {
      if (path === '/v1/traces') {
        const { resourceSpans } = body as {
          resourceSpans: {
            resource: { attributes: { key: string; value: { stringValue?: string } }[] };
            scopeSpans: {
              spans: {
                name: string;
                attributes?: OtlpAttributes;
                events?: { name: string; attributes?: OtlpAttributes }[];
              }[];
            }[];
          }[];
        };
        for (const rs of resourceSpans) {
          expect(rs.resource.attributes).toContainEqual({
            key: 'service.name',
            value: { stringValue: 'tta' },
          });
          for (const span of rs.scopeSpans.flatMap((s) => s.spans)) {
            spanNames.push(span.name);
            add(span.name);
            keys(span.attributes).forEach(add);
            for (const event of span.events ?? []) {
              add(event.name);
              keys(event.attributes).forEach(add);
            }
          }
        }
      } else if (path === '/v1/metrics') {
        const { resourceMetrics } = body as {
          resourceMetrics: {
            scopeMetrics: {
              metrics: Record<
                string,
                { dataPoints?: { attributes?: OtlpAttributes }[] } | string
              >[];
            }[];
          }[];
        };
        for (const metric of resourceMetrics.flatMap((r) =>
          r.scopeMetrics.flatMap((s) => s.metrics),
        )) {
          const name = metric.name as string;
          metricNames.push(name);
          add(name);
          for (const data of Object.values(metric))
            if (typeof data === 'object')
              for (const point of data.dataPoints ?? []) keys(point.attributes).forEach(add);
        }
      }
    }
    expect(spanNames).toEqual(
      expect.arrayContaining([
        'tta.workflow.run',
        'tta.workflow.stage',
        'tta.workflow.step',
        'tta.step',
      ]),
    );
    expect(metricNames).toEqual(
      expect.arrayContaining([
        'tta.workflow.runs',
        'tta.workflow.stage.duration',
        'tta.persona.switches',
        'tta.primitive.executions',
      ]),
    );
    const doc = readFileSync(new URL('../../../../docs/observability.md', import.meta.url), 'utf8');
    const documented = new Set([...doc.matchAll(/`(tta\.[a-z_.]+)(?:<name>)?`/g)].map((m) => m[1]));
    expect([...names].filter((n) => n.startsWith('tta.') && !documented.has(n))).toEqual([]);
  });
});

describe('the console exporters and the resource, built', () => {
  const ttaPersona = fileURLToPath(new URL('../../dist/bin/tta-persona.js', import.meta.url));
  const jsonLines = (text: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('OTEL_TRACES_EXPORTER=console writes spans to stderr, never into a result on stdout', async () => {
    const done = await run(['workflow', 'run', 'mini', '--json'], {
      cwd: project.dir,
      env: { ...project.env, OTEL_TRACES_EXPORTER: 'console' },
    });
    expect(done.code, done.stderr).toBe(0);
    // `run --json` gives the run's events as JSON lines: each line one, and no span among them.
    const lines = done.stdout.trim().split('\n');
    expect(jsonLines(done.stdout)).toHaveLength(lines.length);
    expect(jsonLines(done.stdout).filter((l) => 'spanId' in l)).toEqual([]);
    const spans = jsonLines(done.stderr).filter((l) => typeof l.traceId === 'string');
    expect(spans.map((s) => s.name)).toContain('tta.workflow.run');
  });

  it('tta-persona honours OTEL_*: its switch metric goes to the console exporter, on stderr', async () => {
    const done = await run(
      ['backend'],
      { cwd: project.dir, env: { ...project.env, OTEL_METRICS_EXPORTER: 'console' } },
      ttaPersona,
    );
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).not.toContain('tta.persona.switches');
    const names = jsonLines(done.stderr).flatMap((l) =>
      ((l.scopeMetrics ?? []) as { metrics: { name: string }[] }[]).flatMap((s) =>
        s.metrics.map((m) => m.name),
      ),
    );
    expect(names).toContain('tta.persona.switches');
  });

  it('takes service.name from OTEL_RESOURCE_ATTRIBUTES', async () => {
    const collector = await startCollector();
    try {
      const done = await run(['workflow', 'run', 'mini'], {
        cwd: project.dir,
        env: {
          ...project.env,
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=release-ci,deployment.environment=ci',
        },
      });
      expect(done.code, done.stderr).toBe(0);
    } finally {
      collector.server.close();
    }
    const traces = collector.received.filter((c) => c.path === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    for (const { body } of traces)
      for (const rs of (body as { resourceSpans: { resource: { attributes: unknown[] } }[] })
        .resourceSpans)
        expect(rs.resource.attributes).toContainEqual({
          key: 'service.name',
          value: { stringValue: 'release-ci' },
        });
  });
});
