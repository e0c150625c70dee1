import { appendFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK, resources } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { CliError } from '../CliError.js';
import {
  consoleMetricReaderFromEnv,
  otlpMetricReaderFromEnv,
  spanProcessorsFromEnv,
} from './exportersFromEnv.js';
import { JsonLinesSpanExporter } from './JsonLinesSpanExporter.js';
import type { TelemetryPlan } from './telemetryPlan.js';

/** Serves the metrics in Prometheus's text format: mount it at `/metrics`. */
export type MetricsHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** The running SDK. */
export interface Telemetry {
  /** Present when the plan asked for Prometheus. */
  readonly metricsHandler?: MetricsHandler;
  /** Flushes every span and metric, stops the SDK and unregisters it (so it may start again). */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK as the plan says: the trace file, the exporters of the
 * `OTEL_*` variables, a Prometheus reader without a server of its own. Logs are not exported.
 * Process and host details stay out of the resource: command lines may carry secrets.
 */
export async function startTelemetry(plan: TelemetryPlan, version: string): Promise<Telemetry> {
  const spanProcessors: SpanProcessor[] = [];
  if (plan.traceFile !== undefined) {
    try {
      await appendFile(plan.traceFile, '');
    } catch (error) {
      throw new CliError(
        `--trace-file: cannot write ${plan.traceFile}: ${(error as Error).message}`,
        2,
      );
    }
    spanProcessors.push(new BatchSpanProcessor(new JsonLinesSpanExporter(plan.traceFile)));
  }
  // The exporters the standard variables name, beside the trace file (the SDK's `spanProcessors`
  // option would replace its own reading of them).
  spanProcessors.push(...(await spanProcessorsFromEnv(plan.traceExporters, process.env)));

  const metricReaders: IMetricReader[] = [];
  for (const name of plan.metricExporters) {
    if (name === 'otlp') metricReaders.push(await otlpMetricReaderFromEnv(process.env));
    else if (name === 'console') metricReaders.push(consoleMetricReaderFromEnv(process.env));
    else if (name === 'prometheus') metricReaders.push(new PrometheusExporter());
    else
      throw new CliError(
        `OTEL_METRICS_EXPORTER: unknown exporter "${name}" (otlp, console, prometheus, none)`,
        2,
      );
  }
  let prometheus: PrometheusExporter | undefined;
  if (plan.prometheus) {
    prometheus = new PrometheusExporter({ preventServerStart: true });
    metricReaders.push(prometheus);
  }

  const sdk = new NodeSDK({
    // `tta` unless the environment names the service (OTEL_SERVICE_NAME, or service.name among
    // OTEL_RESOURCE_ATTRIBUTES, which the env detector reads).
    ...(process.env.OTEL_SERVICE_NAME ||
    /(^|,)\s*service\.name\s*=/.test(process.env.OTEL_RESOURCE_ATTRIBUTES ?? '')
      ? {}
      : { serviceName: 'tta' }),
    resource: resources.resourceFromAttributes({ 'service.version': version }),
    resourceDetectors: [resources.envDetector],
    spanProcessors,
    metricReaders,
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return {
    ...(prometheus === undefined
      ? {}
      : {
          metricsHandler: (request, response) =>
            prometheus.getMetricsRequestHandler(request, response),
        }),
    shutdown: async () => {
      try {
        await sdk.shutdown();
      } finally {
        trace.disable();
        metrics.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
}
