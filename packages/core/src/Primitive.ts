import { type Attributes, context, type Span, trace } from '@opentelemetry/api';
import { CancelledError } from './errors/CancelledError.js';
import {
  type CoreInstruments,
  coreTracer,
  failSpan,
  instruments,
  otelAbsent,
  tracingEnabled,
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
    if (!otelAbsent()) {
      const metrics = instruments();
      const tracing = tracingEnabled();
      if (metrics !== undefined || tracing)
        return this.#runInstrumented(input, ctx, metrics, tracing);
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

  #runInstrumented(
    input: I,
    ctx: WorkflowContext,
    metrics: CoreInstruments | undefined,
    tracing: boolean,
  ): Promise<O> {
    const start = metrics === undefined ? 0 : performance.now();
    let span: Span | undefined;
    let running: Promise<O>;
    try {
      if (tracing) {
        // Built in place rather than spread from helpers: this runs once per span.
        const attributes: Attributes = {
          'tta.primitive.name': this.name,
          'tta.primitive.kind': this.kind,
          'tta.workflow.id': ctx.workflowId,
          'tta.run.id': ctx.runId,
          'tta.correlation.id': ctx.correlationId,
        };
        if (ctx.persona !== undefined) attributes['tta.persona'] = ctx.persona;
        this.#spanName ??= `tta.${this.kind}`;
        const started = coreTracer().startSpan(this.#spanName, { attributes });
        span = started;
        running = context.with(trace.setSpan(context.active(), started), () =>
          this.execute(input, ctx),
        );
      } else {
        running = this.execute(input, ctx);
      }
    } catch (error) {
      running = Promise.reject(error);
    }
    // `then` rather than `await`: one promise fewer per run, and each promise costs when a
    // context manager tracks them.
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

  #record(metrics: CoreInstruments | undefined, start: number, outcome: 'success' | 'error'): void {
    if (metrics === undefined) return;
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
