import type { Io } from '../Io.js';
import type { MetricsHandler, Telemetry } from './startTelemetry.js';
import { type TelemetryOptions, telemetryPlan } from './telemetryPlan.js';

let active: Telemetry | undefined;

/**
 * Runs a command with the telemetry the options and environment ask for, and flushes it when the
 * command ends, however it ends (an error, or SIGINT, which the command answers by returning).
 * With nothing to export, the SDK is not even loaded.
 */
export async function withTelemetry<T>(
  io: Io,
  options: TelemetryOptions,
  version: string,
  work: () => Promise<T>,
): Promise<T> {
  const plan = telemetryPlan(io.env, io.cwd, options);
  if (plan === undefined) return work();
  const { startTelemetry } = await import('./startTelemetry.js');
  const telemetry = await startTelemetry(plan, version);
  active = telemetry;
  try {
    return await work();
  } finally {
    active = undefined;
    await telemetry.shutdown();
  }
}

/** The `/metrics` handler of the running SDK, when the command asked for Prometheus (`tta serve`). */
export function metricsHandler(): MetricsHandler | undefined {
  return active?.metricsHandler;
}
