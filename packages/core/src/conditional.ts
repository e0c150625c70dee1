import { BasePrimitive, type Primitive } from './Primitive.js';
import type { WorkflowContext } from './WorkflowContext.js';

export type Predicate<I> = (input: I, ctx: WorkflowContext) => boolean | Promise<boolean>;

/** Runs `then` when the predicate holds, else `otherwise`; with no `otherwise` the input passes through. */
export class Conditional<I, O> extends BasePrimitive<I, O> {
  readonly kind = 'conditional' as const;

  constructor(
    private readonly predicate: Predicate<I>,
    private readonly whenTrue: Primitive<I, O>,
    private readonly whenFalse: Primitive<I, O> | undefined,
    name?: string,
  ) {
    super(name ?? `if ${whenTrue.name}${whenFalse ? ` else ${whenFalse.name}` : ''}`);
  }

  protected async execute(input: I, ctx: WorkflowContext): Promise<O> {
    if (await this.predicate(input, ctx)) return this.whenTrue.run(input, ctx);
    return this.whenFalse === undefined ? (input as unknown as O) : this.whenFalse.run(input, ctx);
  }
}

/** Runs `then` when the predicate holds, otherwise `otherwise`, or passes the input through. */
export function conditional<I, O>(
  predicate: Predicate<I>,
  then: Primitive<I, O>,
  otherwise: Primitive<I, O>,
  options?: { name?: string },
): Conditional<I, O>;
export function conditional<I, O>(
  predicate: Predicate<I>,
  then: Primitive<I, O>,
  otherwise?: undefined,
  options?: { name?: string },
): Conditional<I, O | I>;
export function conditional<I, O>(
  predicate: Predicate<I>,
  then: Primitive<I, O>,
  otherwise?: Primitive<I, O>,
  options: { name?: string } = {},
): Conditional<I, O> {
  return new Conditional(predicate, then, otherwise, options.name);
}
