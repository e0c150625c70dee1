import { type Meter, type MeterProvider, metrics } from '@opentelemetry/api';
import { INSTRUMENTATION_SCOPE } from './instrumentationScope.js';

/**
 * A getter of instruments made once per meter provider, under this package's versioned scope:
 * not on every call of a hot path, yet made again when another provider is registered (tests,
 * the CLI's SDK start).
 */
export function meterInstruments<T>(make: (meter: Meter) => T): () => T {
  let bound: { provider: MeterProvider; instruments: T } | undefined;
  return () => {
    const provider = metrics.getMeterProvider();
    if (bound?.provider !== provider) {
      const meter = provider.getMeter(INSTRUMENTATION_SCOPE.scope, INSTRUMENTATION_SCOPE.version);
      bound = { provider, instruments: make(meter) };
    }
    return bound.instruments;
  };
}
