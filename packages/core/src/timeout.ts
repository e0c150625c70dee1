import { Deadline, DeadlineQueue } from './deadlines.js';
import { TimeoutError } from './errors/TimeoutError.js';
import { instruments } from './instrumentation.js';
import { BasePrimitive, type Primitive } from './Primitive.js';
import type { LazySignal, WorkflowContext } from './WorkflowContext.js';

export interface TimeoutOptions<I, O> {
  /** Run instead of raising `TimeoutError` when the limit passes; it gets the original context. */
  fallback?: Primitive<I, O>;
  /** Default: `timeout(<inner name>)`. */
  name?: string;
}

/** Key under which `ctx.state` counts expirations per timeout primitive name. */
export const TIMEOUTS_KEY = 'timeouts';

/**
 * Limits how long the inner primitive may run. On expiry the inner run's signal is aborted with
 * a `TimeoutError` and the call settles at once (with the fallback's result, or that error),
 * even when the inner work ignores its signal. The inner context's signal is created only if
 * the inner work reads it, and no timer is created or cleared per call (see `DeadlineQueue`),
 * so a run that finishes in time pays for almost nothing.
 */
export class Timeout<I, O> extends BasePrimitive<I, O> {
  readonly kind = 'timeout' as const;
  private readonly queue: DeadlineQueue;

  constructor(
    private readonly inner: Primitive<I, O>,
    readonly timeoutMs: number,
    private readonly options: TimeoutOptions<I, O> = {},
  ) {
    super(options.name ?? `timeout(${inner.name})`);
    if (!(timeoutMs > 0))
      throw new RangeError(`timeout must be a positive number of ms, got ${timeoutMs}`);
    this.queue = new DeadlineQueue(timeoutMs);
  }

  protected execute(input: I, ctx: WorkflowContext): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const run = new TimedRun(this, ctx, input, resolve, reject);
      this.queue.add(run);
      let inner: Promise<O>;
      try {
        inner = this.inner.run(input, ctx.withSignal(run));
      } catch (error) {
        inner = Promise.reject(error);
      }
      inner.then(
        (value) => run.settle() && resolve(value),
        (error: unknown) => run.settle() && reject(error),
      );
    });
  }

  /** @internal Called by a run whose deadline passed. */
  expired(run: TimedRun<I, O>): void {
    const error = new TimeoutError(this.name, this.timeoutMs);
    run.abort(error);
    const counts = (run.ctx.state[TIMEOUTS_KEY] ?? {}) as Record<string, number>;
    counts[this.name] = (counts[this.name] ?? 0) + 1;
    run.ctx.state[TIMEOUTS_KEY] = counts;
    instruments()?.timeouts.add(1, { 'tta.primitive.name': this.name });
    run.ctx.emit({ type: 'timeout', primitive: this.name, data: { timeoutMs: this.timeoutMs } });
    if (this.options.fallback === undefined) run.reject(error);
    else this.options.fallback.run(run.input, run.ctx).then(run.resolve, run.reject);
  }

  /** @internal */
  done(run: TimedRun<I, O>): void {
    this.queue.remove(run);
  }
}

/** One call of a `Timeout`: its place in the deadline queue and its lazily made signal. */
class TimedRun<I, O> extends Deadline implements LazySignal {
  private controller: AbortController | undefined;
  private unlink: (() => void) | undefined;
  private finished = false;
  private timedOut = false;

  constructor(
    private readonly owner: Timeout<I, O>,
    readonly ctx: WorkflowContext,
    readonly input: I,
    readonly resolve: (value: O) => void,
    readonly reject: (error: unknown) => void,
  ) {
    super();
  }

  getSignal(): AbortSignal {
    if (this.controller === undefined) {
      const controller = new AbortController();
      this.controller = controller;
      if (this.timedOut) controller.abort(new TimeoutError(this.owner.name, this.owner.timeoutMs));
      else {
        const parent = this.ctx.signal;
        if (parent.aborted) controller.abort(parent.reason);
        else {
          const onAbort = () => controller.abort(parent.reason);
          parent.addEventListener('abort', onAbort, { once: true });
          this.unlink = () => parent.removeEventListener('abort', onAbort);
        }
      }
    }
    return this.controller.signal;
  }

  isAborted(): boolean {
    return this.timedOut || (this.controller?.signal.aborted ?? this.ctx.aborted);
  }

  /** The inner run settled: returns whether its result still counts (it did not time out). */
  settle(): boolean {
    if (this.finished) return false;
    this.finished = true;
    this.owner.done(this);
    this.unlink?.();
    return true;
  }

  expire(): void {
    if (this.finished) return;
    this.finished = true;
    this.timedOut = true;
    this.unlink?.();
    this.owner.expired(this);
  }

  abort(error: TimeoutError): void {
    this.controller?.abort(error);
  }
}

/** Limits the inner primitive to `ms` milliseconds; see `Timeout`. */
export function timeout<I, O>(
  inner: Primitive<I, O>,
  ms: number,
  options?: TimeoutOptions<I, O>,
): Timeout<I, O> {
  return new Timeout(inner, ms, options);
}
