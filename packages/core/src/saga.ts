import { InvalidCompositionError } from './errors/InvalidCompositionError.js';
import { inSpan, instruments } from './instrumentation.js';
import { BasePrimitive, type Primitive, type PrimitiveLike } from './Primitive.js';
import { asPrimitive } from './step.js';
import type { WorkflowContext } from './WorkflowContext.js';

/** What a compensation receives: the step's own input and the output it produced. */
export interface Completed<I = unknown, O = unknown> {
  readonly input: I;
  readonly output: O;
}

export interface SagaStep<I = unknown, O = unknown> {
  /** Default: the name of `run` when it is a primitive, else `step <n>` (1-based). */
  name?: string;
  /** The forward action; its output is the next step's input. */
  run: PrimitiveLike<I, O>;
  /** Undoes `run` after a later step failed. */
  compensate?: PrimitiveLike<Completed<I, O>, unknown>;
}

/** A compensation that failed while undoing a saga. */
export interface CompensationFailure {
  readonly step: string;
  readonly error: unknown;
}

const FAILURES = Symbol.for('@tta-dev/core/compensationFailures');
const NEVER_ABORTED = new AbortController().signal;

/**
 * The compensations that failed while a saga undid its work, attached to the error the saga
 * raised (empty when every compensation succeeded, or for errors no saga raised).
 */
export function compensationFailuresOf(error: unknown): readonly CompensationFailure[] {
  if (typeof error !== 'object' || error === null) return [];
  return ((error as Record<symbol, unknown>)[FAILURES] as CompensationFailure[] | undefined) ?? [];
}

/**
 * Runs steps in order, each on the previous output. When one fails, the compensations of the
 * steps that completed run in reverse order, each with that step's input and output; then the
 * original error is raised, with any compensation failures attached (`compensationFailuresOf`).
 * Every compensation is attempted even when an earlier one fails.
 */
export class Saga<I, O> extends BasePrimitive<I, O> {
  readonly kind = 'saga' as const;
  private readonly steps: readonly {
    name: string;
    run: Primitive<unknown, unknown>;
    compensate?: Primitive<Completed, unknown>;
  }[];

  constructor(steps: readonly SagaStep[], name?: string) {
    if (steps.length === 0) throw new InvalidCompositionError('saga() needs at least one step');
    const resolved = steps.map((s, i) => {
      const run = asPrimitive(s.run, s.name ?? `step ${i + 1}`);
      const stepName = s.name ?? run.name;
      return s.compensate === undefined
        ? { name: stepName, run }
        : { name: stepName, run, compensate: asPrimitive(s.compensate, `compensate ${stepName}`) };
    });
    super(name ?? `saga(${resolved.map((s) => s.name).join(', ')})`);
    this.steps = resolved;
  }

  protected async execute(input: I, ctx: WorkflowContext): Promise<O> {
    const done: { index: number; completed: Completed }[] = [];
    let value: unknown = input;
    for (const [index, step] of this.steps.entries()) {
      try {
        const output = await step.run.run(value, ctx);
        done.push({ index, completed: { input: value, output } });
        value = output;
      } catch (error) {
        throw await this.compensate(done, error, ctx);
      }
    }
    return value as O;
  }

  private async compensate(
    done: { index: number; completed: Completed }[],
    error: unknown,
    ctx: WorkflowContext,
  ): Promise<unknown> {
    const failures: CompensationFailure[] = [];
    // Compensations must run even when the saga was cancelled, before or while undoing: undo
    // is not optional, so they get a signal that never aborts.
    const undoCtx = ctx.withSignal(NEVER_ABORTED);
    for (const { index, completed } of done.reverse()) {
      const step = this.steps[index]!;
      if (step.compensate === undefined) continue;
      const compensate = step.compensate;
      try {
        await inSpan(
          'tta.saga.compensation',
          () => ({ 'tta.primitive.name': this.name, 'tta.saga.step': step.name }),
          () => compensate.run(completed, undoCtx),
        );
        this.record(step.name, 'success', ctx);
      } catch (compensationError) {
        failures.push({ step: step.name, error: compensationError });
        this.record(step.name, 'error', ctx);
      }
    }
    if (failures.length === 0) return error;
    if (typeof error === 'object' && error !== null && Object.isExtensible(error)) {
      Object.defineProperty(error, FAILURES, { value: failures, configurable: true });
      return error;
    }
    // A thrown primitive cannot carry them: wrap it, so that nothing is lost.
    const wrapped = new Error(
      `saga "${this.name}" failed and ${failures.length} compensation(s) failed too`,
      { cause: error },
    );
    Object.defineProperty(wrapped, FAILURES, { value: failures, configurable: true });
    return wrapped;
  }

  private record(step: string, outcome: 'success' | 'error', ctx: WorkflowContext): void {
    instruments()?.compensations.add(1, {
      'tta.primitive.name': this.name,
      'tta.outcome': outcome,
    });
    ctx.emit({ type: 'compensation', primitive: this.name, data: { step, outcome } });
  }
}

/** Runs the steps as a saga; see `Saga`. */
export function saga<I = unknown, O = unknown>(
  steps: readonly SagaStep[],
  options: { name?: string } = {},
): Saga<I, O> {
  return new Saga<I, O>(steps, options.name);
}
