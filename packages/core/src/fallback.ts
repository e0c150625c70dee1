import { isCancelledError } from './errors/CancelledError.js';
import { inSpan, tracingEnabled } from './instrumentation.js';
import { BasePrimitive, type Primitive } from './Primitive.js';
import type { WorkflowContext } from './WorkflowContext.js';

/**
 * Runs the primary; when it fails, each fallback in turn on the same input. The first success
 * wins. When all fail, raises an `AggregateError` carrying every error in the order they
 * happened. A cancellation is raised at once, without trying the rest.
 */
export class Fallback<I, O> extends BasePrimitive<I, O> {
  readonly kind = 'fallback' as const;
  readonly alternatives: readonly Primitive<I, O>[];

  constructor(primary: Primitive<I, O>, fallbacks: readonly Primitive<I, O>[], name?: string) {
    super(name ?? `fallback(${[primary, ...fallbacks].map((p) => p.name).join(', ')})`);
    this.alternatives = [primary, ...fallbacks];
  }

  protected async execute(input: I, ctx: WorkflowContext): Promise<O> {
    const errors: unknown[] = [];
    for (const [index, alternative] of this.alternatives.entries()) {
      try {
        return await (tracingEnabled()
          ? inSpan(
              'tta.fallback.attempt',
              () => ({
                'tta.primitive.name': this.name,
                'tta.fallback.index': index,
                'tta.fallback.alternative': alternative.name,
              }),
              () => alternative.run(input, ctx),
            )
          : alternative.run(input, ctx));
      } catch (error) {
        if (isCancelledError(error) && ctx.aborted) throw error;
        errors.push(error);
        const next = this.alternatives[index + 1];
        if (next !== undefined) {
          ctx.emit({
            type: 'fallback',
            primitive: this.name,
            data: { failed: alternative.name, next: next.name },
          });
        }
      }
    }
    throw new AggregateError(
      errors,
      `all ${errors.length} alternatives of "${this.name}" failed: ${errors
        .map((e) => (e instanceof Error ? e.message : String(e)))
        .join('; ')}`,
    );
  }
}

/** Tries the primary, then each fallback in order; see `Fallback`. */
export function fallback<I, O>(
  primary: Primitive<I, O>,
  fallbacks: readonly Primitive<I, O>[],
  options: { name?: string } = {},
): Fallback<I, O> {
  return new Fallback(primary, fallbacks, options.name);
}
