import { type BackoffOptions, backoffDelay } from './backoff.js';
import { isCancelledError } from './errors/CancelledError.js';
import { inSpan, instruments, tracingEnabled } from './instrumentation.js';
import { BasePrimitive, type Primitive } from './Primitive.js';
import { sleep } from './sleep.js';
import type { WorkflowContext } from './WorkflowContext.js';

export interface RetryOptions extends BackoffOptions {
  /** Retries after the first attempt; `maxRetries: 3` makes at most 4 attempts. Default: `DEFAULT_MAX_RETRIES`. */
  maxRetries?: number;
  /**
   * Whether an error is worth another attempt (`attempt` is the 1-based attempt that failed).
   * Default: every error except a cancellation.
   */
  retryOn?: (error: unknown, attempt: number) => boolean;
  /** Default: `retry(<inner name>)`. */
  name?: string;
}

export const DEFAULT_MAX_RETRIES = 3;

const notCancelled = (error: unknown) => !isCancelledError(error);

/** What a retry listener learns before the wait that precedes the next attempt. */
export interface RetryEvent {
  /** The attempt that failed, 1-based. */
  readonly attempt: number;
  readonly error: unknown;
  /** How long it waits before the next attempt, in ms. */
  readonly delayMs: number;
}

/**
 * Runs the inner primitive again when it fails, waiting between attempts. When the retries run
 * out or `retryOn` declines, the last error is raised unchanged. Waits end early, with a
 * `CancelledError`, when the context is aborted.
 */
export class Retry<I, O> extends BasePrimitive<I, O> {
  readonly kind = 'retry' as const;
  readonly maxRetries: number;
  private readonly listeners = new Set<(event: RetryEvent) => void>();

  constructor(
    private readonly inner: Primitive<I, O>,
    private readonly options: RetryOptions = {},
  ) {
    super(options.name ?? `retry(${inner.name})`);
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  }

  /** Subscribes to failed attempts that will be retried; returns a function that unsubscribes. */
  onRetry(listener: (event: RetryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected async execute(input: I, ctx: WorkflowContext): Promise<O> {
    const retryOn = this.options.retryOn ?? notCancelled;
    let delayMs = 0;
    for (let attempt = 1; ; attempt++) {
      instruments()?.retryAttempts.add(1, { 'tta.primitive.name': this.name });
      try {
        // No closures for a span nobody records: this is the path of every successful call.
        return await (tracingEnabled()
          ? inSpan(
              'tta.retry.attempt',
              () => ({ 'tta.primitive.name': this.name, 'tta.retry.attempt': attempt }),
              () => this.inner.run(input, ctx),
            )
          : this.inner.run(input, ctx));
      } catch (error) {
        if (attempt > this.maxRetries || ctx.aborted || !retryOn(error, attempt)) throw error;
        delayMs = backoffDelay(this.options, attempt, delayMs);
        const event: RetryEvent = { attempt, error, delayMs };
        for (const listener of this.listeners) listener(event);
        ctx.emit({ type: 'retry', primitive: this.name, data: { attempt, delayMs } });
        if (delayMs > 0) await sleep(delayMs, ctx.signal, this.name);
      }
    }
  }
}

/** Retries the primitive on failure with the given backoff; see `RetryOptions` for defaults. */
export function retry<I, O>(inner: Primitive<I, O>, options?: RetryOptions): Retry<I, O> {
  return new Retry(inner, options);
}
