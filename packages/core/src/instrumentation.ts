import {
  type Attributes,
  type Counter,
  context,
  createNoopMeter,
  type Histogram,
  type Meter,
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

/** What `@opentelemetry/api` keeps on its global object, read directly on the hot path. */
export interface OtelGlobal {
  readonly trace?: unknown;
  readonly metrics?: unknown;
}

/**
 * The API's global object; `undefined` while nothing (no provider, no context manager) was ever
 * registered with `@opentelemetry/api`: one property read, the fast path of every primitive run.
 */
export function otelGlobal(): OtelGlobal | undefined {
  return (globalThis as Record<symbol, OtelGlobal | undefined>)[OTEL_GLOBAL];
}

/** The tracer resolved for one registered provider (and, for a proxy, its delegate). */
interface ResolvedTracer {
  readonly registered: unknown;
  readonly delegate: unknown;
  readonly tracer: Tracer | undefined;
}

let resolvedTracer: ResolvedTracer | undefined;

/**
 * The SDK's tracer for this package, or `undefined` when no SDK has registered a tracer
 * provider (libraries record, applications decide whether to export). Checked on every run, so
 * a provider registered after this module loaded is honoured, through either copy of the API
 * (ESM or CJS). The answer is kept while the registered provider and its delegate are the same
 * objects (a property read and a call): asking the API each time costs ~0.3 µs a span.
 */
export function activeTracer(global: OtelGlobal | undefined = otelGlobal()): Tracer | undefined {
  const registered = global?.trace;
  if (registered === undefined) return undefined;
  const delegate = delegateOf(registered);
  if (resolvedTracer?.registered !== registered || resolvedTracer.delegate !== delegate)
    resolvedTracer = { registered, delegate, tracer: resolveTracer() };
  return resolvedTracer.tracer;
}

/** Whether an SDK has registered a tracer provider; see `activeTracer`. */
export function tracingEnabled(): boolean {
  return activeTracer() !== undefined;
}

/** A proxy provider's delegate (of either copy of the API), or the provider itself. */
function delegateOf(registered: unknown): unknown {
  const proxy = registered as { getDelegate?: () => unknown };
  return typeof proxy.getDelegate === 'function' ? proxy.getDelegate() : registered;
}

/**
 * Asks the API, with its version checks. The tracer is the delegate's own, not a proxy tracer:
 * a proxy adds a call per span, and a change of delegate is noticed by `activeTracer` anyway.
 */
function resolveTracer(): Tracer | undefined {
  const provider = trace.getTracerProvider();
  if (!(provider instanceof ProxyTracerProvider)) return provider.getTracer(INSTRUMENTATION_SCOPE);
  const delegate = provider.getDelegate();
  return delegate === NOOP_TRACER_PROVIDER ? undefined : delegate.getTracer(INSTRUMENTATION_SCOPE);
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

/** Stands for "no provider seen yet", since `undefined` (none registered) is kept too. */
const UNBOUND = Symbol('unbound');
let boundRegistered: unknown = UNBOUND;
let boundInstruments: CoreInstruments | undefined;

/**
 * The instruments, or `undefined` when no SDK meter provider is registered (nothing to pay).
 * Made again, through the API, only when the registered provider is another object.
 */
export function instruments(
  global: OtelGlobal | undefined = otelGlobal(),
): CoreInstruments | undefined {
  if (global === undefined) return undefined;
  const registered = global.metrics;
  if (registered !== boundRegistered) {
    boundRegistered = registered;
    const meter = metrics.getMeterProvider().getMeter(INSTRUMENTATION_SCOPE);
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
  const tracer = activeTracer();
  if (tracer === undefined) return fn(undefined);
  // The active context read once: for the parent of the span and for the context it runs in.
  const parent = context.active();
  // Attributes after the start, as in `BasePrimitive`: the SDK copies start attributes twice.
  const span = tracer.startSpan(name, undefined, parent);
  span.setAttributes(attributes());
  return context
    .with(trace.setSpan(parent, span), () => fn(span))
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
