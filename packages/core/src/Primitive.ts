import { type Context, context, type Span, type Tracer, trace } from '@opentelemetry/api';
import { CancelledError } from './errors/CancelledError.js';
import {
  activeTracer,
  type CoreInstruments,
  failSpan,
  instruments,
  otelGlobal,
} from './instrumentation.js';
import type { WorkflowContext } from './WorkflowContext.js';

/** A composable unit of work: takes an input and a context, resolves to an output. */
export interface Primitive<I, O> {
  readonly name: string;
  run(input: I, ctx: WorkflowContext): Promise<O>;
}

/** Input type of a primitive. */
export type InputOf<P> = P extends Primitive<infer I, unknown> ? I : never;
/** Output type of a primitive. */
export type OutputOf<P> = P extends Primitive<never, infer O> ? O : never;

/** Kinds of the built-in primitives; the `tta.primitive.kind` attribute of their spans. */
export type PrimitiveKind =
  | 'step'
  | 'sequence'
  | 'parallel'
  | 'conditional'
  | 'router'
  | 'retry'
  | 'fallback'
  | 'timeout'
  | 'cache'
  | 'circuit_breaker'
  | 'saga'
  | 'gate';

type SequenceFactory = <I, O>(steps: readonly Primitive<unknown, unknown>[]) => BasePrimitive<I, O>;
let makeSequence: SequenceFactory | undefined;

/** @internal Lets `sequence.ts` provide `.pipe()` without an import cycle. */
export function _registerSequence(factory: SequenceFactory): void {
  makeSequence = factory;
}

/**
 * Base of the built-in primitives: checks cancellation, records a span and metrics around
 * `execute`, and offers `.pipe()`. Subclasses implement `execute` only.
 */
export abstract class BasePrimitive<I, O> implements Primitive<I, O> {
  abstract readonly kind: PrimitiveKind;
  #spanName: string | undefined;

  constructor(readonly name: string) {}

  run(input: I, ctx: WorkflowContext): Promise<O> {
    if (ctx.aborted) {
      return Promise.reject(new CancelledError(this.name, { cause: ctx.signal.reason }));
    }
    const otel = otelGlobal();
    if (otel !== undefined) {
      const metrics = instruments(otel);
      const tracer = activeTracer(otel);
      if (metrics !== undefined) return this.#runInstrumented(input, ctx, metrics, tracer);
      if (tracer !== undefined) return this.#runTraced(input, ctx, tracer);
    }
    try {
      return this.execute(input, ctx);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Runs `next` on this primitive's output. */
  pipe<P>(next: Primitive<O, P>): BasePrimitive<I, P> {
    if (makeSequence === undefined) throw new Error('@tta-dev/core was loaded without sequence');
    return makeSequence<I, P>([
      this as Primitive<unknown, unknown>,
      next as Primitive<unknown, unknown>,
    ]);
  }

  protected abstract execute(input: I, ctx: WorkflowContext): Promise<O>;

  /** Starts this run's span, with the common attributes, as a child of the active one. */
  #startSpan(ctx: WorkflowContext, tracer: Tracer, parent: Context): Span {
    this.#spanName ??= `tta.${this.kind}`;
    // The attributes are written after the start, not passed to it: the SDK copies start
    // attributes twice (sanitised, then merged with the sampler's) before storing them, which
    // made a span ~0.35 µs dearer. A sampler still sees the span's name, `tta.<kind>`.
    const span = tracer.startSpan(this.#spanName, undefined, parent);
    span.setAttribute('tta.primitive.name', this.name);
    span.setAttribute('tta.primitive.kind', this.kind);
    span.setAttribute('tta.workflow.id', ctx.workflowId);
    span.setAttribute('tta.run.id', ctx.runId);
    span.setAttribute('tta.correlation.id', ctx.correlationId);
    if (ctx.persona !== undefined) span.setAttribute('tta.persona', ctx.persona);
    return span;
  }

  /** A run with a span and no metrics: the common case of an application that traces. */
  #runTraced(input: I, ctx: WorkflowContext, tracer: Tracer): Promise<O> {
    // The active context read once: for the span's parent and for the context it runs in.
    const parent = context.active();
    const span = this.#startSpan(ctx, tracer, parent);
    let running: Promise<O>;
    try {
      running = context.with(trace.setSpan(parent, span), () => this.execute(input, ctx));
    } catch (error) {
      running = Promise.reject(error);
    }
    // `then` rather than `await`: one promise fewer per run, and each promise costs when a
    // context manager tracks them.
    return running.then(
      (output) => {
        span.end();
        return output;
      },
      (error: unknown) => {
        failSpan(span, error);
        throw error;
      },
    );
  }

  /** A run with metrics, and a span when `tracer` is given. */
  #runInstrumented(
    input: I,
    ctx: WorkflowContext,
    metrics: CoreInstruments,
    tracer: Tracer | undefined,
  ): Promise<O> {
    const start = performance.now();
    let span: Span | undefined;
    let running: Promise<O>;
    try {
      if (tracer !== undefined) {
        const parent = context.active();
        const started = this.#startSpan(ctx, tracer, parent);
        span = started;
        running = context.with(trace.setSpan(parent, started), () => this.execute(input, ctx));
      } else {
        running = this.execute(input, ctx);
      }
    } catch (error) {
      running = Promise.reject(error);
    }
    return running.then(
      (output) => {
        span?.end();
        this.#record(metrics, start, 'success');
        return output;
      },
      (error: unknown) => {
        if (span !== undefined) failSpan(span, error);
        this.#record(metrics, start, 'error');
        throw error;
      },
    );
  }

  #record(metrics: CoreInstruments, start: number, outcome: 'success' | 'error'): void {
    const attributes = { 'tta.primitive.kind': this.kind, 'tta.outcome': outcome };
    metrics.executions.add(1, attributes);
    // Seconds, as every duration metric of tta (and OpenTelemetry's conventions).
    metrics.duration.record((performance.now() - start) / 1000, attributes);
  }
}

/** Accepts a primitive or a plain function where a primitive is expected. */
export type PrimitiveLike<I, O> =
  | Primitive<I, O>
  | ((input: I, ctx: WorkflowContext) => O | Promise<O>);
