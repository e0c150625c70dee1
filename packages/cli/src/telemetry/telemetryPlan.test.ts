import { describe, expect, it } from 'vitest';
import { telemetryPlan } from './telemetryPlan.js';

describe('telemetryPlan', () => {
  it.each([
    ['nothing asked', {}, {}, undefined],
    [
      'a trace file, resolved against the folder',
      {},
      { traceFile: 't.jsonl' },
      { traceFile: '/work/t.jsonl', traceExporters: [], metricExporters: [], prometheus: false },
    ],
    [
      'TTA_TRACE_FILE',
      { TTA_TRACE_FILE: '/tmp/x.jsonl' },
      {},
      { traceFile: '/tmp/x.jsonl', traceExporters: [], metricExporters: [], prometheus: false },
    ],
    [
      '--trace-file over TTA_TRACE_FILE',
      { TTA_TRACE_FILE: '/tmp/x.jsonl' },
      { traceFile: '/tmp/y.jsonl' },
      { traceFile: '/tmp/y.jsonl', traceExporters: [], metricExporters: [], prometheus: false },
    ],
    [
      'an OTLP endpoint: traces and metrics',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
      {},
      { traceExporters: ['otlp'], metricExporters: ['otlp'], prometheus: false },
    ],
    [
      'a traces endpoint only',
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' },
      {},
      { traceExporters: ['otlp'], metricExporters: [], prometheus: false },
    ],
    [
      'exporters named, one signal turned off',
      {
        OTEL_TRACES_EXPORTER: 'console, otlp',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c',
      },
      {},
      { traceExporters: ['console', 'otlp'], metricExporters: [], prometheus: false },
    ],
    [
      'every signal turned off',
      { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' },
      {},
      undefined,
    ],
    [
      'Prometheus for tta serve',
      {},
      { prometheus: true },
      { traceExporters: [], metricExporters: [], prometheus: true },
    ],
    [
      'OTEL_SDK_DISABLED wins',
      { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c' },
      { traceFile: 't.jsonl' },
      undefined,
    ],
  ])('%s', (_, env, options, expected) => {
    expect(telemetryPlan(env, '/work', options)).toEqual(expected);
  });
});
