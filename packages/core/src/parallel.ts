import { CancelledError } from './errors/CancelledError.js';
import { InvalidCompositionError } from './errors/InvalidCompositionError.js';
import { inSpan } from './instrumentation.js';
import { BasePrimitive, type Primitive } from './Primitive.js';
import type { WorkflowContext } from './WorkflowContext.js';

/**
 * - `all`: every branch must succeed; the first failure aborts the others and is raised.
 * - `allSettled`: every branch runs to the end; resolves to their settled results.
 * - `race`: the first branch to settle decides; the others are aborted.
 */
export type ParallelMode = 'all' | 'allSettled' | 'race';

export interface ParallelOptions<M extends ParallelMode = ParallelMode> {
  /** Default: `all`. */
  mode?: M;
  /** Most branches running at once. Default: all of them. */
  concurrency?: number;
  /** Default: the branch names joined by ` | `. */
  name?: string;
}

type Outputs<T extends readonly Primitive<never, unknown>[]> = {
  -readonly [K in keyof T]: T[K] extends Primitive<never, infer O> ? O : never;
};
type Settled<T extends readonly Primitive<never, unknown>[]> = {
  -readonly [K in keyof T]: T[K] extends Primitive<never, infer O>
    ? PromiseSettledResult<O>
    : never;
};

type AnyPrimitive = Primitive<unknown, unknown>;

/** Runs its branches on the same input, each in a child context, results in branch order. */
export class Parallel<I, O> extends BasePrimitive<I, O> {
  readonly kind = 'parallel' as const;
  readonly mode: ParallelMode;
  readonly concurrency: number;

  constructor(
    readonly branches: readonly AnyPrimitive[],
    options: ParallelOptions = {},
  ) {
    if (branches.length === 0)
      throw new InvalidCompositionError('parallel() needs at least one branch');
    super(options.name ?? branches.map((b) => b.name).join(' | '));
    this.mode = options.mode ?? 'all';
    this.concurrency = options.concurrency ?? branches.length;
    if (!(this.concurrency >= 1)) {
      throw new InvalidCompositionError(
        `parallel concurrency must be at least 1, got ${this.concurrency}`,
      );
    }
  }

  protected execute(input: I, ctx: WorkflowContext): Promise<O> {
    const parentSignal = ctx.signal;
    const controller = new AbortController();
    const results: PromiseSettledResult<unknown>[] = new Array(this.branches.length);
    let next = 0;
    let running = 0;
    let settled = 0;
    let done = false;

    return new Promise<O>((resolve, reject) => {
      // Settles once; aborts the branches still running and forgets the parent's signal.
      const finish = (outcome: () => void) => {
        if (done) return;
        done = true;
        parentSignal.removeEventListener('abort', onAbort);
        controller.abort(new CancelledError(this.name));
        outcome();
      };
      const onAbort = () =>
        finish(() => reject(new CancelledError(this.name, { cause: parentSignal.reason })));
      const onSettled = (index: number, result: PromiseSettledResult<unknown>) => {
        running--;
        settled++;
        if (done) return;
        results[index] = result;
        if (this.mode === 'race') {
          finish(() =>
            result.status === 'fulfilled' ? resolve(result.value as O) : reject(result.reason),
          );
        } else if (this.mode === 'all' && result.status === 'rejected') {
          finish(() => reject(result.reason));
        } else if (settled === this.branches.length) {
          const outputs =
            this.mode === 'all'
              ? results.map((r) => (r as PromiseFulfilledResult<unknown>).value)
              : results;
          finish(() => resolve(outputs as O));
        } else {
          launch();
        }
      };
      const launch = () => {
        while (!done && running < this.concurrency && next < this.branches.length) {
          const index = next++;
          running++;
          this.runBranch(index, input, ctx.child({ signal: controller.signal })).then(
            (value) => onSettled(index, { status: 'fulfilled', value }),
            (reason: unknown) => onSettled(index, { status: 'rejected', reason }),
          );
        }
      };
      if (parentSignal.aborted) return onAbort();
      parentSignal.addEventListener('abort', onAbort, { once: true });
      launch();
    });
  }

  private runBranch(index: number, input: I, ctx: WorkflowContext): Promise<unknown> {
    const branch = this.branches[index]!;
    return inSpan(
      'tta.parallel.branch',
      () => ({
        'tta.primitive.name': this.name,
        'tta.branch.index': index,
        'tta.branch.name': branch.name,
      }),
      () => branch.run(input, ctx),
    );
  }
}

/** Runs every branch on the same input; resolves to their outputs in branch order. */
export function parallel<I, T extends readonly Primitive<I, unknown>[]>(
  ...branches: T
): Parallel<I, Outputs<T>>;
export function parallel<I, T extends readonly Primitive<I, unknown>[]>(
  branches: readonly [...T],
  options?: ParallelOptions<'all'>,
): Parallel<I, Outputs<T>>;
export function parallel<I, T extends readonly Primitive<I, unknown>[]>(
  branches: readonly [...T],
  options: ParallelOptions<'allSettled'>,
): Parallel<I, Settled<T>>;
export function parallel<I, T extends readonly Primitive<I, unknown>[]>(
  branches: readonly [...T],
  options: ParallelOptions<'race'>,
): Parallel<I, Outputs<T>[number]>;
export function parallel(...args: unknown[]): Parallel<unknown, unknown> {
  if (Array.isArray(args[0])) {
    return new Parallel(args[0] as AnyPrimitive[], (args[1] as ParallelOptions | undefined) ?? {});
  }
  return new Parallel(args as AnyPrimitive[]);
}
