import {
  AggregationTemporality,
  type IMetricReader,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { core } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { CliError } from '../CliError.js';
import { spanRecord } from './JsonLinesSpanExporter.js';

type Env = Readonly<Record<string, string | undefined>>;
type Protocol = 'grpc' | 'http/protobuf' | 'http/json';

/**
 * The OTLP protocol of a signal, as the specification's variables say
 * (`OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL`, then `OTEL_EXPORTER_OTLP_PROTOCOL`; default
 * `http/protobuf`).
 */
function protocolOf(env: Env, signal: 'TRACES' | 'METRICS'): Protocol {
  const given = (
    env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] ??
    env.OTEL_EXPORTER_OTLP_PROTOCOL ??
    'http/protobuf'
  ).trim();
  if (given === 'grpc' || given === 'http/protobuf' || given === 'http/json') return given;
  throw new CliError(
    `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL: unknown protocol "${given}" (grpc, http/protobuf, http/json)`,
    2,
  );
}

/**
 * The span processors of the exporters `OTEL_TRACES_EXPORTER` names (`otlp`, `console`,
 * `zipkin`), each exporter reading its own `OTEL_EXPORTER_*` variables. `console` writes JSON lines
 * to stderr, never to stdout, which carries results (`--json`) and the MCP stdio stream.
 */
export async function spanProcessorsFromEnv(
  names: readonly string[],
  env: Env,
): Promise<BatchSpanProcessor[]> {
  const processors: BatchSpanProcessor[] = [];
  for (const name of names) {
    let exporter: SpanExporter;
    if (name === 'otlp') {
      const protocol = protocolOf(env, 'TRACES');
      exporter =
        protocol === 'grpc'
          ? new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter()
          : protocol === 'http/json'
            ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter()
            : new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
    } else if (name === 'zipkin')
      exporter = new (await import('@opentelemetry/exporter-zipkin')).ZipkinExporter();
    else if (name === 'console') exporter = new StderrSpanExporter();
    else
      throw new CliError(
        `OTEL_TRACES_EXPORTER: unknown exporter "${name}" (otlp, console, zipkin, none)`,
        2,
      );
    processors.push(new BatchSpanProcessor(exporter));
  }
  return processors;
}

/** The OTLP metric reader: the exporter of `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL`, read every `OTEL_METRIC_EXPORT_INTERVAL`. */
export async function otlpMetricReaderFromEnv(env: Env): Promise<IMetricReader> {
  const protocol = protocolOf(env, 'METRICS');
  const exporter: PushMetricExporter =
    protocol === 'grpc'
      ? new (await import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter()
      : protocol === 'http/json'
        ? new (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter()
        : new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter();
  return periodicReader(exporter, env);
}

/** The console metric reader: JSON lines on stderr. */
export function consoleMetricReaderFromEnv(env: Env): IMetricReader {
  return periodicReader(new StderrMetricExporter(), env);
}

function periodicReader(exporter: PushMetricExporter, env: Env): IMetricReader {
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  const timeout = Number(env.OTEL_METRIC_EXPORT_TIMEOUT);
  return new PeriodicExportingMetricReader({
    exporter,
    ...(interval > 0 ? { exportIntervalMillis: interval } : {}),
    ...(timeout > 0 && (!(interval > 0) || timeout <= interval)
      ? { exportTimeoutMillis: timeout }
      : {}),
  });
}

/** `OTEL_TRACES_EXPORTER=console`: each finished span as a JSON line (as in a trace file) on stderr. */
class StderrSpanExporter implements SpanExporter {
  export(
    spans: Parameters<SpanExporter['export']>[0],
    done: (result: core.ExportResult) => void,
  ): void {
    process.stderr.write(spans.map((s) => `${JSON.stringify(spanRecord(s))}\n`).join(''), () =>
      done({ code: core.ExportResultCode.SUCCESS }),
    );
  }

  async shutdown(): Promise<void> {}
}

/** `OTEL_METRICS_EXPORTER=console`: each collection's metrics as a JSON line on stderr. */
class StderrMetricExporter implements PushMetricExporter {
  export(metrics: ResourceMetrics, done: (result: core.ExportResult) => void): void {
    const line = JSON.stringify({
      scopeMetrics: metrics.scopeMetrics.map((scope) => ({
        scope: scope.scope.name,
        metrics: scope.metrics.map((m) => ({
          name: m.descriptor.name,
          unit: m.descriptor.unit,
          dataPoints: m.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value })),
        })),
      })),
    });
    process.stderr.write(`${line}\n`, () => done({ code: core.ExportResultCode.SUCCESS }));
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
