import { context, trace } from '@opentelemetry/api';
import { CancelledError } from './errors/CancelledError.js';
import {
  contextAttributes,
  coreTracer,
  failSpan,
  instruments,
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

  constructor(readonly name: string) {}

  run(input: I, ctx: WorkflowContext): Promise<O> {
    if (ctx.aborted)
      return Promise.reject(new CancelledError(this.name, { cause: ctx.signal.reason }));
    const metrics = instruments();
    if (metrics === undefined && !tracingEnabled()) {
      try {
        return this.execute(input, ctx);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.#runInstrumented(input, ctx);
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

  async #runInstrumented(input: I, ctx: WorkflowContext): Promise<O> {
    const metrics = instruments();
    const start = performance.now();
    const span = tracingEnabled()
      ? coreTracer.startSpan(`tta.${this.kind}`, {
          attributes: {
            'tta.primitive.name': this.name,
            'tta.primitive.kind': this.kind,
            ...contextAttributes(ctx),
          },
        })
      : undefined;
    try {
      const output =
        span === undefined
          ? await this.execute(input, ctx)
          : await context.with(trace.setSpan(context.active(), span), () =>
              this.execute(input, ctx),
            );
      span?.end();
      this.#record(metrics, start, 'success');
      return output;
    } catch (error) {
      if (span !== undefined) failSpan(span, error);
      this.#record(metrics, start, 'error');
      throw error;
    }
  }

  #record(
    metrics: ReturnType<typeof instruments>,
    start: number,
    outcome: 'success' | 'error',
  ): void {
    if (metrics === undefined) return;
    const attributes = { 'tta.primitive.kind': this.kind, 'tta.outcome': outcome };
    metrics.executions.add(1, attributes);
    metrics.duration.record(performance.now() - start, attributes);
  }
}

/** Accepts a primitive or a plain function where a primitive is expected. */
export type PrimitiveLike<I, O> =
  | Primitive<I, O>
  | ((input: I, ctx: WorkflowContext) => O | Promise<O>);
