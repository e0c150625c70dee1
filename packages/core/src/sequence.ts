import { CancelledError } from './errors/CancelledError.js';
import { InvalidCompositionError } from './errors/InvalidCompositionError.js';
import { _registerSequence, BasePrimitive, type Primitive } from './Primitive.js';
import type { WorkflowContext } from './WorkflowContext.js';

type AnyPrimitive = Primitive<unknown, unknown>;

export interface SequenceOptions {
  /** Default: the names of the steps joined by `→`. */
  name?: string;
}

/** Runs its steps one after another, each on the previous one's output. */
export class Sequence<I, O> extends BasePrimitive<I, O> {
  readonly kind = 'sequence' as const;
  /** The steps, nested sequences flattened. */
  readonly steps: readonly AnyPrimitive[];

  constructor(steps: readonly AnyPrimitive[], options: SequenceOptions = {}) {
    const flat = steps.flatMap((s) => (s instanceof Sequence ? s.steps : [s]));
    if (flat.length === 0) {
      throw new InvalidCompositionError('sequence() needs at least one step');
    }
    super(options.name ?? flat.map((s) => s.name).join(' → '));
    this.steps = flat;
  }

  protected async execute(input: I, ctx: WorkflowContext): Promise<O> {
    let value: unknown = input;
    for (const step of this.steps) {
      if (ctx.aborted) throw new CancelledError(this.name, { cause: ctx.signal.reason });
      value = await step.run(value, ctx);
    }
    return value as O;
  }
}

_registerSequence((steps) => new Sequence(steps));

/** Runs the steps in order, each on the previous output. Nested sequences are flattened. */
export function sequence<A, B>(s1: Primitive<A, B>): Sequence<A, B>;
export function sequence<A, B, C>(s1: Primitive<A, B>, s2: Primitive<B, C>): Sequence<A, C>;
export function sequence<A, B, C, D>(
  s1: Primitive<A, B>,
  s2: Primitive<B, C>,
  s3: Primitive<C, D>,
): Sequence<A, D>;
export function sequence<A, B, C, D, E>(
  s1: Primitive<A, B>,
  s2: Primitive<B, C>,
  s3: Primitive<C, D>,
  s4: Primitive<D, E>,
): Sequence<A, E>;
export function sequence<A, B, C, D, E, F>(
  s1: Primitive<A, B>,
  s2: Primitive<B, C>,
  s3: Primitive<C, D>,
  s4: Primitive<D, E>,
  s5: Primitive<E, F>,
): Sequence<A, F>;
export function sequence<I = unknown, O = unknown>(
  ...steps: Primitive<never, unknown>[]
): Sequence<I, O>;
export function sequence(...steps: Primitive<never, unknown>[]): Sequence<unknown, unknown> {
  return new Sequence(steps as AnyPrimitive[]);
}
