// Test-only: a real OpenTelemetry SDK recording spans and metrics in memory (as core's testkit).
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface Telemetry {
  readonly spans: () => ReadableSpan[];
  /** Metric name → data points recorded so far (cumulative). */
  readonly metricPoints: () => Promise<
    Map<string, { attributes: Record<string, unknown>; value: unknown }[]>
  >;
  readonly reset: () => void;
  readonly shutdown: () => Promise<void>;
}

/** Registers a tracer and meter provider globally; call `shutdown` in `afterAll`. */
export function installTelemetry(): Telemetry {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(tracerProvider);
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    spans: () => exporter.getFinishedSpans(),
    metricPoints: async () => {
      const { resourceMetrics } = await reader.collect();
      const points = new Map<string, { attributes: Record<string, unknown>; value: unknown }[]>();
      for (const scope of resourceMetrics.scopeMetrics)
        for (const metric of scope.metrics)
          points.set(
            metric.descriptor.name,
            metric.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value })),
          );
      return points;
    },
    reset: () => exporter.reset(),
    shutdown: async () => {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      metrics.disable();
      context.disable();
    },
  };
}
