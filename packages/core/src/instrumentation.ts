import {
  type Attributes,
  type Counter,
  context,
  createNoopMeter,
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics,
  ProxyTracerProvider,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';

/** Instrumentation scope of every span and metric recorded by this package. */
export const INSTRUMENTATION_SCOPE = '@tta-dev/core';

const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();
const NOOP_METER = createNoopMeter();

const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/**
 * True while nothing (no provider, no context manager) has been registered with
 * `@opentelemetry/api`: one property read, the fast path of every primitive run.
 */
export function otelAbsent(): boolean {
  return (globalThis as Record<symbol, unknown>)[OTEL_GLOBAL] === undefined;
}

/**
 * Whether an OpenTelemetry SDK has registered a tracer provider. Checked on every run, so a
 * provider registered after this module loaded is honoured; without one, primitives skip span
 * work entirely (libraries record, applications decide whether to export).
 */
export function tracingEnabled(): boolean {
  if (otelAbsent()) return false;
  const provider = trace.getTracerProvider();
  return (
    !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NOOP_TRACER_PROVIDER
  );
}

/** The metric instruments of this package, bound to the meter provider registered now. */
export interface CoreInstruments {
  readonly executions: Counter;
  readonly duration: Histogram;
  readonly retryAttempts: Counter;
  readonly timeouts: Counter;
  readonly cacheLookups: Counter;
  readonly circuitTransitions: Counter;
  readonly gateResults: Counter;
  readonly compensations: Counter;
}

let boundProvider: MeterProvider | undefined;
let boundInstruments: CoreInstruments | undefined;

/** The instruments, or `undefined` when no SDK meter provider is registered (nothing to pay). */
export function instruments(): CoreInstruments | undefined {
  if (otelAbsent()) return undefined;
  const provider = metrics.getMeterProvider();
  if (provider !== boundProvider) {
    boundProvider = provider;
    const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
    boundInstruments = meter === NOOP_METER ? undefined : createInstruments(meter);
  }
  return boundInstruments;
}

function createInstruments(meter: Meter): CoreInstruments {
  return {
    executions: meter.createCounter('tta.primitive.executions', {
      description: 'Runs of a primitive, by kind and outcome',
    }),
    duration: meter.createHistogram('tta.primitive.duration', {
      description: 'Duration of a primitive run',
      unit: 's',
    }),
    retryAttempts: meter.createCounter('tta.retry.attempts', {
      description: 'Attempts made by retry primitives, first attempts included',
    }),
    timeouts: meter.createCounter('tta.timeout.expirations', {
      description: 'Runs stopped by a timeout primitive',
    }),
    cacheLookups: meter.createCounter('tta.cache.lookups', {
      description: 'Cache lookups, by result (hit or miss)',
    }),
    circuitTransitions: meter.createCounter('tta.circuit.transitions', {
      description: 'Circuit breaker state changes, by new state',
    }),
    gateResults: meter.createCounter('tta.gate.results', {
      description: 'Quality gate checks, by gate and result',
    }),
    compensations: meter.createCounter('tta.saga.compensations', {
      description: 'Saga compensations run, by outcome',
    }),
  };
}

/** Ends a span as failed, recording the error. */
export function failSpan(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
  span.end();
}

/**
 * Runs `fn` inside a child span named `name`, when tracing is enabled; otherwise just runs it.
 * Used for the parts of a primitive (a retry attempt, a parallel branch, a compensation).
 */
export function inSpan<T>(
  name: string,
  attributes: () => Attributes,
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return fn(undefined);
  const span = coreTracer().startSpan(name, { attributes: attributes() });
  return context
    .with(trace.setSpan(context.active(), span), () => fn(span))
    .then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        failSpan(span, error);
        throw error;
      },
    );
}

let tracerOf: { readonly provider: unknown; readonly tracer: Tracer } | undefined;

/**
 * The tracer of the provider registered now. Not kept from load time: a proxy tracer is tied to
 * the copy of `@opentelemetry/api` that made it (ESM or CJS), and an SDK registered through the
 * other copy would never reach it. Kept while the registered provider is the same object (one
 * property read), since asking the API for a tracer costs ~0.3 µs a span.
 */
export function coreTracer(): Tracer {
  const provider = (globalThis as Record<symbol, { trace?: unknown } | undefined>)[OTEL_GLOBAL]
    ?.trace;
  if (tracerOf === undefined || tracerOf.provider !== provider)
    tracerOf = { provider, tracer: trace.getTracer(INSTRUMENTATION_SCOPE) };
  return tracerOf.tracer;
}
