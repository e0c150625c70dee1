import { isAbsolute, resolve } from 'node:path';

/** What the command line asked of telemetry, besides the environment. */
export interface TelemetryOptions {
  /** `--trace-file <path>`: overrides `TTA_TRACE_FILE`. */
  readonly traceFile?: string;
  /** Keep metrics for a `/metrics` endpoint that Prometheus scrapes (`tta serve`). */
  readonly prometheus?: boolean;
}

/** What to start: a trace file, the exporters the standard `OTEL_*` variables name, Prometheus. */
export interface TelemetryPlan {
  /** Absolute path of the JSON-lines trace file. */
  readonly traceFile?: string;
  /** Span exporters from `OTEL_TRACES_EXPORTER` (`otlp`, `console`, `zipkin`). */
  readonly traceExporters: readonly string[];
  /** Metric exporters from `OTEL_METRICS_EXPORTER` (`otlp`, `console`, `prometheus`). */
  readonly metricExporters: readonly string[];
  readonly prometheus: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

const set = (value: string | undefined) => value !== undefined && value.trim() !== '';

/**
 * The exporters of one signal: those `OTEL_<SIGNAL>_EXPORTER` lists (`none` turns the signal
 * off), else `otlp` when an OTLP endpoint is configured, else none. Unlike the SDK's own default
 * (`otlp` to localhost), nothing is exported unless asked for: a command line tool must not
 * knock on a collector that nobody started.
 */
function exporters(env: Env, signal: 'TRACES' | 'METRICS'): string[] {
  const listed = (env[`OTEL_${signal}_EXPORTER`] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'null');
  if (listed.includes('none')) return [];
  if (listed.length > 0) return [...new Set(listed)];
  return set(env.OTEL_EXPORTER_OTLP_ENDPOINT) || set(env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`])
    ? ['otlp']
    : [];
}

/**
 * Decides from the options and the environment what telemetry to start; `undefined` when there
 * is nothing to export, so that no SDK is loaded at all (the default: no cost, no noise).
 * `OTEL_SDK_DISABLED=true` turns everything off, the trace file included.
 */
export function telemetryPlan(
  env: Env,
  cwd: string,
  options: TelemetryOptions = {},
): TelemetryPlan | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const file = options.traceFile ?? (set(env.TTA_TRACE_FILE) ? env.TTA_TRACE_FILE : undefined);
  const plan: TelemetryPlan = {
    ...(file === undefined ? {} : { traceFile: isAbsolute(file) ? file : resolve(cwd, file) }),
    traceExporters: exporters(env, 'TRACES'),
    metricExporters: exporters(env, 'METRICS'),
    prometheus: options.prometheus === true,
  };
  const wanted =
    plan.traceFile !== undefined ||
    plan.traceExporters.length > 0 ||
    plan.metricExporters.length > 0 ||
    plan.prometheus;
  return wanted ? plan : undefined;
}
