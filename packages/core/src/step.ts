import type { z } from 'zod';
import { ValidationError } from './errors/ValidationError.js';
import { BasePrimitive, type Primitive, type PrimitiveLike } from './Primitive.js';
import type { WorkflowContext } from './WorkflowContext.js';

export interface StepOptions<I, O> {
  /** Name in spans, events and errors. Default: the function's name, or `step`. */
  name?: string;
  /** Validates the input before the function runs; a mismatch raises `ValidationError`. */
  input?: z.ZodType<I>;
  /** Validates the result before it is returned; a mismatch raises `ValidationError`. */
  output?: z.ZodType<O>;
}

/** Turns a function (sync or async) into a primitive. */
export class Step<I, O> extends BasePrimitive<I, O> {
  readonly kind = 'step' as const;

  constructor(
    private readonly fn: (input: I, ctx: WorkflowContext) => O | Promise<O>,
    private readonly options: StepOptions<I, O> = {},
  ) {
    super(options.name ?? (fn.name || 'step'));
  }

  protected execute(input: I, ctx: WorkflowContext): Promise<O> {
    const { input: inputSchema, output: outputSchema } = this.options;
    if (inputSchema === undefined && outputSchema === undefined) {
      return Promise.resolve(this.fn(input, ctx));
    }
    return this.validated(input, ctx, inputSchema, outputSchema);
  }

  private async validated(
    input: I,
    ctx: WorkflowContext,
    inputSchema: z.ZodType<I> | undefined,
    outputSchema: z.ZodType<O> | undefined,
  ): Promise<O> {
    let value = input;
    if (inputSchema !== undefined) {
      const parsed = await inputSchema.safeParseAsync(input);
      if (!parsed.success) throw new ValidationError(this.name, 'input', parsed.error);
      value = parsed.data;
    }
    const output = await this.fn(value, ctx);
    if (outputSchema === undefined) return output;
    const parsed = await outputSchema.safeParseAsync(output);
    if (!parsed.success) throw new ValidationError(this.name, 'output', parsed.error);
    return parsed.data;
  }
}

/** Turns a function (sync or async) into a primitive, optionally validating with zod. */
export function step<I, O>(
  fn: (input: I, ctx: WorkflowContext) => O | Promise<O>,
  options?: StepOptions<I, O>,
): Step<I, O> {
  return new Step(fn, options);
}

/** A primitive as is, or a function wrapped with `step`. */
export function asPrimitive<I, O>(value: PrimitiveLike<I, O>, name?: string): Primitive<I, O> {
  return typeof value === 'function' ? new Step(value, name === undefined ? {} : { name }) : value;
}
